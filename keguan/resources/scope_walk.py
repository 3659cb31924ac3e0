"""The scope walker's view of 创新平台与人才 (see ``keguan.core.scope_walk``): for each district of the scene, one
record of every model — a platform of the district's firm with an evaluation, an application (pending), a talent,
a foreign expert, an agreement with a joint project and a recognition (申报) of the firm — each named with the
district's word, so a list or export that leaks it is caught."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from keguan.core.scope_walk import EDITORS, MANAGERS, TODAY, SceneContext, Walk, Write, status

from . import services

YEAR = dt.date.today().year
DAY = dt.date.today() - dt.timedelta(days=30)
FIRM_OF = {"a": "ent_a", "b": "ent_b", "far_district": "ent_far"}
KINDS = ("res_platform", "res_application", "res_talent", "res_expert", "res_agreement", "res_project",
         "res_recognition")


def _scene(ctx: SceneContext) -> dict:
    out: dict = {k: {} for k in KINDS}
    for key in ctx.districts:
        word, district = ctx.places[key], ctx.regions[key]
        firm = ctx.ents.get(FIRM_OF.get(key, ""))
        p = services.platform_create(actor=None, district=district, kind="erc", level="province",
                                     name=f"{word}平台哨兵", host=f"{word}依托单位哨兵", enterprise=firm,
                                     approved_year=YEAR - 3)
        services.evaluation_set(actor=None, platform=p, year=YEAR - 2, grade="good", note=f"{word}考核哨兵")
        out["res_platform"][key] = p
        out["res_application"][key] = services.application_create(
            actor=None, district=district, kind="key_lab", level="city", name=f"{word}申报平台哨兵",
            host=f"{word}申报单位哨兵", enterprise=firm, applied_on=DAY)
        out["res_talent"][key] = services.talent_create(
            actor=None, district=district, name=f"{word}人才哨兵", program="特支计划", year=YEAR - 1, level="province",
            host=f"{word}人才单位哨兵", enterprise=firm)
        out["res_expert"][key] = services.expert_create(
            actor=None, district=district, name=f"{word}专家哨兵", nationality="英国", host=f"{word}聘请单位哨兵",
            enterprise=firm, start_on=DAY, permit_no="P1", permit_expires=dt.date.today() + dt.timedelta(days=10))
        ag = services.agreement_create(actor=None, district=district, local_party=f"{word}协议单位哨兵",
                                       enterprise=firm, partner="广西大学", signed_on=DAY, amount=Decimal("100000"))
        out["res_agreement"][key] = ag
        out["res_project"][key] = services.joint_project_add(actor=None, agreement=ag, title=f"{word}合作项目哨兵",
                                                             starts_on=DAY)
        if firm is not None:
            out["res_recognition"][key] = services.recognition_create(
                actor=None, district=district, enterprise=firm, title="srdi", level="provincial", year=YEAR,
                batch=f"{word}称号批次哨兵", applied_on=DAY)
    return out


def _leaks(kind: str, obj) -> list[str]:
    texts = {
        "res_platform": lambda p: [p.name, p.host, *p.evaluations.values_list("note", flat=True)],
        "res_application": lambda a: [a.name, a.host],
        "res_talent": lambda t: [t.name, t.host],
        "res_expert": lambda e: [e.name, e.host],
        "res_agreement": lambda a: [a.local_party, *a.projects.values_list("title", flat=True)],
        "res_project": lambda p: [p.title],
        "res_recognition": lambda r: [r.batch],
    }
    return texts[kind](obj) if kind in texts else []


def _firm_code(e) -> str:
    return e.credit_code


PLATFORM = {"kind": "erc", "level": "province", "name": "范围测试平台", "host": "范围测试单位", "approved_year": YEAR,
            "status": "running"}
LISTS = {"platforms": "res_platform", "applications": "res_application", "talent": "res_talent",
         "experts": "res_expert", "agreements": "res_agreement", "recognitions": "res_recognition"}
CREATES = ("platform_create", "application_create", "talent_create", "expert_create", "agreement_create",
           "recognition_create")

WALK = Walk(
    pk_kinds={
        **{f"resources:{n}": "res_platform" for n in ("platform", "platform_edit", "platform_revoke",
                                                       "platform_evaluate", "platform_delete")},
        **{f"resources:{n}": "res_application" for n in ("application", "application_edit", "application_decide",
                                                          "application_delete")},
        **{f"resources:{n}": "res_talent" for n in ("talent_detail", "talent_edit", "talent_delete")},
        **{f"resources:{n}": "res_expert" for n in ("expert", "expert_edit", "expert_delete")},
        **{f"resources:{n}": "res_agreement" for n in ("agreement", "agreement_edit", "project_add",
                                                        "agreement_delete")},
        "resources:project_remove": "res_project",
        **{f"resources:{n}": "res_recognition" for n in ("recognition", "recognition_edit", "recognition_move",
                                                          "recognition_delete")},
    },
    writes={
        "resources:platform_create": Write(EDITORS, lambda _: dict(PLATFORM)),
        "resources:platform_edit": Write(EDITORS, lambda p: {**PLATFORM, "name": "范围测试改名",
                                                             "approved_year": p.approved_year}),
        "resources:platform_revoke": Write(EDITORS, lambda p: {"year": YEAR, "note": "范围测试撤销"}),
        "resources:platform_evaluate": Write(EDITORS, lambda p: {"year": YEAR - 1, "grade": "excellent", "note": ""}),
        "resources:application_create": Write(EDITORS, lambda _: {
            "kind": "erc", "level": "city", "name": "范围测试申报", "host": "范围测试单位", "applied_on": TODAY}),
        "resources:application_edit": Write(EDITORS, lambda a: {
            "kind": "erc", "level": "city", "name": "范围测试改名", "host": "x", "applied_on": a.applied_on.isoformat()}),
        "resources:application_decide": Write(EDITORS, lambda a: {"outcome": "approved", "decided_on": TODAY}),
        "resources:talent_create": Write(EDITORS, lambda _: {
            "name": "范围测试人才", "program": "特支计划", "year": YEAR, "level": "city", "host": "x"}),
        "resources:talent_edit": Write(EDITORS, lambda t: {
            "name": "范围测试改名", "program": t.program, "year": t.year, "level": t.level, "host": t.host}),
        "resources:expert_create": Write(EDITORS, lambda _: {
            "name": "范围测试专家", "nationality": "德国", "host": "x", "start_on": TODAY}),
        "resources:expert_edit": Write(EDITORS, lambda e: {
            "name": "范围测试改名", "nationality": e.nationality, "host": e.host, "start_on": e.start_on.isoformat()}),
        "resources:agreement_create": Write(EDITORS, lambda _: {
            "local_party": "范围测试单位", "partner": "广西大学", "signed_on": TODAY, "status": "active",
            "amount_wan": "3"}),
        "resources:agreement_edit": Write(EDITORS, lambda a: {
            "local_party": "范围测试改名", "partner": a.partner, "signed_on": a.signed_on.isoformat(),
            "status": "active"}),
        "resources:project_add": Write(EDITORS, lambda a: {"title": "范围测试项目", "starts_on": TODAY,
                                                           "amount_wan": "1", "status": "active"}),
        "resources:project_remove": Write(EDITORS, lambda p: {}),
        "resources:recognition_create": Write(EDITORS, lambda e: {
            "firm": e.credit_code, "title": "gazelle", "level": "none", "year": YEAR, "applied_on": TODAY},
            target="enterprise"),
        "resources:recognition_edit": Write(EDITORS, lambda r: {
            "firm": r.enterprise.credit_code, "title": r.title, "level": r.level, "year": r.year,
            "batch": "范围测试批次", "applied_on": r.applied_on.isoformat()}),
        "resources:recognition_move": Write(EDITORS, lambda r: {"target": "recommended", "on": TODAY}),
        # deleting (a confirm page, then POST): the district's editors, on records nothing else stands on
        **{f"resources:{n}_delete": Write(EDITORS, lambda _: {}) for n in (
            "platform", "application", "talent", "expert", "agreement", "recognition")},
    },
    # (称号申报 rows are named by their firm: its ``title`` is a code the list writes out as a label; the walker's
    # positive control reads ``title``, so recognitions are checked through their leaks and page status only)
    page_shows={**{f"resources:{n}": kind for n, kind in LISTS.items() if n != "recognitions"},
                **{f"resources:{n}_export": kind for n, kind in LISTS.items() if n != "recognitions"}},
    page_status={
        **{f"resources:{n}": status(MANAGERS) for n in LISTS},
        **{f"resources:{n}_export": status(MANAGERS) for n in LISTS},
        **{f"resources:{n}": status(EDITORS) for n in CREATES},
    },
    anchors={
        "resources.Platform": lambda x: (x.district, x.enterprise_id),
        "resources.PlatformEvaluation": lambda x: (x.platform.district, x.platform.enterprise_id),
        "resources.PlatformApplication": lambda x: (x.district, x.enterprise_id),
        "resources.Talent": lambda x: (x.district, x.enterprise_id),
        "resources.ForeignExpert": lambda x: (x.district, x.enterprise_id),
        "resources.Agreement": lambda x: (x.district, x.enterprise_id),
        "resources.JointProject": lambda x: (x.agreement.district, x.agreement.enterprise_id),
        "resources.Recognition": lambda x: (x.district, x.enterprise_id),
    },
    district_records=KINDS,
    scene=_scene,
    leaks=_leaks,
)
