"""The only code that writes 科技项目. Each service runs in one transaction; records staff edit keep their history
(django-simple-history: who, when, old → new), and every status change leaves an ``ApplicationStep``.

The workflow's legal moves are ``keguan.rules.project_flow``; ``application_move`` is the one door through which
a status changes (the applicant's submit and withdraw included)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from keguan.core.errors import ServiceError
from keguan.core.permissions import may
from keguan.core.versioning import claim
from keguan.rules import project_flow as flow

from .models import (
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

CENT = Decimal("0.01")
PASSING = (CheckResult.PASS, CheckResult.CONDITIONAL)


def _stamp(obj, actor, reason: str) -> None:
    obj._history_user = actor
    obj._change_reason = reason


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
    _stamp(application, actor, "保存申报书")
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
    back: bool = False, version: int | None = None,
) -> Application:
    """Move ``application`` to ``target`` by the workflow's rules, or refuse with the reason in words.
    ``back``: the bureau undoes the last move (one step back, with a reason)."""
    claim(application, version)
    side = actor_side(actor, application)
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
    _stamp(application, actor, f"{flow.LABELS[source]} → {flow.LABELS[target]}")
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
    _stamp(application, actor, "登记立项资助")
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
    _stamp(application, actor, "签订任务书")
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
    _stamp(funding, actor, "登记项目资金")
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
    _stamp(d, actor, "登记资金拨付")
    d.save()
    return d


def calls_open_on(day: dt.date, calls: Iterable[Call]) -> list[Call]:
    return [c for c in calls if c.open_on(day)]


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
    _stamp(check, actor, f"登记{CheckKind(kind).label}")
    check.save()
    label = CheckResult(result).label
    if kind == CheckKind.ACCEPTANCE and result in PASSING:
        application_move(actor=actor, application=application, target=Status.CLOSED, on=on,
                         reason=f"验收{label}" + (f"：{note}" if note else ""))
    else:
        _stamp(application, actor, f"登记{CheckKind(kind).label}（{label}）")
        application.save(update_fields=["version"])
    return check
