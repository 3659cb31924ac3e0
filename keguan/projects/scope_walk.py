"""The scope walker's view of 科技项目 (see ``keguan.core.scope_walk``): which district (and firm) each record
belongs to. The pages, writes and scene are added with the pages."""

from __future__ import annotations

import datetime as dt

from keguan.core.scope_walk import EDITORS, MANAGERS, SceneContext, Walk, Write, status


def _application(a):
    return a.district, a.enterprise_id


# --- the expert pool and the review (projects-review) ----------------------------------------------------------
# Per district: a program, a call under review with two criteria and one application (the district's firm),
# an expert of the district's pool (district A's is the ``expert`` persona's account) with a declared
# conflict (an organisation), and the application's assignment to that expert (one score, not submitted).
REVIEW_FIRMS = {"a": "ent_a", "b": "ent_b", "far_district": "ent_far"}
REVIEW_ORGS = {"a": "org_a_town1", "b": "org_b_town", "far_district": "org_far"}


def _review_scene(ctx: SceneContext) -> dict:
    from .models import (
        Application,
        Assignment,
        Call,
        Conflict,
        Criterion,
        Expert,
        Level,
        Program,
        Score,
        Status,
    )

    today = dt.date.today()
    out: dict = {"review_expert": {}, "review_conflict": {}, "review_call": {}, "review_assignment": {}}
    for key in ctx.districts:
        word, region = ctx.places[key], ctx.regions[key]
        program = Program.objects.create(region=region, name=f"{word}评审计划哨兵", level=Level.COUNTY,
                                         managing_body="区科技局")
        call = Call.objects.create(program=program, region=region, year=today.year, title=f"{word}评审通知哨兵",
                                   opens_on=today - dt.timedelta(days=30), closes_on=today - dt.timedelta(days=1),
                                   reviewers_per_application=1)
        first = Criterion.objects.create(call=call, name="创新性", weight=60, position=1)
        Criterion.objects.create(call=call, name="可行性", weight=40, position=2)
        app = Application.objects.create(call=call, enterprise=ctx.ents[REVIEW_FIRMS[key]], district=region,
                                         title=f"{word}评审项目哨兵", field="electronics", status=Status.REVIEW,
                                         status_on=today)
        expert = Expert.objects.create(region=region, name=f"{word}评审专家哨兵", employer=f"{word}某大学",
                                       fields="electronics,materials", phone=f"13911{len(out['review_call']):06d}",
                                       user=ctx.world.expert if key == "a" else None)
        conflict = Conflict.objects.create(expert=expert, organisation=ctx.objects["organisation"][REVIEW_ORGS[key]],
                                           reason=f"{word}回避原因哨兵")
        out["review_expert"][key], out["review_conflict"][key] = expert, conflict
        out["review_call"][key] = call
        out["review_assignment"][key] = assignment = Assignment.objects.create(application=app, expert=expert)
        Score.objects.create(assignment=assignment, criterion=first, value=75)  # a draft score, not submitted
    return out


def _review_leaks(kind: str, obj) -> list[str]:
    if kind == "review_expert":
        return [obj.name, obj.phone]
    if kind == "review_conflict":
        return [obj.reason]
    if kind == "review_call":
        return [obj.title, *obj.applications.values_list("title", flat=True)]
    return []


def _review_firm(expert) -> str:
    from keguan.enterprises.models import Enterprise

    return Enterprise.objects.filter(district=expert.region).order_by("pk")[0].credit_code


def _unassign(call) -> None:
    from .models import Assignment

    Assignment.objects.filter(application__call=call).delete()


def _override(call) -> dict:
    from .models import Expert

    return {"application": call.applications.order_by("pk")[0].pk,
            "expert": Expert.objects.filter(region=call.region).order_by("pk")[0].pk, "reason": "范围测试指定"}


def _scores(a) -> dict:
    return {**{f"c{c.pk}": 80 for c in a.application.call.criteria.all()}, "comment": "范围测试评审意见"}


REVIEW_WALK = {
    "pk_kinds": {
        **{f"projects:{n}": "review_expert" for n in ("expert", "expert_edit", "expert_available", "conflict_add")},
        "projects:conflict_remove": "review_conflict",
        **{f"projects:{n}": "review_call" for n in ("review_assign", "review_run", "review_override", "review_close",
                                                     "review_results", "review_export")},
        "projects:assignment_remove": "review_assignment",
        "projects:my_review": "review_assignment",
    },
    "writes": {
        "projects:expert_create": Write(EDITORS, lambda _: {"name": "范围测试专家", "employer": "范围测试单位",
                                                           "fields_": ["electronics"], "available": "on"}),
        "projects:expert_edit": Write(EDITORS, lambda e: {"name": "范围测试改名", "employer": e.employer,
                                                         "fields_": e.field_codes, "available": "on"}),
        "projects:expert_available": Write(EDITORS, lambda e: {}),
        "projects:conflict_add": Write(EDITORS, lambda e: {"firm": _review_firm(e), "reason": "范围测试回避"}),
        "projects:conflict_remove": Write(EDITORS, lambda c: {}),
        "projects:review_run": Write(EDITORS, lambda c: {}, prepare=_unassign),
        "projects:review_override": Write(EDITORS, _override, prepare=_unassign),
        "projects:review_close": Write(EDITORS, lambda c: {}),
        "projects:assignment_remove": Write(EDITORS, lambda a: {}),
        "projects:my_review": Write(frozenset({"expert"}), _scores),
    },
    "page_shows": {"projects:experts": "review_expert", "projects:reviews": "review_call"},
    "page_status": {"projects:experts": status(MANAGERS), "projects:reviews": status(MANAGERS),
                    "projects:my_reviews": status({"expert"}), "projects:expert_create": status(EDITORS)},
    "district_records": ("review_expert", "review_conflict", "review_call", "review_assignment"),
}


def _scene(ctx: SceneContext) -> dict:
    return {**_review_scene(ctx)}


def _leaks(kind: str, obj) -> list[str]:
    return _review_leaks(kind, obj)


WALK = Walk(
    pk_kinds={**REVIEW_WALK["pk_kinds"]},
    writes={**REVIEW_WALK["writes"]},
    page_shows={**REVIEW_WALK["page_shows"]},
    page_status={**REVIEW_WALK["page_status"]},
    district_records=(*REVIEW_WALK["district_records"],),
    scene=_scene,
    leaks=_leaks,
    anchors={
        "projects.Program": lambda x: (x.region, None),
        "projects.Call": lambda x: (x.region, None),
        "projects.CallAttachment": lambda x: (x.call.region, None),
        "projects.Criterion": lambda x: (x.call.region, None),
        "projects.Application": _application,
        "projects.BudgetLine": lambda x: _application(x.application),
        "projects.ApplicationFile": lambda x: _application(x.application),
        "projects.ApplicationStep": lambda x: _application(x.application),
        "projects.Funding": lambda x: _application(x.application),
        "projects.Disbursement": lambda x: _application(x.application),
        "projects.ProjectCheck": lambda x: _application(x.application),
        "projects.Expert": lambda x: (x.region, None),
        "projects.Conflict": lambda x: (x.expert.region, None),
        "projects.Assignment": lambda x: (x.application.district, None),
        "projects.Score": lambda x: (x.assignment.application.district, None),
    },
)
