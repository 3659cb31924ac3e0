"""The only code that writes the R&D reporting rounds. Each service runs in one transaction and records its
change in the history (django-simple-history keeps who, when and the old → new values).

The rounds never write the enterprises' yearly figures: the reported 研发经费 (statistics) is a different
figure from the accounting 研发费用 in ``EnterpriseYear``."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from keguan.core.errors import ServiceError
from keguan.core.history import stamp
from keguan.enterprises.models import Enterprise
from keguan.regions.models import Region, RegionLevel

from .models import CallOutcome, FirmSource, RdCall, RdFirm, RdRound
from .selectors import eligible_enterprises

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("99999999999999.99")  # what the column holds (16 digits, 2 decimals)
FIRST_YEAR = 2000


def _check_dates(opened_on: dt.date | None, due_on: dt.date | None) -> None:
    if opened_on is None:
        raise ServiceError("请填写开始日期", field="opened_on")
    if due_on is not None and due_on < opened_on:
        raise ServiceError("截止日期不能早于开始日期", field="due_on")


@transaction.atomic
def rd_round_create(
    *, actor, district: Region, year: int, title: str = "", opened_on: dt.date | None = None,
    due_on: dt.date | None = None, note: str = "",
) -> RdRound:
    """Open a district's round for fiscal ``year``, pre-filled with the firms it concerns (see
    ``eligible_enterprises``); staff add and remove firms afterwards."""
    if district.level != RegionLevel.COUNTY:
        raise ServiceError("研发经费填报只能按区县建立", field="district")
    this_year = timezone.localdate().year
    if not FIRST_YEAR <= year <= this_year:
        raise ServiceError(f"填报年度应在{FIRST_YEAR}至{this_year}年之间", field="year")
    opened_on = opened_on or timezone.localdate()
    _check_dates(opened_on, due_on)
    if RdRound.objects.filter(district=district, year=year).exists():
        raise ServiceError(f"{district.name}{year}年度的研发经费填报已经建立，每个年度只建立一次", field="year")
    title = (title or "").strip() or f"{year}年度研发经费填报"
    rd_round = RdRound(district=district, year=year, title=title, opened_on=opened_on, due_on=due_on,
                       note=(note or "").strip(), created_by=actor)
    stamp(rd_round, actor, "建立研发经费填报")
    rd_round.save()
    firms = [
        RdFirm(round=rd_round, enterprise_id=pk, source=FirmSource.RULE)
        for pk in eligible_enterprises(district_ids=[district.pk], year=year).order_by("pk").values_list("pk", flat=True)
    ]
    if firms:
        bulk_create_with_history(firms, RdFirm, batch_size=500, default_user=actor,
                                 default_change_reason="按规则列入填报名单")
    return rd_round


@transaction.atomic
def rd_round_update(
    *, rd_round: RdRound, actor, title: str, opened_on: dt.date | None, due_on: dt.date | None, note: str = ""
) -> RdRound:
    title = (title or "").strip()
    if not title:
        raise ServiceError("请填写名称", field="title")
    _check_dates(opened_on, due_on)
    changed = False
    for key, value in (("title", title), ("opened_on", opened_on), ("due_on", due_on), ("note", (note or "").strip())):
        if getattr(rd_round, key) != value:
            setattr(rd_round, key, value)
            changed = True
    if changed:
        stamp(rd_round, actor, "修改填报信息")
        rd_round.save()
    return rd_round


@transaction.atomic
def rd_firm_add(*, rd_round: RdRound, actor, enterprise: Enterprise, note: str = "") -> RdFirm:
    if enterprise.district_id != rd_round.district_id:
        raise ServiceError(f"该企业不属于{rd_round.district.name}，不能列入本区县的填报名单", field="enterprise")
    if RdFirm.objects.filter(round=rd_round, enterprise=enterprise).exists():
        raise ServiceError(f"“{enterprise.name}”已在填报名单中", field="enterprise")
    firm = RdFirm(round=rd_round, enterprise=enterprise, source=FirmSource.MANUAL, note=(note or "").strip())
    stamp(firm, actor, "手动列入填报名单")
    try:
        with transaction.atomic():
            firm.save()
    except IntegrityError as exc:  # added by someone else meanwhile
        raise ServiceError(f"“{enterprise.name}”已在填报名单中", field="enterprise") from exc
    return firm


@transaction.atomic
def rd_firm_remove(*, firm: RdFirm, actor) -> None:
    """Take a firm off the round's list (with its calls). A firm that has reported keeps its place: clear the
    amount first."""
    if firm.amount is not None:
        raise ServiceError("该企业已登记填报金额，不能移出名单；确需移出的，请先清除填报金额")
    for call in firm.calls.all():
        stamp(call, actor, "企业移出填报名单")
        call.delete()
    stamp(firm, actor, "移出填报名单")
    firm.delete()


def parse_amount(value, *, field: str = "amount", label: str = "填报金额") -> Decimal:
    """A non-negative amount of money (yuan, rounded to the cent)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ServiceError(f"请填写{label}", field=field)
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError) as exc:
        raise ServiceError(f"{label}“{value}”不是有效的数字", field=field) from exc
    if not amount.is_finite():
        raise ServiceError(f"{label}“{value}”不是有效的数字", field=field)
    if amount < 0:
        raise ServiceError(f"{label}不能为负数", field=field)
    amount = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    if amount > MAX_AMOUNT:
        raise ServiceError(f"{label}过大（最多 99,999,999,999,999.99 元），请核对单位", field=field)
    return amount


@transaction.atomic
def rd_amount_record(
    *, firm: RdFirm, actor, amount, reported_on: dt.date | None, note: str | None = None
) -> RdFirm:
    """Record (or correct) the amount a firm reported, in yuan. ``note`` None leaves the note as it is."""
    amount = parse_amount(amount)
    if reported_on is None:
        raise ServiceError("请填写填报日期", field="reported_on")
    if reported_on > timezone.localdate():
        raise ServiceError("填报日期不能晚于今天", field="reported_on")
    year = firm.round.year
    if reported_on < dt.date(year, 1, 1):
        raise ServiceError(f"填报日期不能早于{year}年1月1日（本轮填报的是{year}年度研发经费）", field="reported_on")
    note = firm.note if note is None else note.strip()
    if len(note) > 200:
        raise ServiceError("备注最多200字", field="note")
    if (firm.amount, firm.reported_on, firm.note) == (amount, reported_on, note):
        return firm
    reason = "修改填报金额" if firm.amount is not None else "登记填报金额"
    firm.amount, firm.reported_on, firm.note = amount, reported_on, note
    firm.recorded_by, firm.recorded_at = actor, timezone.now()
    stamp(firm, actor, reason)
    firm.save()
    return firm


@transaction.atomic
def rd_amount_clear(*, firm: RdFirm, actor) -> RdFirm:
    """Back to 未填报 (an amount recorded by mistake)."""
    if firm.amount is None:
        raise ServiceError("该企业尚未登记填报金额")
    firm.amount = firm.reported_on = None
    firm.recorded_by, firm.recorded_at = actor, timezone.now()
    stamp(firm, actor, "清除填报金额")
    firm.save()
    return firm


@transaction.atomic
def rd_call_log(
    *, firm: RdFirm, actor, called_on: dt.date | None, outcome: str, contact: str = "",
    promised_on: dt.date | None = None, note: str = "",
) -> RdCall:
    """Log a follow-up call. A promise without a date is a promise to report by the round's due date."""
    if called_on is None:
        raise ServiceError("请填写跟进日期", field="called_on")
    if called_on > timezone.localdate():
        raise ServiceError("跟进日期不能晚于今天", field="called_on")
    if outcome not in CallOutcome.values:
        raise ServiceError("请选择跟进结果", field="outcome")
    if outcome == CallOutcome.PROMISED:
        promised_on = promised_on or firm.round.due_on
        if promised_on is not None and promised_on < called_on:
            raise ServiceError("承诺填报日期不能早于跟进日期", field="promised_on")
    else:
        promised_on = None
    contact, note = (contact or "").strip(), (note or "").strip()
    if len(contact) > 64:
        raise ServiceError("联系对象最多64字", field="contact")
    if len(note) > 500:
        raise ServiceError("情况记录最多500字", field="note")
    call = RdCall(firm=firm, called_on=called_on, called_by=actor, contact=contact, outcome=outcome,
                  promised_on=promised_on, note=note)
    stamp(call, actor, "登记跟进记录")
    call.save()
    return call
