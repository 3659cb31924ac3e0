"""科技特派员's indicators: commissioners in service (by level and by kind), villages covered and the coverage
rate, enterprises with an industrial commissioner, service logs, people served, trainings given and trainees
(培训土专家、田秀才 人次), new varieties and techniques introduced, needs completed, letters signed. Counted per
the record's district, each linking to its rows.

"In service" and "covered" mean overlapping the period: a commissioner whose service period, or an
assignment whose dates, meet the period at least one day (both ends inclusive; an open end is still
serving)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.urls import NoReverseMatch

from keguan.indicators.registry import Indicator, Kind, Timing, list_url, memoised, register
from keguan.regions.models import Region, RegionLevel
from keguan.rules.periods import Period

from .models import Assignment, Commissioner, Demand, DemandStatus, Letter, Level, ServiceKind, ServiceLog
from .models import Kind as CommissionerKind

AREA = "fieldwork"


def overlapping(start: dt.date, end: dt.date, prefix: str = "") -> Q:
    """Rows whose ``start_on``–``end_on`` (an open end: still running) meet ``start``–``end``."""
    return Q(**{f"{prefix}start_on__lte": end}) & (Q(**{f"{prefix}end_on__isnull": True})
                                                   | Q(**{f"{prefix}end_on__gte": start}))


def _commissioners(field: str = "", value: str = ""):
    def by_district(ids, period, memo=None):
        def compute():
            qs = Commissioner.objects.filter(district_id__in=ids).filter(overlapping(period.start, period.end))
            if field:
                qs = qs.filter(**{field: value})
            return dict(qs.values_list("district_id").annotate(n=Count("id")).order_by())
        return memoised(memo, ("fw_commissioners", field, value, tuple(ids), period.start, period.end), compute)
    return by_district


def villages_total(ids, period, memo=None):
    """The districts' villages and communities (村/社区 of the region tree)."""
    return memoised(memo, ("fw_villages", tuple(ids)), lambda: dict(
        Region.objects.filter(level=RegionLevel.VILLAGE, parent__parent_id__in=ids)
        .values_list("parent__parent_id").annotate(n=Count("id")).order_by()))


def villages_covered(ids, period, memo=None):
    """Villages with an assignment (of a commissioner or a team) overlapping the period, each once."""
    return memoised(memo, ("fw_covered", tuple(ids), period.start, period.end), lambda: dict(
        Assignment.objects.filter(district_id__in=ids, village__isnull=False)
        .filter(overlapping(period.start, period.end))
        .values_list("district_id").annotate(n=Count("village_id", distinct=True)).order_by()))


def enterprises_served(ids, period, memo=None):
    """Enterprises with an industrial commissioner (工业科技特派员) assigned in the period, each once."""
    return memoised(memo, ("fw_enterprises", tuple(ids), period.start, period.end), lambda: dict(
        Assignment.objects.filter(district_id__in=ids, enterprise__isnull=False,
                                  commissioner__kind=CommissionerKind.INDUSTRY)
        .filter(overlapping(period.start, period.end))
        .values_list("district_id").annotate(n=Count("enterprise_id", distinct=True)).order_by()))


def _log_figures(ids, period, memo):
    """Logs, people served and new varieties introduced, all and of 培训授课, per district (one query)."""
    def compute():
        teaching = Q(kind=ServiceKind.TEACHING)
        rows = (ServiceLog.objects.filter(district_id__in=ids, served_on__gte=period.start, served_on__lte=period.end)
                .values_list("district_id")
                .annotate(n=Count("id"), n_served=Sum("served"), n_introduced=Sum("introduced"),
                          n_teaching=Count("id", filter=teaching), n_trainees=Sum("served", filter=teaching))
                .order_by())
        return {d: {"logs": n, "served": s or 0, "introduced": i or 0, "teaching": t, "trainees": tr or 0}
                for d, n, s, i, t, tr in rows}
    return memoised(memo, ("fw_logs", tuple(ids), period.start, period.end), compute)


def _from_logs(key: str):
    def by_district(ids, period, memo=None):
        return {d: v[key] for d, v in _log_figures(ids, period, memo).items()}
    return by_district


def dispatches_done(ids, period, memo=None):
    return memoised(memo, ("fw_done", tuple(ids), period.start, period.end), lambda: dict(
        Demand.objects.filter(district_id__in=ids, status=DemandStatus.DONE, done_on__gte=period.start,
                              done_on__lte=period.end)
        .values_list("district_id").annotate(n=Count("id")).order_by()))


def letters_signed(ids, period, memo=None):
    return memoised(memo, ("fw_letters", tuple(ids), period.start, period.end), lambda: dict(
        Letter.objects.filter(district_id__in=ids, signed_on__gte=period.start, signed_on__lte=period.end)
        .values_list("district_id").annotate(n=Count("id")).order_by()))


def _link(url_name: str, **fixed):
    """The rows behind a figure: the page ``url_name`` with the period (``since``/``until``) and ``fixed``.
    A page another part of the area has not mounted yet gives no link rather than an error."""
    def url(region, period: Period) -> str:
        try:
            return list_url(url_name, region, since=period.start.isoformat(), until=period.end.isoformat(), **fixed)
        except NoReverseMatch:
            return ""
    return url


def _roster_link(**fixed):
    """The roster (roster part) in service on the period's last day, by level or kind."""
    def url(region, period: Period) -> str:
        return _safe("fieldwork:roster", region, on=period.end.isoformat(), **fixed)
    return url


def _coverage_link(region, period: Period) -> str:
    """The coverage page (roster part) over the period: every village with its commissioners."""
    return _safe("fieldwork:coverage", region, start=period.start.isoformat(), end=period.end.isoformat())


def _firms_link(region, period: Period) -> str:
    return _safe("fieldwork:firms", region, on=period.end.isoformat(), industrial=1)


def _safe(url_name: str, region, **params) -> str:
    try:
        return list_url(url_name, region, **params)
    except NoReverseMatch:
        return ""


def _letters_link(region, period: Period) -> str:
    return list_url("fieldwork:letters", region, year="", signed_since=period.start.isoformat(),
                    signed_until=period.end.isoformat())


def _done_link(region, period: Period) -> str:
    try:
        return list_url("fieldwork:demands", region, status=DemandStatus.DONE, done_since=period.start.isoformat(),
                        done_until=period.end.isoformat())
    except NoReverseMatch:
        return ""


INDICATORS = [
    # code, name, unit, measure, by_district, url, description, extra
    ("fw_commissioners", "在岗科技特派员", "名", "名", _commissioners(), _roster_link(),
     "服务期与期间有交叉的科技特派员（个人、法人、团队）数", {"timing": Timing.STOCK}),
    ("fw_commissioners_province", "省级科技特派员", "名", "名", _commissioners("level", Level.PROVINCE),
     _roster_link(level=Level.PROVINCE), "在岗的省级选派科技特派员数",
     {"timing": Timing.STOCK, "dashboard": False}),
    ("fw_commissioners_city", "市级科技特派员", "名", "名", _commissioners("level", Level.CITY),
     _roster_link(level=Level.CITY), "在岗的市级选派科技特派员数",
     {"timing": Timing.STOCK, "dashboard": False}),
    ("fw_commissioners_county", "区县级科技特派员", "名", "名", _commissioners("level", Level.COUNTY),
     _roster_link(level=Level.COUNTY), "在岗的区县级选派科技特派员数",
     {"timing": Timing.STOCK, "dashboard": False}),
    ("fw_commissioners_agri", "农业科技特派员", "名", "名", _commissioners("kind", CommissionerKind.AGRICULTURE),
     _roster_link(kind=CommissionerKind.AGRICULTURE), "在岗的农业科技特派员数",
     {"timing": Timing.STOCK, "dashboard": False}),
    ("fw_commissioners_industry", "工业科技特派员", "名", "名", _commissioners("kind", CommissionerKind.INDUSTRY),
     _roster_link(kind=CommissionerKind.INDUSTRY), "在岗的工业（产业）科技特派员数",
     {"timing": Timing.STOCK, "dashboard": False}),
    ("fw_commissioners_three", "三区科技人才", "名", "名", _commissioners("kind", CommissionerKind.THREE_AREAS),
     _roster_link(kind=CommissionerKind.THREE_AREAS), "在岗的“三区”科技人才数",
     {"timing": Timing.STOCK, "dashboard": False}),
    ("fw_villages", "行政村（社区）", "个", "个", villages_total, _coverage_link,
     "辖区内的村、社区数（区划中的村/社区）", {"timing": Timing.STOCK, "dashboard": False, "targetable": False}),
    ("fw_villages_covered", "特派员联系村（社区）", "个", "个", villages_covered, _coverage_link,
     "期间内有科技特派员或专家服务团结对服务的村、社区数（每村计一次）", {"timing": Timing.STOCK}),
    ("fw_enterprises", "派驻工业科技特派员的企业", "家", "家", enterprises_served,
     _firms_link, "期间内有工业科技特派员结对服务的企业数（每家计一次）",
     {"timing": Timing.STOCK}),
    ("fw_logs", "特派员服务", "次", "次", _from_logs("logs"), _link("fieldwork:logs"),
     "期间内科技特派员填报的服务日志条数（按服务日期）", {}),
    ("fw_served", "特派员服务群众", "人次", "人次", _from_logs("served"), _link("fieldwork:logs"),
     "期间内服务日志的服务人数合计", {}),
    ("fw_trainings", "特派员培训授课", "场", "场", _from_logs("teaching"), _link("fieldwork:logs", kind=ServiceKind.TEACHING),
     "期间内服务方式为“培训授课”的服务日志条数", {}),
    ("fw_trainees", "培训土专家、田秀才", "人次", "人次", _from_logs("trainees"),
     _link("fieldwork:logs", kind=ServiceKind.TEACHING), "期间内“培训授课”服务日志的服务人数合计", {}),
    ("fw_introduced", "引进新品种新技术", "个", "个", _from_logs("introduced"),
     _link("fieldwork:logs", introduced=1), "期间内服务日志登记的引进新品种、新技术个数合计", {}),
    ("fw_dispatches_done", "完成服务需求", "项", "项", dispatches_done, _done_link,
     "期间内派给科技特派员并已完成的服务需求数（按完成日期）", {}),
    ("fw_letters_signed", "签订特派员责任状", "份", "份", letters_signed, _letters_link,
     "期间内签订的科技特派员年度责任状数（按签订日期）", {"dashboard": False}),
]

for order, (code, name, unit, measure, fn, url, description, extra) in enumerate(INDICATORS):
    register(Indicator(
        code=code, name=name, unit=unit, measure=measure, area=AREA, by_district=fn, records_url=url,
        order=10 + order, description=description, timing=extra.get("timing", Timing.FLOW),
        targetable=extra.get("targetable", True), dashboard=extra.get("dashboard", True),
    ))

register(Indicator(
    code="fw_coverage", name="特派员村级覆盖率", unit="%", area=AREA, kind=Kind.RATIO, timing=Timing.STOCK,
    numerator="fw_villages_covered", denominator="fw_villages", scale=Decimal(100), decimals=1,
    records_url=_coverage_link, order=10 + len(INDICATORS),
    description="有科技特派员或专家服务团结对服务的村（社区）占全部村（社区）的比例；100%即实现全覆盖",
))
