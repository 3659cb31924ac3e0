"""The only code that writes 科技项目. Each service runs in one transaction; records staff edit keep their history
(django-simple-history: who, when, old → new), and every status change leaves an ``ApplicationStep``.

The workflow's legal moves are ``keguan.rules.project_flow``; ``application_move`` is the one door through which
a status changes (the applicant's submit and withdraw included)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from keguan.core.errors import ServiceError
from keguan.core.history import stamp
from keguan.core.permissions import may
from keguan.core.versioning import claim
from keguan.projects.files import MAX_FILES, check_file, store
from keguan.projects.models import (
    Application,
    ApplicationStep,
    BudgetCategory,
    BudgetLine,
    Call,
    CheckKind,
    CheckResult,
    Disbursement,
    Funding,
    FundSource,
    ProjectCheck,
    Status,
)
from keguan.rules import project_flow as flow

CENT = Decimal("0.01")
PASSING = (CheckResult.PASS, CheckResult.CONDITIONAL)


def _money(value, label: str, field: str) -> Decimal:
    if value in (None, ""):
        return Decimal(0)
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except Exception as exc:  # noqa: BLE001 - any unreadable number
        raise ServiceError(f"{label}不是有效的金额", field=field) from exc
    if amount < 0:
        raise ServiceError(f"{label}不能为负数", field=field)
    return amount


def actor_side(actor, application: Application) -> str:
    """Whether ``actor`` acts as the applicant (its own firm's application) or as the bureau."""
    if actor is not None and actor.enterprise_id and actor.enterprise_id == application.enterprise_id:
        return flow.APPLICANT
    return flow.BUREAU


# --- the applicant's draft -------------------------------------------------------------------------------------


@transaction.atomic
def application_save(
    *, actor, application: Application, title: str, field: str, summary: str = "", team: str = "",
    starts_on: dt.date | None = None, ends_on: dt.date | None = None,
    budget: dict[str, tuple[Decimal | str | None, Decimal | str | None]] | None = None,
    version: int | None = None,
) -> Application:
    """Save the applicant's form (a new draft when ``application.pk`` is None). ``budget``: category →
    (own, requested); the totals are the lines' sums. Editable only in 草稿 and 退回修改."""
    if application.pk is not None:
        claim(application, version)
    else:
        application.year = application.call.year
    if application.status not in flow.EDITABLE_BY_APPLICANT:
        raise ServiceError(f"项目已{application.get_status_display()}，不能再修改申报内容")
    if not (title or "").strip():
        raise ServiceError("请填写项目名称", field="title")
    if not field:
        raise ServiceError("请选择技术领域", field="field")
    if starts_on and ends_on and ends_on < starts_on:
        raise ServiceError("项目截止日期不能早于起始日期", field="ends_on")
    lines = {}
    for code, (own, requested) in (budget or {}).items():
        if code not in BudgetCategory.values:
            raise ServiceError(f"未知的预算科目：{code}", field="budget")
        label = BudgetCategory(code).label
        lines[code] = (_money(own, f"{label}（自筹）", f"own_{code}"),
                       _money(requested, f"{label}（申请资助）", f"requested_{code}"))
    application.title, application.field = title.strip(), field
    application.summary, application.team = (summary or "").strip(), (team or "").strip()
    application.starts_on, application.ends_on = starts_on, ends_on
    application.own_funds = sum((o for o, _ in lines.values()), Decimal(0))
    application.requested = sum((r for _, r in lines.values()), Decimal(0))
    cap = application.call.max_request
    if cap is not None and application.requested > cap:
        raise ServiceError(f"申请资助{application.requested / 10000:f}万元，超过本通知单项上限{cap / 10000:f}万元",
                           field="budget")
    if application.pk is None:
        application.status, application.status_on = Status.DRAFT, timezone.localdate()
        application.created_by = actor
    stamp(application, actor, "保存申报书")
    application.save()
    application.budget.all().delete()
    BudgetLine.objects.bulk_create([BudgetLine(application=application, category=code, own=o, requested=r)
                                    for code, (o, r) in lines.items() if o or r])
    return application


def check_budget(application: Application) -> None:
    """The lines add up to the totals, and something is asked for."""
    own = application.budget.aggregate(s=Sum("own"))["s"] or Decimal(0)
    requested = application.budget.aggregate(s=Sum("requested"))["s"] or Decimal(0)
    if own != application.own_funds or requested != application.requested:
        raise ServiceError(
            f"预算各科目合计（自筹{own / 10000:f}万元、申请{requested / 10000:f}万元）与总额"
            f"（自筹{application.own_funds / 10000:f}万元、申请{application.requested / 10000:f}万元）不一致",
            field="budget")
    if not requested:
        raise ServiceError("请填写申请资助的预算", field="budget")


# --- status changes --------------------------------------------------------------------------------------------


@transaction.atomic
def application_move(
    *, actor, application: Application, target: str, reason: str = "", on: dt.date | None = None,
    back: bool = False, version: int | None = None, on_behalf: bool = False,
) -> Application:
    """Move ``application`` to ``target`` by the workflow's rules, or refuse with the reason in words.
    ``back``: the bureau undoes the last move (one step back, with a reason). ``on_behalf``: bureau staff
    act as the applicant of an institute's application they entered (submit, withdraw)."""
    claim(application, version)
    side = actor_side(actor, application)
    if on_behalf and application.organisation_id and (actor is None or may(actor, "projects.manage")):
        side = flow.APPLICANT
    if side == flow.BUREAU and actor is not None and not may(actor, "projects.manage"):
        raise ServiceError("只有科技局的项目管理人员可以办理")
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise ServiceError("日期不能晚于今天", field="on")
    try:
        flow.check_move(application.status, target, by=side, upward=application.call.program.upward,
                        reason=reason, back=back)
    except flow.IllegalMove as exc:
        raise ServiceError(str(exc), field="reason" if "理由" in str(exc) else None) from exc
    if target == Status.CLOSED and not back and not application.checks.filter(
            kind=CheckKind.ACCEPTANCE, result__in=PASSING).exists():
        raise ServiceError("结题须先登记验收结论（通过或有条件通过）")
    if target == Status.SUBMITTED and not back:
        if not application.call.open_on(today):
            raise ServiceError(f"申报已于{application.call.closes_on:%Y年%-m月%-d日}截止，不能再提交"
                               if today > application.call.closes_on else "申报尚未开始，不能提交")
        check_budget(application)
        application.submitted_at = timezone.now()
    source = application.status
    application.status, application.status_on = target, on
    if target == Status.APPROVED and application.approved_on is None:
        application.approved_on = on
    stamp(application, actor, f"{flow.LABELS[source]} → {flow.LABELS[target]}")
    application.save()
    ApplicationStep.objects.create(application=application, from_status=source, to_status=target, on=on,
                                   reason=(reason or "").strip()[:500], by=actor)
    return application


@transaction.atomic
def application_approve(*, actor, application: Application, amount, on: dt.date | None = None,
                        version: int | None = None) -> Application:
    """立项 with the funds approved (for an upward program: the funds won)."""
    amount = _money(amount, "立项资助金额", "amount")
    application = application_move(actor=actor, application=application, target=Status.APPROVED, on=on,
                                   version=version)
    application.approved = amount
    stamp(application, actor, "登记立项资助")
    application.save(update_fields=["approved", "version"])
    return application


@transaction.atomic
def application_sign(*, actor, application: Application, contract_no: str, goals: str, signed_on: dt.date,
                     midterm_due: dt.date | None, acceptance_due: dt.date, version: int | None = None) -> Application:
    """签约: the task book's number, goals and the dates of the mid-term check and the acceptance."""
    if not (contract_no or "").strip():
        raise ServiceError("请填写任务书编号", field="contract_no")
    if not (goals or "").strip():
        raise ServiceError("请填写考核目标", field="goals")
    if midterm_due and midterm_due < signed_on:
        raise ServiceError("中期检查时间不能早于签约日期", field="midterm_due")
    if acceptance_due < signed_on or (midterm_due and acceptance_due < midterm_due):
        raise ServiceError("验收时间不能早于签约日期和中期检查时间", field="acceptance_due")
    application = application_move(actor=actor, application=application, target=Status.SIGNED, on=signed_on,
                                   version=version)
    application.contract_no, application.goals = contract_no.strip(), goals.strip()
    application.signed_on, application.midterm_due, application.acceptance_due = signed_on, midterm_due, acceptance_due
    stamp(application, actor, "签订任务书")
    application.save()
    return application


# --- money -----------------------------------------------------------------------------------------------------


def _approved_total(application: Application) -> Decimal:
    return application.funds.exclude(source=FundSource.OWN).aggregate(s=Sum("amount"))["s"] or Decimal(0)


@transaction.atomic
def funding_add(*, actor, application: Application, source: str, amount, on: dt.date, note: str = "") -> Funding:
    """Funds approved for the project from one level. Government funds never exceed the approved amount."""
    Application.objects.select_for_update().filter(pk=application.pk).first()
    if application.status not in flow.APPROVED_OR_LATER:
        raise ServiceError("项目立项后才能登记资金")
    if source not in FundSource.values:
        raise ServiceError("请选择资金来源", field="source")
    amount = _money(amount, "金额", "amount")
    if not amount:
        raise ServiceError("金额须大于0", field="amount")
    if source != FundSource.OWN and application.approved is not None:
        total = _approved_total(application) + amount
        if total > application.approved:
            raise ServiceError(f"各级财政资金合计{total / 10000:f}万元，超过立项资助{application.approved / 10000:f}万元",
                               field="amount")
    funding = Funding(application=application, source=source, amount=amount, on=on, note=(note or "").strip(),
                      created_by=actor)
    stamp(funding, actor, "登记项目资金")
    funding.save()
    return funding


@transaction.atomic
def disbursement_add(*, actor, application: Application, source: str, amount, on: dt.date,
                     note: str = "") -> Disbursement:
    """Money paid out from one source: never more than that source's approved funds."""
    Application.objects.select_for_update().filter(pk=application.pk).first()
    amount = _money(amount, "拨付金额", "amount")
    if not amount:
        raise ServiceError("拨付金额须大于0", field="amount")
    if on > timezone.localdate():
        raise ServiceError("拨付日期不能晚于今天", field="on")
    approved = application.funds.filter(source=source).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    paid = application.disbursements.filter(source=source).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    if paid + amount > approved:
        label = FundSource(source).label if source in FundSource.values else source
        raise ServiceError(f"{label}资金已下达{approved / 10000:f}万元、已拨付{paid / 10000:f}万元，"
                           f"本次{amount / 10000:f}万元超出", field="amount")
    d = Disbursement(application=application, source=source, amount=amount, on=on, note=(note or "").strip(),
                     created_by=actor)
    stamp(d, actor, "登记资金拨付")
    d.save()
    return d


def calls_open_on(day: dt.date, calls: Iterable[Call]) -> list[Call]:
    return [c for c in calls if c.open_on(day)]


# --- programs, calls and their files; starting an application (the applicant's side) -------------------------


def _text(value, label: str, field: str, *, required: bool = True, limit: int | None = None) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ServiceError(f"请填写{label}", field=field)
    if limit is not None and len(text) > limit:
        raise ServiceError(f"{label}不能超过{limit}个字", field=field)
    return text


def _program_fields(region, name, level, managing_body, note, *, exclude: int | None = None) -> dict:
    from keguan.projects.models import Level, Program

    name = _text(name, "计划名称", "name", limit=100)
    if level not in Level.values:
        raise ServiceError("请选择级别", field="level")
    clash = Program.objects.filter(region=region, name=name).exclude(pk=exclude)
    if clash.exists():
        raise ServiceError(f"本单位已有名为“{name}”的科技计划", field="name")
    return {"name": name, "level": level, "managing_body": _text(managing_body, "主管部门", "managing_body", limit=100),
            "note": _text(note, "说明", "note", required=False, limit=500)}


@transaction.atomic
def program_create(*, actor, region, name: str, level: str, managing_body: str, note: str = ""):
    """A program the bureau of ``region`` runs (区县级) or tracks (市级、省级、国家级)."""
    from keguan.projects.models import Program

    program = Program(region=region, created_by=actor, **_program_fields(region, name, level, managing_body, note))
    stamp(program, actor, "新建科技计划")
    program.save()
    return program


@transaction.atomic
def program_update(*, actor, program, name: str, level: str, managing_body: str, note: str = "",
                   version: int | None = None):
    claim(program, version)
    fields = _program_fields(program.region, name, level, managing_body, note, exclude=program.pk)
    if fields["level"] != program.level and program.calls.filter(applications__isnull=False).exists():
        raise ServiceError("本计划已有项目申报，不能再改级别（级别决定评审还是推荐上级）", field="level")
    for key, value in fields.items():
        setattr(program, key, value)
    stamp(program, actor, "修改科技计划")
    program.save()
    return program


@transaction.atomic
def program_set_active(*, actor, program, active: bool):
    """停用 / 启用: a program no longer used keeps its calls and projects, but no new call is made under it."""
    claim(program, None)
    program.active = active
    stamp(program, actor, "启用科技计划" if active else "停用科技计划")
    program.save()
    return program


def _criteria(rows, *, required: bool) -> list[tuple[str, int]]:
    out, seen = [], set()
    for name, weight in rows or []:
        name = (name or "").strip()
        if not name and not weight:
            continue
        if not name:
            raise ServiceError("评审指标须填写名称", field="criteria")
        if name in seen:
            raise ServiceError(f"评审指标“{name}”重复", field="criteria")
        seen.add(name)
        try:
            weight = int(weight)
        except (TypeError, ValueError) as exc:
            raise ServiceError(f"评审指标“{name}”的权重须为1至100的整数", field="criteria") from exc
        if not 1 <= weight <= 100:
            raise ServiceError(f"评审指标“{name}”的权重须为1至100的整数", field="criteria")
        out.append((name[:60], weight))
    if out and sum(w for _, w in out) != 100:
        raise ServiceError(f"评审指标的权重合计须为100%，现为{sum(w for _, w in out)}%", field="criteria")
    if required and not out:
        raise ServiceError("本级计划由专家评审，请填写评审指标及权重", field="criteria")
    return out


def _call_fields(program, year, title, opens_on, closes_on, eligibility, guide, max_request, reviewers) -> dict:
    if program is None:
        raise ServiceError("请选择科技计划", field="program")
    if not year or not 2000 <= int(year) <= 2100:
        raise ServiceError("请填写年度", field="year")
    if opens_on is None:
        raise ServiceError("请填写申报开始日期", field="opens_on")
    if closes_on is None:
        raise ServiceError("请填写申报截止日期", field="closes_on")
    if closes_on < opens_on:
        raise ServiceError("申报截止日期不能早于开始日期", field="closes_on")
    if max_request is not None:
        max_request = _money(max_request, "单项申请资助上限", "max_request_wan")
    try:
        reviewers = int(reviewers or 3)
    except (TypeError, ValueError) as exc:
        raise ServiceError("每项评审专家数须为1至9", field="reviewers_per_application") from exc
    if not 1 <= reviewers <= 9:
        raise ServiceError("每项评审专家数须为1至9", field="reviewers_per_application")
    return {"program": program, "year": int(year), "title": _text(title, "通知标题", "title", limit=150),
            "opens_on": opens_on, "closes_on": closes_on,
            "eligibility": _text(eligibility, "申报条件", "eligibility", required=False, limit=3000),
            "guide": _text(guide, "申报指南", "guide", required=False, limit=5000),
            "max_request": max_request or None, "reviewers_per_application": reviewers}


def _set_criteria(call, rows: list[tuple[str, int]]) -> None:
    from keguan.projects.models import Criterion, Score

    current = [(c.name, c.weight) for c in call.criteria.all()]
    if current == rows:
        return
    if Score.objects.filter(criterion__call=call).exists():
        raise ServiceError("已有专家按现有指标评分，不能再修改评审指标", field="criteria")
    call.criteria.all().delete()
    Criterion.objects.bulk_create([Criterion(call=call, name=n, weight=w, position=i)
                                   for i, (n, w) in enumerate(rows, start=1)])


@transaction.atomic
def call_create(*, actor, program, year: int, title: str, opens_on: dt.date, closes_on: dt.date,
                eligibility: str = "", guide: str = "", max_request=None, reviewers_per_application: int = 3,
                criteria: list[tuple[str, int]] = ()) -> Call:
    """申报通知 of one of the bureau's programs (in use). ``max_request`` in 元; ``criteria``: (name, weight %)
    rows adding up to 100 (required for the bureau's own programs, which experts review)."""
    fields = _call_fields(program, year, title, opens_on, closes_on, eligibility, guide, max_request,
                          reviewers_per_application)
    if not program.active:
        raise ServiceError(f"科技计划“{program.name}”已停用，不能发布新的申报通知", field="program")
    rows = _criteria(criteria, required=not program.upward)
    call = Call(region=program.region, created_by=actor, **fields)
    stamp(call, actor, "发布申报通知")
    call.save()
    _set_criteria(call, rows)
    return call


@transaction.atomic
def call_update(*, actor, call: Call, program, year: int, title: str, opens_on: dt.date, closes_on: dt.date,
                eligibility: str = "", guide: str = "", max_request=None, reviewers_per_application: int = 3,
                criteria: list[tuple[str, int]] = (), version: int | None = None) -> Call:
    claim(call, version)
    fields = _call_fields(program, year, title, opens_on, closes_on, eligibility, guide, max_request,
                          reviewers_per_application)
    if program.pk != call.program_id:
        if program.region_id != call.region_id:
            raise ServiceError("只能选择本单位的科技计划", field="program")
        if call.applications.exists():
            raise ServiceError("本通知已有项目申报，不能再改科技计划", field="program")
    rows = _criteria(criteria, required=not program.upward)
    for key, value in fields.items():
        setattr(call, key, value)
    stamp(call, actor, "修改申报通知")
    call.save()
    call.applications.exclude(year=call.year).update(year=call.year)  # (the lists sort by the copy)
    _set_criteria(call, rows)
    return call


def _read_files(files, field: str) -> list[tuple[str, bytes, str]]:
    out = []
    for f in files:
        name = getattr(f, "name", None) or f[0]
        content = f.read() if hasattr(f, "read") else f[1]
        out.append((os.path.basename(name)[:150], content, check_file(name, content, field)))
    return out


@transaction.atomic
def call_attach(*, actor, call: Call, files) -> list:
    """Files of the call (the notice, forms to fill): each checked by its content. ``files``: uploaded files
    or (name, bytes) pairs."""
    from keguan.projects.models import CallAttachment

    checked = _read_files(files, "files")
    if not checked:
        raise ServiceError("请选择要上传的文件", field="files")
    if call.attachments.count() + len(checked) > MAX_FILES:
        raise ServiceError(f"每个通知最多{MAX_FILES}个附件", field="files")
    return [CallAttachment.objects.create(call=call, name=name, size=len(content), kind=kind, uploaded_by=actor,
                                          path=store(f"calls/{call.pk}", name, content))
            for name, content, kind in checked]


@transaction.atomic
def call_file_remove(*, actor, attachment) -> None:
    attachment.delete()


def _editable(application: Application) -> None:
    if application.status not in flow.EDITABLE_BY_APPLICANT:
        raise ServiceError(f"项目已{application.get_status_display()}，不能再修改申报材料")


@transaction.atomic
def application_attach(*, actor, application: Application, files) -> list:
    """The applicant's files (PDF, Word, Excel, images), while the application is a draft or returned."""
    from keguan.projects.models import ApplicationFile

    _editable(application)
    checked = _read_files(files, "files")
    if not checked:
        raise ServiceError("请选择要上传的文件", field="files")
    if application.files.count() + len(checked) > MAX_FILES:
        raise ServiceError(f"每个项目最多{MAX_FILES}个附件", field="files")
    return [ApplicationFile.objects.create(application=application, name=name, size=len(content), kind=kind,
                                           uploaded_by=actor, path=store(f"applications/{application.pk}", name,
                                                                         content))
            for name, content, kind in checked]


@transaction.atomic
def application_file_remove(*, actor, attachment) -> None:
    _editable(attachment.application)
    attachment.delete()


def call_open_to(call: Call, district, today: dt.date) -> str | None:
    """Why an applicant of ``district`` cannot start an application under ``call`` today (None: it can)."""
    if not call.program.active:
        return "该科技计划已停用"
    if not district.is_within(call.region):
        return "该申报通知不面向本区县"
    if today < call.opens_on:
        return f"申报将于{call.opens_on:%Y年%-m月%-d日}开始"
    if today > call.closes_on:
        return f"申报已于{call.closes_on:%Y年%-m月%-d日}截止"
    return None


@transaction.atomic
def application_start(*, actor, call: Call, district, enterprise=None, organisation=None, **form) -> Application:
    """A new draft under an open call: a firm applying for itself (``enterprise``), or bureau staff entering
    an institute's application (``organisation``). ``form``: what ``application_save`` takes."""
    if (enterprise is None) == (organisation is None):
        raise ServiceError("请选择申报单位", field="organisation")
    if enterprise is not None and enterprise.district_id != district.pk:
        raise ServiceError("申报企业不在本区县")
    refused = call_open_to(call, district, timezone.localdate())
    if refused:
        raise ServiceError(f"不能申报：{refused}")
    application = Application(call=call, year=call.year, enterprise=enterprise, organisation=organisation,
                              district=district)
    return application_save(actor=actor, application=application, **form)
# --- the bureau's processing: upward outcomes, mid-term checks and acceptance ------------------------------------

# The fund source of the money an upward program brings (a provincial program's funds are 省级 …)
LEVEL_SOURCE = {"national": FundSource.CENTRAL, "province": FundSource.PROVINCE, "city": FundSource.CITY,
                "county": FundSource.COUNTY}


@transaction.atomic
def upward_outcome_record(*, actor, application: Application, won: bool, amount=None, reason: str = "",
                          on: dt.date | None = None, version: int | None = None) -> Application:
    """The upper level's decision on a recommended application: 上级已立项 with the funds won (recorded as the
    approved amount and as funds of the program's level), or 上级未立项 with the reason."""
    if not application.call.program.upward:
        raise ServiceError("本级计划的项目不推荐上级，无上级立项结果可登记")
    if not won:
        return application_move(actor=actor, application=application, target=Status.REJECTED, reason=reason, on=on,
                                version=version)
    amount = _money(amount, "获得资助金额", "amount")
    application = application_approve(actor=actor, application=application, amount=amount, on=on, version=version)
    if amount:
        funding_add(actor=actor, application=application, source=LEVEL_SOURCE[application.call.program.level],
                    amount=amount, on=application.approved_on, note="上级立项资助")
    return application


@transaction.atomic
def projectcheck_add(*, actor, application: Application, kind: str, on: dt.date, result: str, note: str = "",
                     version: int | None = None) -> ProjectCheck:
    """A mid-term check (in 签约 or 实施) or the acceptance (in 验收). Rules: a result other than 通过 needs the
    opinion (the conditions, or why it failed); an acceptance 通过 / 有条件通过 closes the project (验收 → 结题),
    不通过 keeps it in 验收 with the reason, to be checked again."""
    claim(application, version)
    if actor is not None and not may(actor, "projects.manage"):
        raise ServiceError("只有科技局的项目管理人员可以登记检查验收")
    if kind not in CheckKind.values:
        raise ServiceError("请选择检查类型", field="kind")
    if result not in CheckResult.values:
        raise ServiceError("请选择结论", field="result")
    if on is None:
        raise ServiceError("请填写日期", field="on")
    if on > timezone.localdate():
        raise ServiceError("检查日期不能晚于今天", field="on")
    note = (note or "").strip()
    if kind == CheckKind.MIDTERM and application.status not in (Status.SIGNED, Status.RUNNING):
        raise ServiceError(f"项目当前为“{application.get_status_display()}”，签约或实施中的项目才能登记中期检查")
    if kind == CheckKind.ACCEPTANCE and application.status != Status.ACCEPTANCE:
        raise ServiceError(f"项目当前为“{application.get_status_display()}”，须先“申请验收”才能登记验收结论")
    if result != CheckResult.PASS and not note:
        raise ServiceError("“有条件通过”须写明条件，“不通过”须写明理由" if result == CheckResult.CONDITIONAL
                           else "结论为“不通过”须填写理由", field="note")
    check = ProjectCheck(application=application, kind=kind, on=on, result=result, note=note, created_by=actor)
    stamp(check, actor, f"登记{CheckKind(kind).label}")
    check.save()
    label = CheckResult(result).label
    if kind == CheckKind.ACCEPTANCE and result in PASSING:
        application_move(actor=actor, application=application, target=Status.CLOSED, on=on,
                         reason=f"验收{label}" + (f"：{note}" if note else ""))
    else:
        stamp(application, actor, f"登记{CheckKind(kind).label}（{label}）")
        application.save(update_fields=["version"])
    return check
