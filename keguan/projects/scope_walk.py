"""The scope walker's view of 科技项目 (see ``keguan.core.scope_walk``): which district (and firm) each record
belongs to.

Programs, calls, the applicant's side (projects-apply): a program and a call per bureau place (city and
districts: ``region_records``; a firm applies under its district's and its city's calls), an application per
firm of the scene (addressed through the firm: ``apply_pk`` names the enterprise, so another firm's application
is probed like a foreign firm) and an institute's application per district entered by the bureau
(``project_entry``). Each call, application and entry has a file."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from keguan.core.scope_walk import (
    EDITORS,
    ENTERPRISE_USERS,
    MANAGERS,
    TODAY,
    Kwarg,
    SceneContext,
    Walk,
    Write,
    combine,
    status,
)


def _application(a):
    return a.district, a.enterprise_id


# --- programs, calls, applications (projects-apply) ---------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ENTRY_ORGS = {"a": "org_a_town1", "b": "org_b_town", "far_district": "org_far"}


def _pdf(name: str = "范围测试附件.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _form(title: str, version: int | None = None) -> dict:
    return {"title": title, "field": "electronics", "starts_on": "", "ends_on": "", "summary": "", "team": "",
            "own_equipment": "10", "requested_equipment": "20", "own_total_wan": "10", "requested_total_wan": "20",
            **({"version": version} if version is not None else {})}


def _scene_projects(ctx: SceneContext) -> dict:
    from keguan.projects.models import Level
    from keguan.projects.services import applications as svc

    today = dt.date.today()
    out: dict = {"project_program": {}, "project_call": {}, "project_entry": {}}
    budget = {"equipment": ("100000", "200000")}
    for key, word in ctx.places.items():
        region = ctx.regions[key]
        program = svc.program_create(actor=None, region=region, name=f"{word}科技计划哨兵",
                                     level=Level.CITY if key == "city" else Level.COUNTY, managing_body=f"{word}科技局",
                                     note=f"{word}计划说明哨兵")
        call = svc.call_create(actor=None, program=program, year=today.year, title=f"{word}申报通知哨兵",
                               opens_on=today - dt.timedelta(days=10), closes_on=today + dt.timedelta(days=10),
                               criteria=[(f"{word}评审指标哨兵", 100)])
        svc.call_attach(actor=None, call=call, files=[(f"{word}通知附件.pdf", PDF)])
        out["project_program"][key], out["project_call"][key] = program, call
    for key, e in ctx.ents.items():
        district_key = next(k for k in ctx.districts if ctx.regions[k].pk == e.district_id)
        app = svc.application_start(actor=None, call=out["project_call"][district_key], district=e.district,
                                    enterprise=e, title=f"{key}项目申报哨兵", field="electronics", budget=budget)
        svc.application_attach(actor=None, application=app, files=[(f"{key}申报附件.pdf", PDF)])
    for key in ctx.districts:
        org = ctx.objects["organisation"][ENTRY_ORGS[key]]
        app = svc.application_start(actor=None, call=out["project_call"][key], district=ctx.regions[key],
                                    organisation=org, title=f"{ctx.places[key]}代填项目哨兵", field="electronics",
                                    summary=f"{ctx.places[key]}代填简介哨兵", budget=budget)
        svc.application_attach(actor=None, application=app, files=[("代填附件.pdf", PDF)])
        for target in ("submitted", "draft"):  # (its status history: submitted and withdrawn)
            app = svc.application_move(actor=None, application=app, target=target, on_behalf=True)
        out["project_entry"][key] = app
    return out


def _leaks_projects(kind: str, obj) -> list[str]:
    if kind == "project_program":
        return [obj.note]  # (a program's and a call's title are public to the region's applicants)
    if kind == "project_call":
        return [c.name for c in obj.criteria.all()]
    if kind == "project_entry":
        return [obj.title, obj.summary]
    return []


def _firm_app(e):
    return e.project_applications.order_by("pk")[0]


def _submitted(app):
    """The applicant's submit, as the applicant side does it (the scene has no login for every firm)."""
    from keguan.projects.models import ApplicationStep, Status

    type(app).objects.filter(pk=app.pk).update(status=Status.SUBMITTED, submitted_at=timezone.now())
    ApplicationStep.objects.create(application=app, from_status=Status.DRAFT, to_status=Status.SUBMITTED,
                                   on=dt.date.today())
    app.refresh_from_db()
    return app


def _new_call(p) -> dict:
    crit = {f"crit_name_{i}": "" for i in range(8)} | {f"crit_weight_{i}": "" for i in range(8)}
    return {"program": p.pk, "year": dt.date.today().year, "title": "范围测试通知", "opens_on": TODAY,
            "closes_on": TODAY, "max_request_wan": "", "reviewers_per_application": 3, "eligibility": "",
            "guide": "", **crit, "crit_name_0": "范围测试指标", "crit_weight_0": 100}


def _edit_call(c) -> dict:
    return {**_new_call(c.program), "title": "范围测试改名", "version": c.version,
            "crit_name_0": c.criteria.first().name}


def _city_call() -> dict:
    from keguan.projects.models import Call

    call = Call.objects.filter(region__level=2, title__endswith="申报通知哨兵").order_by("pk").first()
    return {"call": call.pk, **_form("范围测试申报")}


def _entry(call) -> dict:
    from keguan.accounts.models import Organisation

    orgs = Organisation.objects.filter(region__path__startswith=call.region.path).order_by("pk")
    org = orgs.exclude(kind="bureau").first() or orgs.first()
    return {"call": call.pk, "organisation": org.pk, **_form("范围测试代填")}


APPLY_WALK = {
    "pk_kinds": {
        **{f"projects:{n}": "project_program" for n in ("program_edit", "program_active")},
        **{f"projects:{n}": "project_call" for n in ("call", "call_edit", "call_attach", "call_file",
                                                    "call_file_remove")},
        **{f"projects:org_{n}": "project_entry" for n in ("detail", "edit", "submit", "withdraw", "attach", "file",
                                                         "file_remove")},
    },
    "kwargs": {
        "cfile_pk": Kwarg("project_call", lambda c: c.attachments.order_by("pk")[0].pk, True, 987654321),
        "apply_pk": Kwarg(None, lambda e: _firm_app(e).pk, True, 987654321, names="enterprise"),
        "afile_pk": Kwarg("enterprise", lambda e: _firm_app(e).files.order_by("pk")[0].pk, True, 987654321),
        "ofile_pk": Kwarg("project_entry", lambda a: a.files.order_by("pk")[0].pk, True, 987654321),
    },
    "writes": {
        "projects:program_create": Write(EDITORS, lambda _: {"name": "范围测试计划", "level": "county",
                                                             "managing_body": "区科技局", "note": ""}),
        "projects:program_edit": Write(EDITORS, lambda p: {"name": "范围测试改名", "level": p.level,
                                                           "managing_body": p.managing_body, "note": "",
                                                           "version": p.version}),
        "projects:program_active": Write(EDITORS, lambda p: {}),
        "projects:call_create": Write(EDITORS, _new_call, target="project_program"),
        "projects:call_edit": Write(EDITORS, _edit_call),
        "projects:call_attach": Write(EDITORS, lambda c: {"files": _pdf()}),
        "projects:call_file_remove": Write(EDITORS, lambda c: {}),
        "projects:apply_new": Write(ENTERPRISE_USERS, lambda _: _city_call()),
        "projects:apply_edit": Write(ENTERPRISE_USERS, lambda e: _form("范围测试改名", _firm_app(e).version)),
        "projects:apply_submit": Write(ENTERPRISE_USERS, lambda e: {}),
        "projects:apply_withdraw": Write(ENTERPRISE_USERS, lambda e: {}, prepare=lambda e: _submitted(_firm_app(e))),
        "projects:apply_attach": Write(ENTERPRISE_USERS, lambda e: {"files": _pdf()}),
        "projects:apply_file_remove": Write(ENTERPRISE_USERS, lambda e: {}),
        "projects:org_new": Write(EDITORS, _entry, target="project_call"),
        "projects:org_edit": Write(EDITORS, lambda a: _form("范围测试改名", a.version)),
        "projects:org_submit": Write(EDITORS, lambda a: {}),
        "projects:org_withdraw": Write(EDITORS, lambda a: {}, prepare=_submitted),
        "projects:org_attach": Write(EDITORS, lambda a: {"files": _pdf()}),
        "projects:org_file_remove": Write(EDITORS, lambda a: {}),
    },
    "page_shows": {"projects:programs": "project_program", "projects:calls": "project_call",
                   "projects:org_list": "project_entry"},
    "page_status": {
        "projects:programs": status(MANAGERS), "projects:calls": status(MANAGERS),
        "projects:program_create": status(EDITORS), "projects:call_create": status(EDITORS),
        "projects:apply": status(ENTERPRISE_USERS), "projects:apply_call": status(ENTERPRISE_USERS),
        "projects:apply_new": status(ENTERPRISE_USERS),
        "projects:org_list": status(EDITORS), "projects:org_new": status(EDITORS),
    },
}


# --- the expert pool and the review (projects-review) ----------------------------------------------------------
# Per district: a program, a call under review with two criteria and one application (the district's firm),
# an expert of the district's pool (district A's is the ``expert`` persona's account) with a declared
# conflict (an organisation), and the application's assignment to that expert (one score, not submitted).
REVIEW_FIRMS = {"a": "ent_a", "b": "ent_b", "far_district": "ent_far"}
REVIEW_ORGS = {"a": "org_a_town1", "b": "org_b_town", "far_district": "org_far"}


def _review_scene(ctx: SceneContext) -> dict:
    from keguan.projects.models import (
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
        app = Application.objects.create(call=call, year=call.year, enterprise=ctx.ents[REVIEW_FIRMS[key]],
                                         district=region,
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
    # (a call's title and its applications' titles are the region's applicants' to see: not leaks)
    return []


def _review_firm(expert) -> str:
    from keguan.enterprises.models import Enterprise

    return Enterprise.objects.filter(district=expert.region).order_by("pk")[0].credit_code


def _unassign(call) -> None:
    from keguan.projects.models import Assignment

    Assignment.objects.filter(application__call=call).delete()


def _override(call) -> dict:
    from keguan.projects.models import Expert

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


APPLY = Walk(
    pk_kinds=APPLY_WALK["pk_kinds"], kwargs=APPLY_WALK["kwargs"], writes=APPLY_WALK["writes"],
    page_shows=APPLY_WALK["page_shows"], page_status=APPLY_WALK["page_status"],
    region_records=("project_program", "project_call"), district_records=("project_entry",),
    scene=_scene_projects, leaks=_leaks_projects,
)
REVIEW = Walk(
    pk_kinds=REVIEW_WALK["pk_kinds"], writes=REVIEW_WALK["writes"], page_shows=REVIEW_WALK["page_shows"],
    page_status=REVIEW_WALK["page_status"], district_records=REVIEW_WALK["district_records"],
    scene=_review_scene, leaks=_review_leaks,
)


# --- projects-manage: the bureau's processing (a program, a call and applications in several statuses) ----------
_FIRMS = {"a": "ent_a", "b": "ent_b", "far_district": "ent_far"}
_LATER = (dt.date.today() + dt.timedelta(days=365)).isoformat()


def _manage_scene(ctx: SceneContext) -> dict:
    from keguan.projects.models import Application, Call, Level, Program
    from keguan.projects.services import applications as svc

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
    """Review rows on the bureau's running project (the other parts' scenes make the attachments)."""
    from keguan.projects.models import Assignment, Conflict, Criterion, Expert, Score

    criterion = Criterion.objects.create(call=call, name="创新性", weight=100)
    expert = Expert.objects.create(region=region, name=f"{word}专家哨兵", employer="大学", fields="electronics")
    Conflict.objects.create(expert=expert, enterprise=firm, reason="近亲属任职")
    assignment = Assignment.objects.create(application=app, expert=expert)
    Score.objects.create(assignment=assignment, criterion=criterion, value=80)


def _manage_leaks(kind: str, obj) -> list[str]:
    """What only the bureau sees of a firm's project (the firm sees its own application's title, and every
    applicant of the region sees its calls): the task book's number and the funds' notes."""
    if not kind.startswith("proj_"):
        return []
    return [t for t in (obj.contract_no, *obj.funds.values_list("note", flat=True)) if t]


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

# The area's walk is the union of its parts' (core.scope_walk.combine), with the anchors of its models.
WALK = combine(APPLY, REVIEW, MANAGE_WALK, Walk(
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
))
