"""The scope walker's view of 退回派单 (a commissioner sends a need dispatched to it back); combined in
keguan.fieldwork.scope_walk. The decline URL acts on the logs part's ``fw_need`` rows (dispatched to the
scene's commissioner of each district: "a" is the 'expert' persona's own). This part adds ``fw_decline``: per
district a need of the district's firm that its commissioner sent back, with a sentinel note — only that
district's bureau (and the commissioner who sent it back) may ever see it. The logs part's ``fw_need`` was
sent back once as well before it was dispatched again, so the need pages the walks open list a decline."""

from __future__ import annotations

import datetime as dt

from keguan.core.scope_walk import SceneContext, Walk, Write

from ..models import Commissioner, DemandStatus
from ..services.demands import demand_create, demand_decline, demand_dispatch
from .logs import _status


def _scene(ctx: SceneContext) -> dict:
    out: dict = {"fw_decline": {}}
    for key, ent_key in (("a", "ent_a"), ("b", "ent_b")):
        ent, word = ctx.ents[ent_key], ctx.places[key]
        commissioner = (
            Commissioner.objects.filter(user=ctx.world.expert).first()
            if key == "a"
            else Commissioner.objects.filter(district=ctx.regions[key]).order_by("pk").first()
        )
        need = demand_create(
            actor=None,
            district=ctx.regions[key],
            enterprise=ent,
            title=f"{word}退回的需求",
            description="退回的需求描述",
            posted_on=dt.date.today(),
        )
        demand_dispatch(demand=need, actor=None, commissioner=commissioner)
        out["fw_decline"][key] = demand_decline(
            demand=need, actor=None, reason="other", note=f"{word}退回说明哨兵"
        )
        assert need.status == DemandStatus.NEW
        # the logs part's need (whose page the walks open) was sent back once too, then dispatched again:
        # its page lists the decline
        earlier = ctx.objects["fw_need"][key]
        demand_decline(demand=earlier, actor=None, reason="other", note=f"{word}退回说明哨兵")
        earlier.refresh_from_db()
        demand_dispatch(demand=earlier, actor=None, commissioner=commissioner)
        earlier.refresh_from_db()
        assert earlier.status == DemandStatus.DISPATCHED
    return out


def _leaks(kind: str, obj) -> list[str]:
    return [obj.note] if kind == "fw_decline" else []


WALK = Walk(
    pk_kinds={"fieldwork:demand_decline": "fw_need"},
    writes={
        "fieldwork:demand_decline": Write(
            frozenset({"expert"}),
            lambda _: {"reason": "time_conflict", "note": ""},
            prepare=_status("dispatched"),
        ),
    },
    anchors={
        "fieldwork.DemandDecline": lambda x: (
            x.demand.township or x.demand.district,
            x.demand.enterprise_id,
            x.commissioner.user_id,
        ),
    },
    district_records=("fw_decline",),
    anchored_records=("fw_decline",),
    scene=_scene,
    leaks=_leaks,
)
