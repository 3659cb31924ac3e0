"""The scope walker's view of 科技项目 (see ``keguan.core.scope_walk``): which district (and firm) each record
belongs to. The pages, writes and scene are added with the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from keguan.core.scope_walk import EDITORS, MANAGERS, TODAY, SceneContext, Walk, Write, status


def _application(a):
    return a.district, a.enterprise_id


# --- projects-manage: the bureau's processing (a program, a call and applications in several statuses) ----------
_FIRMS = {"a": "ent_a", "b": "ent_b", "far_district": "ent_far"}
_LATER = (dt.date.today() + dt.timedelta(days=365)).isoformat()


def _submitted(app):
    """The applicant's submit, as the applicant side does it (the scene has no login for every firm)."""
    from .models import ApplicationStep, Status

    type(app).objects.filter(pk=app.pk).update(status=Status.SUBMITTED, submitted_at=timezone.now())
    ApplicationStep.objects.create(application=app, from_status=Status.DRAFT, to_status=Status.SUBMITTED,
                                   on=dt.date.today())
    app.refresh_from_db()
    return app


def _manage_scene(ctx: SceneContext) -> dict:
    from . import services as svc
    from .models import Application, Call, Level, Program

    today = dt.date.today()
    kinds = ("proj_app", "proj_review", "proj_rec", "proj_approved", "proj_running")
    out: dict = {k: {} for k in kinds}
    for key in ctx.districts:
        word, region, firm = ctx.places[key], ctx.regions[key], ctx.ents[_FIRMS[key]]
        calls = {}
        for level in (Level.COUNTY, Level.PROVINCE):
            program = Program.objects.create(region=region, name=f"{word}{level.label}项目哨兵", level=level,
                                             managing_body=f"{word}科技局")
            calls[level] = Call.objects.create(program=program, region=region, year=today.year,
                                               title=f"{word}{level.label}申报通知哨兵", opens_on=today,
                                               closes_on=today + dt.timedelta(days=5))

        def app(kind: str, level=Level.COUNTY, firm=firm, word=word, region=region, calls=calls):
            a = svc.application_save(actor=None, application=Application(call=calls[level], enterprise=firm,
                                                                          district=region),
                                     title=f"{word}{kind}项目哨兵", field="electronics",
                                     budget={"equipment": ("100000", "300000")})
            return _submitted(a)

        def move(a, *targets):
            for t in targets:
                svc.application_move(actor=None, application=a, target=t)
            return a

        out["proj_app"][key] = move(app("proj_app"), "screening")
        out["proj_review"][key] = move(app("proj_review"), "screening", "review")
        out["proj_rec"][key] = move(app("proj_rec", Level.PROVINCE), "screening", "recommended")
        a = svc.application_approve(actor=None, application=move(app("proj_approved"), "screening", "review"),
                                    amount=Decimal("200000"))
        out["proj_approved"][key] = a
        r = svc.application_approve(actor=None, application=move(app("proj_running"), "screening", "review"),
                                    amount=Decimal("200000"))
        r = svc.application_sign(actor=None, application=r, contract_no=f"{word}任务书哨兵", goals=f"{word}目标哨兵",
                                 signed_on=today, midterm_due=today + dt.timedelta(days=10),
                                 acceptance_due=today + dt.timedelta(days=200))
        move(r, "running")
        svc.funding_add(actor=None, application=r, source="county", amount=Decimal("100000"), on=today)
        svc.disbursement_add(actor=None, application=r, source="county", amount=Decimal("50000"), on=today)
        svc.projectcheck_add(actor=None, application=r, kind="midterm", on=today, result="conditional",
                             note=f"{word}中期意见哨兵")
        out["proj_running"][key] = r
        _other_rows(calls[Level.COUNTY], r, firm, region, word)
    return out


def _other_rows(call, app, firm, region, word) -> None:
    """One row of each model whose pages other parts build (attachments, experts, review), so the scope check
    of every model has rows; plain rows, no workflow."""
    from .models import Assignment, CallAttachment, Conflict, Criterion, Expert, Score

    CallAttachment.objects.create(call=call, name=f"{word}通知附件哨兵.pdf", path="x.pdf", size=1, kind="pdf")
    app.files.create(name=f"{word}申报附件哨兵.pdf", path="y.pdf", size=1, kind="pdf")
    criterion = Criterion.objects.create(call=call, name="创新性", weight=100)
    expert = Expert.objects.create(region=region, name=f"{word}专家哨兵", employer="大学", fields="electronics")
    Conflict.objects.create(expert=expert, enterprise=firm, reason="近亲属任职")
    assignment = Assignment.objects.create(application=app, expert=expert)
    Score.objects.create(assignment=assignment, criterion=criterion, value=80)


def _manage_leaks(kind: str, obj) -> list[str]:
    if not kind.startswith("proj_"):
        return []
    return [obj.title, obj.call.title, obj.contract_no]


_APPS = ("application", "application_move", "application_back")
MANAGE_WALK = Walk(
    pk_kinds={
        # the page of a project in 实施 shows the most (files, funds, disbursements, checks)
        **{f"projects:{n}": "proj_running" for n in _APPS},
        "projects:application_approve": "proj_review",
        "projects:application_outcome": "proj_rec",
        "projects:application_sign": "proj_approved",
        "projects:application_funding": "proj_approved",
        "projects:application_disbursement": "proj_running",
        "projects:application_check": "proj_running",
    },
    writes={
        "projects:application_move": Write(EDITORS, lambda a: {"acceptance-target": "acceptance",
                                                               "acceptance-reason": "", "acceptance-on": "",
                                                               "acceptance-version": ""}),
        "projects:application_back": Write(EDITORS, lambda a: {"back-reason": "范围测试撤销", "back-version": ""}),
        "projects:application_approve": Write(EDITORS, lambda a: {"amount_wan": "12", "on": TODAY, "version": ""}),
        "projects:application_outcome": Write(EDITORS, lambda a: {"won": "1", "amount_wan": "8", "reason": "",
                                                                  "on": TODAY, "version": ""}),
        "projects:application_sign": Write(EDITORS, lambda a: {
            "contract_no": "范围测试-1", "goals": "范围测试目标", "signed_on": TODAY, "midterm_due": "",
            "acceptance_due": _LATER, "version": ""}),
        "projects:application_funding": Write(EDITORS, lambda a: {"source": "county", "amount_wan": "1", "on": TODAY,
                                                                  "note": ""}),
        "projects:application_disbursement": Write(EDITORS, lambda a: {"source": "county", "amount_wan": "1",
                                                                       "on": TODAY, "note": ""}),
        "projects:application_check": Write(EDITORS, lambda a: {"kind": "midterm", "on": TODAY, "result": "pass",
                                                                 "note": "", "version": ""}),
    },
    page_shows={"projects:applications": "proj_app", "projects:applications_export": "proj_app"},
    page_status={n: status(MANAGERS) for n in ("projects:applications", "projects:applications_export",
                                                "projects:calendar")},
    district_records=("proj_app", "proj_review", "proj_rec", "proj_approved", "proj_running"),
    scene=_manage_scene,
    leaks=_manage_leaks,
)
# --- end projects-manage ---

# The area's walk is the union of its parts' (each helper's block above adds its ``Walk`` to PARTS).
PARTS: tuple[Walk, ...] = (MANAGE_WALK,)


def _union(attr: str):
    out: dict = {}
    for part in PARTS:
        out.update(getattr(part, attr))
    return out


def _scene(ctx: SceneContext) -> dict:
    out: dict = {}
    for part in PARTS:
        if part.scene is not None:
            out.update(part.scene(ctx))
    return out


def _leaks(kind: str, obj) -> list[str]:
    return [text for part in PARTS if part.leaks is not None for text in part.leaks(kind, obj)]


WALK = Walk(
    pk_kinds=_union("pk_kinds"),
    kwargs=_union("kwargs"),
    writes=_union("writes"),
    page_shows=_union("page_shows"),
    page_status=_union("page_status"),
    district_records=tuple(k for part in PARTS for k in part.district_records),
    region_records=tuple(k for part in PARTS for k in part.region_records),
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
