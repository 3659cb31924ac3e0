"""The pipeline's indicators (高企申报认定、科小入库、培育库), counted from the qualification records. They belong to
the enterprise area (创新主体培育): the city sets targets on them and the work summary states them there.

Each counts firms (distinct enterprises) per the district a firm belongs to now (the rows carry it)."""

from __future__ import annotations

from django.db.models import Count, Q

from keguan.indicators.registry import Indicator, Timing, list_url, memoised, register
from keguan.rules.periods import Period

from .models import (
    APP_SUBMITTED,
    AppStatus,
    ExitReason,
    HnteApplication,
    HnteCertificate,
    PoolMember,
    TechSmeRecord,
    TutoringVisit,
)
from .selectors.lists import expiring_q

AREA = "enterprises"


def _per_district(qs, count: str = "enterprise_id", *, rows_are_firms: bool = False) -> dict[int, int]:
    """``qs`` counted per district. ``district`` is the firm's district copied onto the row (kept in step when
    a firm moves): the count reads the row's own index (date, district, enterprise …) without joining the firms.
    ``rows_are_firms``: the rules of the model guarantee one row per firm in ``qs``, so a plain ``COUNT(*)``
    gives the number of firms (PostgreSQL then need not sort for DISTINCT)."""
    n = Count("*") if rows_are_firms else Count(count, distinct=True)
    return dict(qs.values_list("district_id").annotate(n=n).order_by())


def applied(ids: list[int], period: Period, memo: dict | None = None) -> dict[int, int]:
    """Firms whose application was handed in (材料提交 or later) within the period."""
    return memoised(memo, ("pl_applied", tuple(ids), period.start, period.end), lambda: _per_district(
        HnteApplication.objects.filter(district_id__in=ids, status__in=APP_SUBMITTED,
                                       submitted_on__gte=period.start, submitted_on__lte=period.end)))


def _recognised_qs(ids: list[int], period: Period):
    return HnteApplication.objects.filter(
        district_id__in=ids, status=AppStatus.RECOGNISED, decided_on__gte=period.start,
        decided_on__lte=period.end,
    )


def recognised(ids: list[int], period: Period, memo: dict | None = None) -> dict[int, int]:
    return memoised(memo, ("pl_recognised", tuple(ids), period.start, period.end), lambda: _per_district(_recognised_qs(ids, period)))


def recognised_batches(ids: list[int], period: Period, memo: dict | None = None) -> dict[int, int]:
    """Batches in which the district's firms were recognised within the period (申报认定N批)."""
    return memoised(memo, ("pl_batches", tuple(ids), period.start, period.end),
                 lambda: _per_district(_recognised_qs(ids, period), count="batch_id"))


def batches_whole(ids: list[int], period: Period, memo: dict | None = None) -> int:
    """Batches for several districts together: a province's batch in which firms of two districts were
    recognised is one batch, not two."""
    return memoised(memo, ("pl_batches_whole", tuple(ids), period.start, period.end),
                 lambda: _recognised_qs(ids, period).values("batch_id").distinct().count())


def sme_registered(ids: list[int], period: Period, memo: dict | None = None) -> dict[int, int]:
    """科技型中小企业评价入库 within the period (every firm registered, new or re-evaluated). A firm has one record
    per evaluation year, dated within it: in a period inside one year each record is a different firm."""
    return memoised(memo, ("pl_sme", tuple(ids), period.start, period.end), lambda: _per_district(
        TechSmeRecord.objects.filter(district_id__in=ids, registered_on__gte=period.start,
                                     registered_on__lte=period.end),
        rows_are_firms=period.start.year == period.end.year))


def pool_members(ids: list[int], period: Period, memo: dict | None = None) -> dict[int, int]:
    """Firms in a cultivation pool at the period's end. A firm's stays never overlap (it joins again only after
    its last exit: ``services.pool_add``), so each stay that holds the day is a different firm."""
    end = period.end
    return memoised(memo, ("pl_pool", tuple(ids), end), lambda: _per_district(
        PoolMember.objects.filter(district_id__in=ids, entered_on__lte=end).filter(
            Q(exited_on__isnull=True) | Q(exited_on__gt=end)), rows_are_firms=True))


def pool_entered(ids: list[int], period: Period, memo: dict | None = None) -> dict[int, int]:
    """Firms that joined a cultivation pool within the period."""
    return memoised(memo, ("pl_pool_in", tuple(ids), period.start, period.end), lambda: _per_district(
        PoolMember.objects.filter(district_id__in=ids, entered_on__gte=period.start, entered_on__lte=period.end)))


def visits(ids: list[int], period: Period, memo: dict | None = None) -> dict[int, int]:
    """辅导走访 recorded within the period (visits, not firms)."""
    return memoised(memo, ("pl_visits", tuple(ids), period.start, period.end), lambda: dict(
        TutoringVisit.objects.filter(enterprise__district_id__in=ids, visited_on__gte=period.start,
                                     visited_on__lte=period.end)
        .values_list("enterprise__district_id").annotate(n=Count("*")).order_by()))


def expiring(ids: list[int], period: Period, memo: dict | None = None) -> dict[int, int]:
    """高企 whose certificate, valid at the period's end, expires within the following twelve months and whose
    重新认定 nobody has started (no later certificate, no open application)."""
    end = period.end
    return memoised(memo, ("pl_expiring", tuple(ids), end), lambda: dict(
        HnteCertificate.objects.filter(enterprise__district_id__in=ids).filter(expiring_q(end))
        .values_list("enterprise__district_id").annotate(n=Count("enterprise_id", distinct=True)).order_by()))


def pool_recognised(ids: list[int], period: Period, memo: dict | None = None) -> dict[int, int]:
    """Pool members that left the pool recognised as 高企 within the period."""
    return memoised(memo, ("pl_pool_rec", tuple(ids), period.start, period.end), lambda: _per_district(
        PoolMember.objects.filter(district_id__in=ids, exit_reason=ExitReason.RECOGNISED,
                                  exited_on__gte=period.start, exited_on__lte=period.end)))


def _range(name: str, prefix: str, **extra):
    def url(region, period: Period) -> str:
        return list_url(name, region, **extra, **{f"{prefix}_since": period.start.isoformat(),
                                               f"{prefix}_until": period.end.isoformat()})

    return url


WHOLE = {"pl_hnte_batches": batches_whole}
SUMMARY_ONLY = {"pl_visits", "pl_hnte_expiring"}  # the work summary's figures; the home page has their reminders
CONCEPTS = {"pl_sme_registered": "sme_new", "pl_hnte_recognised": "hnte_new", "pl_pool_entered": "pool_new"}

for order, (code, name, measure, timing, fn, url, description, targetable) in enumerate(
    [
        ("pl_sme_registered", "科技型中小企业评价入库", "家", Timing.FLOW, sme_registered,
         _range("pipeline:sme_records", "registered"), "期间内完成评价入库的企业数（按入库日期，含重新评价）", True),
        ("pl_hnte_applied", "申报高新技术企业", "家", Timing.FLOW, applied,
         _range("pipeline:applications", "submitted"), "期间内提交申报材料的企业数（按材料提交日期）", True),
        ("pl_hnte_recognised", "认定高新技术企业", "家", Timing.FLOW, recognised,
         _range("pipeline:applications", "decided", status=AppStatus.RECOGNISED),
         "期间内申报获认定的企业数（按认定日期）", True),
        ("pl_hnte_batches", "高企认定批次", "批", Timing.FLOW, recognised_batches,
         _range("pipeline:applications", "decided", status=AppStatus.RECOGNISED),
         "期间内有企业获认定的申报批次数", False),
        ("pl_pool_members", "高企培育库在库企业", "家", Timing.STOCK, pool_members,
         lambda region, period: list_url("pipeline:pool_members", region, on=period.end.isoformat()),
         "期末在高企培育库中的企业数（按培育库的入库、出库日期；认定为高企即出库）", True),
        ("pl_pool_recognised", "培育库企业认定为高企", "家", Timing.FLOW, pool_recognised,
         lambda region, period: list_url("pipeline:pool_members", region, exit_reason=ExitReason.RECOGNISED,
                                     exited_since=period.start.isoformat(), exited_until=period.end.isoformat()),
         "期间内以“认定为高新技术企业”出库的培育库企业数", False),
        ("pl_pool_entered", "高企培育库新入库企业", "家", Timing.FLOW, pool_entered,
         lambda region, period: list_url("pipeline:pool_members", region, entered_since=period.start.isoformat(),
                                     entered_until=period.end.isoformat()),
         "期间内进入高企培育库的企业数（按入库日期）", False),
        ("pl_visits", "高企培育辅导走访", "次", Timing.FLOW, visits,
         _range("pipeline:visits", "visited"), "期间内登记的辅导走访次数（按辅导日期）", False),
        ("pl_hnte_expiring", "一年内到期待重新认定高企", "家", Timing.STOCK, expiring,
         lambda region, period: list_url("pipeline:certificates", region, renew_on=period.end.isoformat()),
         "期末有效、此后12个月内到期，且尚无新证书、也无进行中申报的高企证书对应企业数", False),
    ]
):
    register(
        Indicator(
            code=code, name=name, unit=measure, measure=measure, area=AREA, timing=timing, by_district=fn,
            records_url=url, order=40 + order, description=description, targetable=targetable,
            whole=WHOLE.get(code), concept=CONCEPTS.get(code, ""), dashboard=code not in SUMMARY_ONLY,
        )
    )
