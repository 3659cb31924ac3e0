"""创新平台与人才's indicators, counted per the record's district and each linking to its rows: platforms in being
at the period's end (all, 省级及以上, 省级及以上工程技术研究中心), new platforms (by approval year), talent and teams
selected in the period's year, foreign experts in service at the period's end, agreements signed and their
amount, and recognitions (all titles, and each title) applied for, at 公示 and granted within the period."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, Sum

from keguan.enterprises.models import LabelKind
from keguan.indicators.registry import Indicator, Timing, list_url, memoised, register
from keguan.rules import recognition_flow as flow
from keguan.rules.periods import Period

from .models import Agreement, ForeignExpert, Platform, Recognition, Talent
from .selectors import LEVELS_UP, PROVINCE_UP, active_q, in_service_q
from .services import TITLE_CHOICES

AREA = "resources"
WAN = Decimal(10000)


def _count(qs, key: tuple, memo, field: str = "district_id"):
    return memoised(memo, key, lambda: dict(qs.values_list(field).annotate(n=Count("*")).order_by()))


def platforms(extra: Q | None = None, name: str = "all"):
    def by_district(ids, period: Period, memo=None):
        qs = Platform.objects.filter(district_id__in=ids).filter(active_q(period.year))
        if extra is not None:
            qs = qs.filter(extra)
        return _count(qs, ("res_platforms", name, tuple(ids), period.year), memo)
    return by_district


def platforms_new(ids, period: Period, memo=None):
    qs = Platform.objects.filter(district_id__in=ids, approved_year=period.year)
    return _count(qs, ("res_platforms_new", tuple(ids), period.year), memo)


def talent(team: bool):
    def by_district(ids, period: Period, memo=None):
        qs = Talent.objects.filter(district_id__in=ids, year=period.year, is_team=team)
        return _count(qs, ("res_talent", team, tuple(ids), period.year), memo)
    return by_district


def experts(ids, period: Period, memo=None):
    qs = ForeignExpert.objects.filter(district_id__in=ids).filter(in_service_q(period.end))
    return _count(qs, ("res_experts", tuple(ids), period.end), memo)


def _signed(ids, period):
    return Agreement.objects.filter(district_id__in=ids, signed_on__gte=period.start, signed_on__lte=period.end)


def agreements(ids, period: Period, memo=None):
    return _count(_signed(ids, period), ("res_agreements", tuple(ids), period.start, period.end), memo)


def agreement_amount(ids, period: Period, memo=None):
    return memoised(memo, ("res_agreement_amount", tuple(ids), period.start, period.end), lambda: {
        d: (v or Decimal(0)) / WAN for d, v in
        _signed(ids, period).values_list("district_id").annotate(s=Sum("amount")).order_by()})


STEP_FIELD = {"applied": "applied_on", "publicised": "publicised_on", "granted": "decided_on"}


def recognitions(step: str, title: str = ""):
    """Firms whose application reached ``step`` within the period (each firm once per title and district)."""
    field = STEP_FIELD[step]

    def by_district(ids, period: Period, memo=None):
        def compute():
            qs = Recognition.objects.filter(district_id__in=ids, **{f"{field}__gte": period.start,
                                                                    f"{field}__lte": period.end})
            if step == "granted":
                qs = qs.filter(status=flow.GRANTED)
            if title:
                qs = qs.filter(title=title)
            return dict(qs.values_list("district_id").annotate(n=Count("enterprise_id", distinct=True)).order_by())
        return memoised(memo, ("res_rec", step, title, tuple(ids), period.start, period.end), compute)
    return by_district


def _platform_url(**extra):
    return lambda region, period: list_url("resources:platforms", region, active_in=period.year, **extra)


def _rec_url(step: str, title: str = ""):
    return lambda region, period: list_url("resources:recognitions", region, step=step, title=title,
                                           since=period.start.isoformat(), until=period.end.isoformat())


ERC = "erc"
ROWS = [
    ("res_platforms", "创新平台", "个", platforms(), _platform_url(), Timing.STOCK,
     "期末在运行和筹建中的各级创新平台数（认定年度不晚于期末所在年度、未在该年度前撤销）"),
    ("res_platforms_up", "省级及以上创新平台", "个", platforms(Q(level__in=LEVELS_UP), "up"),
     _platform_url(level=PROVINCE_UP), Timing.STOCK, "期末在运行和筹建中的国家级、省级创新平台数"),
    ("res_erc_up", "省级及以上工程技术研究中心", "家", platforms(Q(level__in=LEVELS_UP, kind=ERC), "erc_up"),
     _platform_url(level=PROVINCE_UP, kind=ERC), Timing.STOCK, "期末在运行的国家级、省级工程技术研究中心数"),
    ("res_platforms_new", "新增创新平台", "个", platforms_new,
     lambda region, period: list_url("resources:platforms", region, year=period.year), Timing.FLOW,
     "认定/批准年度为期间所在年度的创新平台数（按年度统计）"),
    ("res_talent", "入选人才计划人才", "名", talent(False),
     lambda region, period: list_url("resources:talent", region, team="0", year=period.year), Timing.FLOW,
     "入选年度为期间所在年度的各级人才计划个人数"),
    ("res_teams", "入选创新团队", "个", talent(True),
     lambda region, period: list_url("resources:talent", region, team="1", year=period.year), Timing.FLOW,
     "入选年度为期间所在年度的创新团队数"),
    ("res_experts", "在聘外国专家", "名", experts,
     lambda region, period: list_url("resources:experts", region, serving_on=period.end.isoformat()), Timing.STOCK,
     "期末在服务期内的外国专家数"),
    ("res_agreements", "签订产学研合作协议", "份", agreements,
     lambda region, period: list_url("resources:agreements", region, signed_since=period.start.isoformat(),
                                     signed_until=period.end.isoformat()), Timing.FLOW, "期间内签订的产学研合作协议数"),
    ("res_agreement_amount", "产学研合作协议金额", "万元", agreement_amount,
     lambda region, period: list_url("resources:agreements", region, signed_since=period.start.isoformat(),
                                     signed_until=period.end.isoformat()), Timing.FLOW,
     "期间内签订的产学研合作协议金额合计"),
    ("res_rec_applied", "申报称号企业", "家", recognitions("applied"), _rec_url("applied"), Timing.FLOW,
     "期间内申报省级科技型企业、专精特新、瞪羚企业等称号（高企除外）的企业数（按申报日期，每家企业计一次）"),
    ("res_rec_publicised", "进入公示企业", "家", recognitions("publicised"), _rec_url("publicised"), Timing.FLOW,
     "期间内进入公示的称号申报企业数（按公示日期）"),
    ("res_rec_granted", "获认定称号企业", "家", recognitions("granted"), _rec_url("granted"), Timing.FLOW,
     "期间内获认定称号的企业数（按认定日期）"),
]
for order, (code, name, unit, fn, url, timing, description) in enumerate(ROWS):
    register(Indicator(
        code=code, name=name, unit=unit, measure=unit if unit != "万元" else "", area=AREA, by_district=fn,
        records_url=url, order=10 + order, description=description, timing=timing,
        decimals=2 if unit == "万元" else 0, targetable=code not in ("res_platforms",),
    ))

STEP_NAMES = {"applied": ("申报", "申报日期"), "publicised": ("公示", "公示日期"), "granted": ("认定", "认定日期")}
for i, (title, label) in enumerate(TITLE_CHOICES):
    for j, (step, (verb, by)) in enumerate(STEP_NAMES.items()):
        register(Indicator(
            code=f"res_rec_{step}_{title}", name=f"{verb}{label}", unit="家", measure="家", area=AREA,
            by_district=recognitions(step, title), records_url=_rec_url(step, title), order=40 + i * 3 + j,
            description=f"期间内{verb}“{label}”的企业数（按{by}）", timing=Timing.FLOW,
            dashboard=title in (LabelKind.PROVINCIAL_INNOVATIVE, LabelKind.SRDI) and step != "publicised",
        ))
