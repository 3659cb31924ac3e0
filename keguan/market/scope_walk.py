"""The scope walker's view of 技术市场与科技成果 (see ``keguan.core.scope_walk``): per district of the scene a
technology contract its firm sold outside the city (输出 for the district), a registered result and an award
of its firm. (A contract between two districts, seen from both once, is tested in tests/market.)"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from keguan.core.scope_walk import EDITORS, MANAGERS, TODAY, SceneContext, Walk, Write, status

WRITERS = EDITORS | {"city"}  # market.manage: the city's bureau and the districts' editors
READERS = MANAGERS


def _contract_anchor(c):
    sides = list(c.sides.select_related("district", "city"))
    for s in sides:
        if s.district is not None:
            return s.district, None
    return (sides[0].city if sides else None), None


def _scene(ctx: SceneContext) -> dict:
    from . import services as svc

    today = dt.date.today()
    firms = {"a": ctx.ents["ent_a"], "b": ctx.ents["ent_b"], "far_district": ctx.ents["ent_far"]}
    out: dict = {"market_contract": {}, "market_result": {}, "market_award": {}}
    for key in ctx.districts:
        word, district, firm = ctx.places[key], ctx.regions[key], firms[key]
        out["market_contract"][key] = svc.contract_create(
            actor=None, number=f"SCOPE-{district.code}", name=f"{word}技术合同哨兵", kind="development",
            seller_name=firm.name, seller_code=firm.credit_code, seller_region=district, buyer_name=f"{word}买方哨兵",
            buyer_area="北京市海淀区", registered_on=today, contract_amount=Decimal("100000"),
            transaction_amount=Decimal("80000"))
        out["market_result"][key] = svc.result_create(
            actor=None, district=district, name=f"{word}科技成果哨兵", holders=firm.name, enterprise=firm,
            registered_on=today, note=f"{word}成果简介哨兵")
        out["market_award"][key] = svc.award_create(
            actor=None, district=district, kind="contest", name=f"{word}创新创业大赛哨兵", level="province",
            year=today.year, project=f"{word}参赛项目哨兵", prize="二等奖", winners=firm.name, enterprise=firm)
    return out


def _leaks(kind: str, obj) -> list[str]:
    if kind == "market_contract":
        return [obj.name, obj.buyer_name]
    if kind == "market_result":
        return [obj.name, obj.note]
    if kind == "market_award":
        return [obj.name, obj.project]
    return []


def _contract_payload(c, *, number: str = "SCOPE-NEW") -> dict:
    return {"number": number, "name": "范围测试新合同", "kind": "service", "registered_on": TODAY,
            "seller_name": "范围测试卖方", "seller_code": "", "seller_region": c.seller_region_id or "",
            "seller_area": "", "buyer_name": "范围测试买方", "buyer_code": "", "buyer_region": "",
            "buyer_area": "北京市", "contract_wan": "10", "transaction_wan": "5", "registrar": ""}


def _result_payload(r) -> dict:
    return {"district": r.district_id, "name": "范围测试成果", "number": "", "kind": "applied", "field": "",
            "holders": "范围测试单位", "firm": "", "registered_on": TODAY, "note": ""}


def _award_payload(a) -> dict:
    return {"district": a.district_id, "kind": "award", "name": "范围测试奖项", "level": "city",
            "year": dt.date.today().year, "project": "范围测试项目", "prize": "三等奖", "winners": "范围测试单位",
            "firm": "", "awarded_on": ""}


WALK = Walk(
    pk_kinds={
        "market:contract": "market_contract", "market:contract_edit": "market_contract",
        "market:result": "market_result", "market:result_edit": "market_result",
        "market:award": "market_award", "market:award_edit": "market_award",
        "market:contract_delete": "market_contract", "market:result_delete": "market_result",
        "market:award_delete": "market_award",
    },
    writes={
        "market:contract_create": Write(WRITERS, _contract_payload, target="market_contract"),
        "market:contract_edit": Write(WRITERS, lambda c: {**_contract_payload(c, number=c.number),
                                                          "version": c.version}),
        "market:result_create": Write(WRITERS, _result_payload, target="market_result"),
        "market:result_edit": Write(WRITERS, lambda r: {**_result_payload(r), "version": r.version}),
        "market:award_create": Write(WRITERS, _award_payload, target="market_award"),
        "market:award_edit": Write(WRITERS, lambda a: {**_award_payload(a), "version": a.version}),
        # deleting (a confirm page, then POST); the scene's contracts count for their own district only
        **{f"market:{n}_delete": Write(WRITERS, lambda _: {}) for n in ("contract", "result", "award")},
    },
    page_shows={
        "market:contracts": "market_contract", "market:contracts_export": "market_contract",
        "market:results": "market_result", "market:results_export": "market_result",
        "market:awards": "market_award", "market:awards_export": "market_award",
    },
    page_status={
        **{name: status(READERS) for name in ("market:contracts", "market:contracts_export", "market:totals",
                                              "market:results", "market:results_export", "market:awards",
                                              "market:awards_export")},
    },
    anchors={
        "market.TechContract": _contract_anchor,
        "market.ContractSide": lambda s: (s.district or s.city, None),
        "market.Result": lambda r: (r.district, r.enterprise_id),
        "market.Award": lambda a: (a.district, a.enterprise_id),
    },
    district_records=("market_contract", "market_result", "market_award"),
    scene=_scene,
    leaks=_leaks,
)
