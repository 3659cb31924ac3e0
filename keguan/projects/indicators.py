"""科技项目's indicators: applicants and projects applied for, recommended upward, approved; funds requested, won
and paid out; projects accepted and overdue. Counted per the applicant's district (``Application.district``),
each linking to the application list filtered to its rows."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum

from keguan.indicators.registry import Indicator, Timing, list_url, memoised, register
from keguan.projects.models import (
    Application,
    ApplicationStep,
    CheckKind,
    CheckResult,
    Disbursement,
    Funding,
    FundSource,
    ProjectCheck,
)
from keguan.rules import project_flow as flow
from keguan.rules.periods import Period

AREA = "projects"
WAN = Decimal(10000)
UPPER = (FundSource.CENTRAL, FundSource.PROVINCE, FundSource.CITY)
RUNNING = (flow.SIGNED, flow.RUNNING, flow.ACCEPTANCE)


def _submitted(ids: list[int], period: Period):
    return Application.objects.filter(district_id__in=ids, submitted_at__date__gte=period.start,
                                      submitted_at__date__lte=period.end, status__in=flow.HANDED_IN)


def applicants(ids, period, memo=None):
    """创新主体 that handed in an application within the period (each firm or institute once)."""
    def compute():
        out: dict[int, int] = {}
        rows = _submitted(ids, period).values_list("district_id", "enterprise_id", "organisation_id").distinct()
        seen = set()
        for district, ent, org in rows:
            key = (district, ent, org)
            if key not in seen:
                seen.add(key)
                out[district] = out.get(district, 0) + 1
        return out
    return memoised(memo, ("prj_applicants", tuple(ids), period.start, period.end), compute)


def applied(ids, period, memo=None):
    return memoised(memo, ("prj_applied", tuple(ids), period.start, period.end), lambda: dict(
        _submitted(ids, period).values_list("district_id").annotate(n=Count("*")).order_by()))


def requested(ids, period, memo=None):
    return memoised(memo, ("prj_requested", tuple(ids), period.start, period.end), lambda: {
        d: (v or Decimal(0)) / WAN for d, v in
        _submitted(ids, period).values_list("district_id").annotate(s=Sum("requested")).order_by()})


def recommended(ids, period, memo=None):
    """Applications recommended upward within the period (the step's date)."""
    return memoised(memo, ("prj_recommended", tuple(ids), period.start, period.end), lambda: dict(
        ApplicationStep.objects.filter(application__district_id__in=ids, to_status=flow.RECOMMENDED,
                                       on__gte=period.start, on__lte=period.end)
        .values_list("application__district_id").annotate(n=Count("application_id", distinct=True)).order_by()))


def approved(ids, period, memo=None):
    return memoised(memo, ("prj_approved", tuple(ids), period.start, period.end), lambda: dict(
        Application.objects.filter(district_id__in=ids, approved_on__gte=period.start, approved_on__lte=period.end,
                                   status__in=flow.APPROVED_OR_LATER)
        .values_list("district_id").annotate(n=Count("*")).order_by()))


def _funds(sources):
    def by_district(ids, period, memo=None):
        return memoised(memo, ("prj_funds", tuple(sources), tuple(ids), period.start, period.end), lambda: {
            d: (v or Decimal(0)) / WAN for d, v in
            Funding.objects.filter(application__district_id__in=ids, source__in=sources, on__gte=period.start,
                                   on__lte=period.end)
            .values_list("application__district_id").annotate(s=Sum("amount")).order_by()})
    return by_district


def disbursed(ids, period, memo=None):
    return memoised(memo, ("prj_disbursed", tuple(ids), period.start, period.end), lambda: {
        d: (v or Decimal(0)) / WAN for d, v in
        Disbursement.objects.filter(application__district_id__in=ids, on__gte=period.start, on__lte=period.end)
        .exclude(source=FundSource.OWN)
        .values_list("application__district_id").annotate(s=Sum("amount")).order_by()})


def accepted(ids, period, memo=None):
    return memoised(memo, ("prj_accepted", tuple(ids), period.start, period.end), lambda: dict(
        ProjectCheck.objects.filter(application__district_id__in=ids, kind=CheckKind.ACCEPTANCE,
                                    result__in=[CheckResult.PASS, CheckResult.CONDITIONAL],
                                    on__gte=period.start, on__lte=period.end)
        .values_list("application__district_id").annotate(n=Count("application_id", distinct=True)).order_by()))


def overdue_q(day) -> Q:
    """Projects under way whose acceptance, or whose mid-term check not yet recorded, was due before ``day``."""
    midterm_done = ProjectCheck.objects.filter(application=OuterRef("pk"), kind=CheckKind.MIDTERM)
    return Q(status__in=RUNNING) & (Q(acceptance_due__lt=day) | (Q(midterm_due__lt=day) & ~Exists(midterm_done)))


def overdue(ids, period, memo=None):
    return memoised(memo, ("prj_overdue", tuple(ids), period.end), lambda: dict(
        Application.objects.filter(district_id__in=ids).filter(overdue_q(period.end))
        .values_list("district_id").annotate(n=Count("*")).order_by()))


def _range(prefix: str, **extra):
    return lambda region, period: list_url("projects:applications", region, **extra, **{f"{prefix}_since": period.start.isoformat(),
                                                           f"{prefix}_until": period.end.isoformat()})


for order, (code, name, unit, measure, fn, url, description, extra) in enumerate([
    ("prj_applicants", "项目申报主体", "家", "家", applicants, _range("submitted"),
     "期间内提交项目申报的企业和科研单位数（按提交日期，每个单位计一次）", {}),
    ("prj_applied", "申报项目", "项", "项", applied, _range("submitted"), "期间内提交的项目申报数（按提交日期）", {}),
    ("prj_requested", "申请资助资金", "万元", "", requested, _range("submitted"),
     "期间内提交的项目申请资助金额合计", {"decimals": 2}),
    ("prj_recommended", "推荐上级项目", "项", "项", recommended, _range("recommended"),
     "期间内推荐到市级、省级、国家级计划的项目数（按推荐日期）", {}),
    ("prj_approved", "立项项目", "项", "项", approved, _range("approved"), "期间内立项的项目数（按立项日期）", {}),
    ("prj_funds_won", "争取财政科技资金", "万元", "", _funds(UPPER + (FundSource.COUNTY,)), _range("funded"),
     "期间内下达到项目的各级财政科技资金（中央、省、市、区县）合计，按下达日期", {"decimals": 2}),
    ("prj_funds_upper", "争取上级科技资金", "万元", "", _funds(UPPER), _range("funded", upper=1),
     "期间内下达到项目的中央、省级和市级科技资金合计（区县本级资金除外）", {"decimals": 2, "dashboard": False}),
    ("prj_disbursed", "拨付项目资金", "万元", "", disbursed, _range("disbursed"),
     "期间内拨付到项目的财政资金合计（按拨付日期）", {"decimals": 2}),
    ("prj_accepted", "验收项目", "项", "项", accepted, _range("accepted"),
     "期间内验收通过（含有条件通过）的项目数", {}),
    ("prj_overdue", "逾期未检查验收项目", "项", "项", overdue,
     lambda region, period: list_url("projects:applications", region, overdue_on=period.end.isoformat()),
     "期末在实施中、已过验收时间或已过中期检查时间而未登记检查的项目数（按项目当前状态）",
     {"targetable": False, "timing": Timing.STOCK}),
]):
    register(Indicator(
        code=code, name=name, unit=unit, measure=measure, area=AREA, by_district=fn, records_url=url,
        order=10 + order, description=description, timing=extra.get("timing", Timing.FLOW),
        decimals=extra.get("decimals", 0), targetable=extra.get("targetable", True),
        dashboard=extra.get("dashboard", True),
    ))
