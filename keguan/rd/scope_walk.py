"""The scope walker's view of 研发经费填报 (see ``keguan.core.scope_walk``): a round per district (pre-filled with
its 规上 firms), whose first firm reported and was called."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from keguan.core.scope_walk import EDITORS, MANAGERS, TODAY, SceneContext, Walk, Write, status

from . import services as rd

RD_YEAR = dt.date.today().year - 1  # the scene's rounds
RD_NEW_YEAR = dt.date.today().year - 2  # the round the positive control opens


def _rd_spare(r):
    """The round's last firm: taken off the list (prepare) so the positive control can add it again."""
    return r.firms.order_by("-pk")[0]


def _rd_unreport(f) -> None:
    type(f).objects.filter(pk=f.pk).update(amount=None, reported_on=None)


def _scene(ctx: SceneContext) -> dict:
    today = dt.date.today()
    out: dict = {"rd_round": {}, "rd_firm": {}}
    for key in ctx.districts:
        word = ctx.places[key]
        r = rd.rd_round_create(actor=None, district=ctx.regions[key], year=RD_YEAR, title=f"{word}研发填报哨兵",
                               opened_on=today)
        firm = r.firms.order_by("pk")[0]
        rd.rd_amount_record(firm=firm, actor=None, amount=Decimal("1000000"), reported_on=today)
        rd.rd_call_log(firm=firm, actor=None, called_on=today, outcome="reported", note=f"{word}跟进哨兵")
        out["rd_round"][key], out["rd_firm"][key] = r, firm
    return out


def _leaks(kind: str, obj) -> list[str]:
    if kind != "rd_round":
        return []
    return [obj.title, *(note for note in obj.firms.values_list("calls__note", flat=True) if note)]


WALK = Walk(
    pk_kinds={
        "rd": "rd_round",
        **{f"rd:{name}": "rd_firm" for name in ("firm", "firm_report", "firm_clear", "firm_call", "firm_remove")},
    },
    writes={
        "rd:create": Write(EDITORS, lambda _: {"year": RD_NEW_YEAR, "title": "", "opened_on": TODAY, "due_on": "",
                                               "note": ""}),
        "rd:round_edit": Write(EDITORS, lambda r: {"title": "范围测试改名", "opened_on": TODAY, "due_on": "", "note": ""}),
        "rd:firm_add": Write(EDITORS, lambda r: {"enterprise": _rd_spare(r).enterprise.credit_code, "note": ""},
                             prepare=lambda r: _rd_spare(r).delete()),
        "rd:firm_report": Write(EDITORS, lambda f: {"amount_wan": "12.5", "reported_on": TODAY, "note": ""}),
        "rd:firm_clear": Write(EDITORS, lambda f: {}),
        "rd:firm_call": Write(EDITORS, lambda f: {"called_on": TODAY, "contact": "范围测试", "outcome": "promised",
                                                  "promised_on": "", "note": "范围测试跟进"}),
        "rd:firm_remove": Write(EDITORS, lambda f: {}, prepare=_rd_unreport),
    },
    page_shows={"rd:list": "rd_round"},
    page_status={"rd:list": status(MANAGERS), "rd:create": status(EDITORS)},
    anchors={
        "rd.RdRound": lambda x: (x.district, None),
        "rd.RdFirm": lambda x: (x.round.district, None),
        "rd.RdCall": lambda x: (x.firm.round.district, None),
    },
    district_records=("rd_round", "rd_firm"),
    scene=_scene,
    leaks=_leaks,
)
