"""The scope walker's view of 科技特派员 (logs); combined in keguan.fieldwork.scope_walk.

代为登记 (``log_enter``) names a commissioner of the roster part's scene (``fw_commissioner``) in its payload:
district editors enter for their own district's, and a foreign one is refused like a missing one.

Log URLs name the roster part's ``fw_log`` rows (one per commissioner of the scene, each with a photo: "a" is the
'expert' persona's own). Need URLs name this part's own ``fw_need`` rows: a need of the district's firm
(``ent_a``, ``ent_b``), dispatched to the district's scene commissioner ("a": the expert's), so that every side
sees its own — the bureau, the township liaison of the firm's township, the commissioner and the firm. Each
write's ``prepare`` puts the need in the status its move starts from."""

from __future__ import annotations

import datetime as dt

from keguan.core.scope_walk import (
    EDITORS,
    ENTERPRISE_USERS,
    MANAGERS,
    PERSONAS,
    TODAY,
    Kwarg,
    SceneContext,
    Walk,
    Write,
    status,
)
from keguan.regions.models import Region, RegionLevel

from ..models import Assignment, Commissioner
from ..services.demands import demand_create, demand_dispatch

NEED_WRITERS_REQUEST = frozenset({"town", "ent_user", "outsider_ent"})
READERS = MANAGERS | {"town", "expert"}


def _village(township):
    return Region.objects.filter(parent=township, level=RegionLevel.VILLAGE).order_by("code").first()


def _new_log(township) -> dict:
    village = _village(township)
    return {"served_on": TODAY, "place": f"v:{village.pk if village else 0}", "enterprise_text": "",
            "kind": "guidance", "content": "范围测试服务", "served": "3", "introduced": "0"}


def _enter_log(commissioner) -> dict:
    """代为登记 for a commissioner of the scene, at the village it is paired with."""
    paired = Assignment.objects.filter(commissioner=commissioner, village__isnull=False).order_by("pk").first()
    return {"commissioner": commissioner.pk, "served_on": TODAY, "place": f"v:{paired.village_id if paired else 0}",
            "enterprise_text": "", "kind": "consulting", "content": "范围测试代为登记", "served": "2",
            "introduced": "0"}


def _edit_log(log) -> dict:
    place = f"v:{log.village_id}" if log.village_id else f"e:{log.enterprise_id}"
    return {"served_on": TODAY, "place": place, "enterprise_text": "", "kind": "teaching", "content": "范围测试改过",
            "served": "7", "introduced": "1", "version": log.version}


def _new_need(township) -> dict:
    village = _village(township)
    return {"title": "范围测试需求", "description": "范围测试描述", "field": "", "village": village.pk if village else "",
            "enterprise_text": "", "contact": "", "phone": "", "posted_on": TODAY}


def _firm_need(_) -> dict:
    return {"title": "范围测试企业需求", "description": "范围测试描述", "field": "", "contact": "", "phone": "",
            "posted_on": TODAY}


def _status(value: str):
    def prepare(demand) -> None:
        type(demand).objects.filter(pk=demand.pk).update(status=value)

    return prepare


def _scene(ctx: SceneContext) -> dict:
    out: dict = {"fw_need": {}}
    for key, ent_key in (("a", "ent_a"), ("b", "ent_b")):
        ent, word = ctx.ents[ent_key], ctx.places[key]
        commissioner = (Commissioner.objects.filter(user=ctx.world.expert).first() if key == "a"
                        else Commissioner.objects.filter(district=ctx.regions[key]).order_by("pk").first())
        need = demand_create(actor=None, district=ctx.regions[key], enterprise=ent, title=f"{word}企业需求哨兵",
                             description=f"{word}企业需求描述哨兵", posted_on=dt.date.today())
        out["fw_need"][key] = demand_dispatch(demand=need, actor=None, commissioner=commissioner)
    return out


def _leaks(kind: str, obj) -> list[str]:
    return [obj.title, obj.description] if kind == "fw_need" else []


def _photo(log) -> int:
    return log.photos.order_by("pk")[0].pk


WALK = Walk(
    pk_kinds={
        **{f"fieldwork:{n}": "fw_log" for n in ("log", "log_edit", "log_delete", "log_photo")},
        **{f"fieldwork:{n}": "fw_need" for n in ("demand", "demand_dispatch", "demand_start", "demand_complete",
                                                  "demand_cancel", "demand_feedback")},
    },
    kwargs={"photo_pk": Kwarg("fw_log", _photo, True, 987654321)},
    writes={
        "fieldwork:log_create": Write(frozenset({"expert"}), _new_log, target="township"),
        "fieldwork:log_enter": Write(EDITORS, _enter_log, target="fw_commissioner"),
        "fieldwork:log_edit": Write(EDITORS | {"expert"}, _edit_log),
        "fieldwork:log_delete": Write(EDITORS | {"expert"}, lambda _: {}),
        "fieldwork:demand_create": Write(EDITORS | {"town"}, _new_need, target="township"),
        "fieldwork:demand_request": Write(ENTERPRISE_USERS, _firm_need),
        "fieldwork:demand_dispatch": Write(EDITORS, lambda d: {"commissioner": d.commissioner_id},
                                           prepare=_status("new")),
        "fieldwork:demand_start": Write(frozenset({"expert"}), lambda _: {}, prepare=_status("dispatched")),
        "fieldwork:demand_complete": Write(EDITORS | {"expert"}, lambda _: {"done_on": TODAY, "log": ""},
                                           prepare=_status("serving")),
        "fieldwork:demand_cancel": Write(EDITORS | NEED_WRITERS_REQUEST, lambda _: {"reason": "范围测试撤销"},
                                         prepare=_status("new")),
        "fieldwork:demand_feedback": Write(NEED_WRITERS_REQUEST, lambda _: {"satisfaction": "satisfied",
                                                                           "feedback": "范围测试评价"},
                                           prepare=_status("done")),
    },
    page_shows={"fieldwork:demands": "fw_need"},
    page_status={
        "fieldwork:logs": status(READERS),
        "fieldwork:my_logs": status({"expert"}),
        "fieldwork:log_enter": status(EDITORS),
        "fieldwork:log_export": status(MANAGERS),
        "fieldwork:log_counts": status(MANAGERS | {"town"}),
        "fieldwork:demands": status(set(PERSONAS)),
    },
    district_records=("fw_need",),
    anchored_records=("fw_need",),
    scene=_scene,
    leaks=_leaks,
)
