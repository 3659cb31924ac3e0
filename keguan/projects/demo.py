"""Demo data for 科技项目: for each demo district its own program (区县级) and the upper-level programs it
tracks (市级, 省级, 国家级); a call of each for last year and this year; applications in every status with
their step history, reviews by the district's expert pool, funds, disbursements, mid-term checks and
acceptances; a research institute per district that applies too. Rows are inserted in bulk (the demo is
loaded, not typed in), in a fixed order from the seed."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from keguan.accounts.models import Organisation, OrganisationKind, Role, User
from keguan.enterprises.models import Enterprise, Stage
from keguan.projects.area import PROJECT_FIELDS
from keguan.projects.models import (
    Application,
    ApplicationStep,
    Assignment,
    BudgetCategory,
    BudgetLine,
    Call,
    CallAttachment,
    CheckKind,
    CheckResult,
    Conflict,
    Criterion,
    Disbursement,
    Expert,
    Funding,
    FundSource,
    Level,
    Program,
    ProjectCheck,
    Score,
)
from keguan.regions.models import Region
from keguan.rules import project_flow as flow

WAN = Decimal(10000)
FIELDS = [code for code, _ in PROJECT_FIELDS]
# (level, name pattern, managing body pattern, source of funds)
PROGRAMS = [
    (Level.COUNTY, "{district}科技计划项目", "{district}科学技术局", FundSource.COUNTY),
    (Level.CITY, "南宁市科学研究与技术开发计划", "南宁市科学技术局", FundSource.CITY),
    (Level.PROVINCE, "广西科技重大专项和重点研发计划", "广西壮族自治区科学技术厅", FundSource.PROVINCE),
    (Level.NATIONAL, "国家重点研发计划", "科学技术部", FundSource.CENTRAL),
]
CRITERIA = [("技术创新性", 30), ("研究方案可行性", 25), ("经济社会效益", 25), ("承担单位基础条件", 20)]
TOPICS = ["智能制造关键技术研发及产业化", "新型环保材料制备工艺研究", "特色农产品精深加工技术集成与示范",
          "工业互联网平台建设与应用", "高效节能装备研制", "生物医药中间体绿色合成工艺", "数字化车间改造示范",
          "糖蔗机械化收获关键技术", "新能源汽车零部件轻量化研究", "茉莉花精深加工技术研究", "铝合金型材表面处理新工艺",
          "智慧物流调度系统研发", "乡村振兴科技示范基地建设", "中药材规范化种植技术示范"]
EXPERT_TITLES = ["教授", "研究员", "高级工程师", "正高级工程师", "副教授", "副研究员"]
EXPERT_PLACES = ["广西大学", "广西农业科学院", "广西科学院", "广西医科大学", "桂林电子科技大学", "南宁师范大学",
                 "广西机械工业研究院", "广西化工研究院"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高梁韦覃蒙"
GIVEN = "建华志强丽娟明辉海燕文静国庆秀英晓东红梅立新春生玉兰振宇"

# An application's path through the workflow to its final status, own and upward programs
OWN_PATHS = {
    flow.DRAFT: [],
    flow.SUBMITTED: [flow.SUBMITTED],
    flow.RETURNED: [flow.SUBMITTED, flow.SCREENING, flow.RETURNED],
    flow.SCREENING: [flow.SUBMITTED, flow.SCREENING],
    flow.REVIEW: [flow.SUBMITTED, flow.SCREENING, flow.REVIEW],
    flow.APPROVED: [flow.SUBMITTED, flow.SCREENING, flow.REVIEW, flow.APPROVED],
    flow.REJECTED: [flow.SUBMITTED, flow.SCREENING, flow.REVIEW, flow.REJECTED],
    flow.SIGNED: [flow.SUBMITTED, flow.SCREENING, flow.REVIEW, flow.APPROVED, flow.SIGNED],
    flow.RUNNING: [flow.SUBMITTED, flow.SCREENING, flow.REVIEW, flow.APPROVED, flow.SIGNED, flow.RUNNING],
    flow.ACCEPTANCE: [flow.SUBMITTED, flow.SCREENING, flow.REVIEW, flow.APPROVED, flow.SIGNED, flow.RUNNING,
                      flow.ACCEPTANCE],
    flow.CLOSED: [flow.SUBMITTED, flow.SCREENING, flow.REVIEW, flow.APPROVED, flow.SIGNED, flow.RUNNING,
                  flow.ACCEPTANCE, flow.CLOSED],
}
UPWARD_PATHS = {
    flow.RECOMMENDED: [flow.SUBMITTED, flow.SCREENING, flow.RECOMMENDED],
    flow.APPROVED: [flow.SUBMITTED, flow.SCREENING, flow.RECOMMENDED, flow.APPROVED],
    flow.REJECTED: [flow.SUBMITTED, flow.SCREENING, flow.RECOMMENDED, flow.REJECTED],
    flow.RUNNING: [flow.SUBMITTED, flow.SCREENING, flow.RECOMMENDED, flow.APPROVED, flow.SIGNED, flow.RUNNING],
}
# Final statuses of last year's and this year's calls, with weights
LAST_YEAR_OWN = [(flow.CLOSED, 3), (flow.ACCEPTANCE, 2), (flow.RUNNING, 5), (flow.REJECTED, 4), (flow.SIGNED, 1)]
THIS_YEAR_OWN = [(flow.DRAFT, 2), (flow.SUBMITTED, 2), (flow.RETURNED, 1), (flow.SCREENING, 2), (flow.REVIEW, 4),
                 (flow.APPROVED, 3), (flow.REJECTED, 2), (flow.SIGNED, 2)]
LAST_YEAR_UP = [(flow.APPROVED, 2), (flow.REJECTED, 3), (flow.RUNNING, 2)]
THIS_YEAR_UP = [(flow.RECOMMENDED, 3), (flow.APPROVED, 1), (flow.REJECTED, 1)]


def wipe(enterprise_ids: list[int], district_ids: list[int]) -> None:
    """Remove the projects of these districts (and of the city above them) before a reload."""
    from keguan.demo.bulk import raw_delete

    regions = Region.objects.filter(pk__in=district_ids)
    parents = {r.parent_id for r in regions if r.parent_id}
    owners = set(district_ids) | parents
    apps = Application.objects.filter(Q(district_id__in=district_ids) | Q(enterprise_id__in=enterprise_ids)
                                      | Q(call__region_id__in=owners))
    app_ids = list(apps.values_list("id", flat=True))
    for model in (Score,):
        raw_delete(model.objects.filter(assignment__application_id__in=app_ids))
    for model in (Assignment, ProjectCheck, Disbursement, Funding, ApplicationStep, BudgetLine):
        raw_delete(model.objects.filter(application_id__in=app_ids))
        if hasattr(model, "history"):
            raw_delete(model.history.filter(application_id__in=app_ids))
    from keguan.projects.models import ApplicationFile

    raw_delete(ApplicationFile.objects.filter(application_id__in=app_ids))
    raw_delete(Application.history.filter(id__in=app_ids))
    raw_delete(Application.objects.filter(id__in=app_ids))
    experts = Expert.objects.filter(region_id__in=owners)
    raw_delete(Conflict.objects.filter(expert__in=experts))
    raw_delete(Expert.history.filter(region_id__in=owners))
    raw_delete(experts)
    calls = Call.objects.filter(region_id__in=owners)
    raw_delete(Criterion.objects.filter(call__in=calls))
    raw_delete(CallAttachment.objects.filter(call__in=calls))
    raw_delete(Call.history.filter(region_id__in=owners))
    raw_delete(calls)
    raw_delete(Program.history.filter(region_id__in=owners))
    raw_delete(Program.objects.filter(region_id__in=owners))


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([s for s, _ in weighted], weights=[w for _, w in weighted])[0]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2))


def _between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def make_projects_demo(*, districts: list[Region], today: dt.date | None = None, seed: int = 2024) -> int:
    """Programs, calls, applications, reviews and funds for ``districts``. Returns the applications made."""
    today = today or timezone.localdate()
    rng = random.Random(f"projects-{seed}")
    wipe([], [d.pk for d in districts])
    staff = {u.region_id: u for u in User.objects.filter(region__in=districts, role=Role.DISTRICT_STAFF).order_by("-id")}
    commissioners = {}
    for u in User.objects.filter(region__in=districts, role=Role.COMMISSIONER).order_by("id"):
        commissioners.setdefault(u.region_id, u)
    made = 0
    for d in districts:
        made += _district(rng, d, today, staff.get(d.pk), commissioners.get(d.pk))
    return made


def _district(rng: random.Random, d: Region, today: dt.date, clerk, commissioner) -> int:
    firms = list(Enterprise.objects.filter(district=d, stage__in=[Stage.SME, Stage.POOL, Stage.HNTE, Stage.LEADER])
                 .order_by("id").values_list("id", flat=True)[:400])
    if not firms:
        return 0
    institute, _ = Organisation.objects.get_or_create(
        kind=OrganisationKind.INSTITUTE, region=d, name=f"{d.name}农业科学研究所")
    experts = _experts(rng, d, firms, commissioner)
    total = 0
    for level, name, body, source in PROGRAMS:
        program = Program.objects.create(region=d, name=name.format(district=d.name), level=level,
                                         managing_body=body.format(district=d.name), created_by=clerk)
        for year in (today.year - 1, today.year):
            total += _call(rng, program, d, year, today, firms, institute, experts, clerk, source)
    return total


def _experts(rng: random.Random, d: Region, firms: list[int], commissioner) -> list[Expert]:
    experts = []
    for i in range(15):
        fields = rng.sample(FIELDS, rng.randint(1, 3))
        experts.append(Expert(
            region=d, user=commissioner if i == 0 else None,
            name=commissioner.display_name if i == 0 and commissioner else _name(rng),
            employer=rng.choice(EXPERT_PLACES), title=rng.choice(EXPERT_TITLES), fields=",".join(fields),
            phone=f"13{rng.randint(100000000, 999999999)}", available=rng.random() > 0.1))
    Expert.objects.bulk_create(experts)
    experts = list(Expert.objects.filter(region=d).order_by("id"))
    Conflict.objects.bulk_create([Conflict(expert=e, enterprise_id=rng.choice(firms), reason="曾为该企业提供技术咨询")
                                  for e in rng.sample(experts, 3)])
    return experts


def _call(rng, program: Program, d: Region, year: int, today: dt.date, firms, institute, experts, clerk, source) -> int:
    opens = min(dt.date(year, 3, 1), today)
    closes = min(dt.date(year, 4, 30), max(today, opens))
    if year == today.year and today < dt.date(year, 3, 1):
        return 0
    upward = program.upward
    call = Call.objects.create(
        program=program, region=d, year=year, title=f"关于组织申报{year}年度{program.name}的通知", opens_on=opens,
        closes_on=closes, eligibility="在本区县注册、具有独立法人资格的企业或科研单位；项目须有明确的考核指标。",
        guide="重点支持本地主导产业关键技术攻关、科技成果转化和乡村振兴科技示范。", created_by=clerk,
        max_request=None if upward else Decimal(500000), reviewers_per_application=3)
    criteria = Criterion.objects.bulk_create([Criterion(call=call, name=n, weight=w, position=i)
                                              for i, (n, w) in enumerate(CRITERIA, start=1)])
    weighted = (LAST_YEAR_UP if upward else LAST_YEAR_OWN) if year < today.year else (THIS_YEAR_UP if upward else THIS_YEAR_OWN)
    count = rng.randint(2, 4) if upward else rng.randint(6, 10)
    for i in range(count):
        status = _pick(rng, weighted)
        path = (UPWARD_PATHS if upward else OWN_PATHS)[status]
        by_institute = i == 0 and not upward
        firm = None if by_institute else rng.choice(firms)
        requested = Decimal(rng.randint(10, 50 if not upward else 300)) * WAN
        own = requested * Decimal(rng.choice(["1", "1.5", "2"]))
        submitted = _between(rng, opens, closes)
        app = Application(
            call=call, year=call.year, enterprise_id=firm, organisation=institute if by_institute else None, district=d,
            title=rng.choice(TOPICS), field=rng.choice(FIELDS), starts_on=dt.date(year, 7, 1),
            ends_on=dt.date(year + 2, 6, 30), summary="围绕企业生产中的关键技术问题开展研发，形成可推广的技术成果。",
            own_funds=own, requested=requested, team="项目负责人、技术骨干各1名，工程师3名",
            status=flow.DRAFT, status_on=submitted, created_by=clerk)
        app.save()
        BudgetLine.objects.bulk_create([
            BudgetLine(application=app, category=BudgetCategory.EQUIPMENT, own=own * Decimal("0.6"),
                       requested=requested * Decimal("0.5")),
            BudgetLine(application=app, category=BudgetCategory.MATERIALS, own=own * Decimal("0.3"),
                       requested=requested * Decimal("0.3")),
            BudgetLine(application=app, category=BudgetCategory.LABOUR, own=own * Decimal("0.1"),
                       requested=requested * Decimal("0.2")),
        ])
        _walk(rng, app, path, submitted, today, clerk, requested, source, criteria, experts, upward)
    return count


def _walk(rng, app: Application, path: list[str], submitted: dt.date, today: dt.date, clerk, requested: Decimal,
          source: str, criteria, experts, upward: bool) -> None:
    """The application's steps along ``path``, dated forward from its submission, and what each status brings
    (reviews, funds, task book, checks)."""
    on, prev, steps = submitted, flow.DRAFT, []
    for status in path:
        step_days = {flow.SUBMITTED: 0, flow.SCREENING: 5, flow.RETURNED: 7, flow.REVIEW: 10, flow.RECOMMENDED: 10,
                     flow.APPROVED: 40, flow.REJECTED: 40, flow.SIGNED: 20, flow.RUNNING: 10,
                     flow.ACCEPTANCE: 400, flow.CLOSED: 30}[status]
        on = min(on + dt.timedelta(days=step_days), today)
        reason = {flow.RETURNED: "预算科目合计与总额不一致，请核对后重新提交",
                  flow.REJECTED: "综合评审得分未达到立项分数线" if not upward else "上级评审未通过"}.get(status, "")
        steps.append(ApplicationStep(application=app, from_status=prev, to_status=status, on=on, reason=reason, by=clerk))
        if status == flow.SUBMITTED:
            app.submitted_at = timezone.make_aware(dt.datetime.combine(on, dt.time(10, 0)))
        if status == flow.REVIEW or (status in (flow.APPROVED, flow.REJECTED) and not upward):
            _review(rng, app, criteria, experts, scored=status != flow.REVIEW or rng.random() < 0.5)
        if status == flow.APPROVED:
            app.approved = (requested * Decimal(rng.choice(["0.6", "0.8", "1"]))).quantize(Decimal(1))
            app.approved_on = on
            Funding.objects.create(application=app, source=source, amount=app.approved, on=on,
                                   note="立项批复", created_by=clerk)
        if status == flow.SIGNED:
            app.contract_no = f"{app.call.year}{app.district.code[-2:]}{app.pk:04d}"
            app.goals = "完成关键技术研发，申请发明专利2项，形成新产品1个，新增销售收入500万元。"
            app.signed_on = on
            app.midterm_due = on + dt.timedelta(days=300)
            app.acceptance_due = on + dt.timedelta(days=700)
            Disbursement.objects.create(application=app, source=source, amount=(app.approved * Decimal("0.6")).quantize(Decimal(1)),
                                        on=on, note="首期拨付", created_by=clerk)
        if status == flow.ACCEPTANCE:
            ProjectCheck.objects.create(application=app, kind=CheckKind.MIDTERM, on=on - dt.timedelta(days=200),
                                        result=CheckResult.PASS, note="按计划推进", created_by=clerk)
        if status == flow.CLOSED:
            ProjectCheck.objects.create(application=app, kind=CheckKind.ACCEPTANCE, on=on,
                                        result=rng.choice([CheckResult.PASS, CheckResult.PASS, CheckResult.CONDITIONAL]),
                                        note="完成任务书考核指标", created_by=clerk)
            rest = app.approved - (app.approved * Decimal("0.6")).quantize(Decimal(1))
            Disbursement.objects.create(application=app, source=source, amount=rest, on=on, note="验收后拨付尾款",
                                        created_by=clerk)
        prev = status
    app.status, app.status_on = prev, on
    app.save()
    ApplicationStep.objects.bulk_create(steps)


def _review(rng, app: Application, criteria, experts, *, scored: bool) -> None:
    if app.assignments.exists():
        return
    keys = {app.enterprise_id}
    pool = [e for e in experts if e.available and not any(c.enterprise_id in keys for c in e.conflicts.all())]
    matching = [e for e in pool if app.field in e.field_codes] or pool
    chosen = rng.sample(matching, min(3, len(matching)))
    for e in chosen:
        a = Assignment.objects.create(application=app, expert=e)
        if scored:
            values = [rng.randint(60, 95) for _ in criteria]
            Score.objects.bulk_create([Score(assignment=a, criterion=c, value=v) for c, v in zip(criteria, values, strict=True)])
            a.total = sum((Decimal(v) * c.weight / 100 for c, v in zip(criteria, values, strict=True)), Decimal(0)).quantize(Decimal("0.01"))
            a.comment = rng.choice(["技术路线清晰，建议立项", "创新性一般，考核指标偏低", "基础条件较好，建议支持"])
            a.submitted_at = timezone.make_aware(dt.datetime.combine(app.status_on, dt.time(15, 0)))
            a.save()
