"""Builds the work summary (a ``Draft``) from the records: every figure through the indicator engine,
so it equals the aggregate it names and is written once, with one value."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from keguan.accounts.models import Organisation, OrganisationKind
from keguan.indicators import registry as indicators
from keguan.indicators.present import ScoreView, fmt_value, score_view
from keguan.indicators.selectors import Engine, city_of, districts_of, scores
from keguan.regions.models import Region, RegionLevel
from keguan.rules.periods import Period, cn_number, percent, rank_text

from .draft import Chapter, Draft, Figure, Paragraph, Part
from .models import IssueItem, PlanItem, PlanStatus
from .registry import area_choices, build_part, parts
from .structure import layout_for

CN_PART = "（{}）"


def bureau_name(region: Region) -> str:
    org = Organisation.objects.filter(kind=OrganisationKind.BUREAU, region=region).first()
    return org.name if org else f"{region.name}科学技术局"


def title_for(region: Region, period: Period) -> str:
    name = bureau_name(region)
    if period.kind == "Y" or period.last_month == 12 and period.first_month == 1:
        return f"{name}{period.year}年工作总结和{period.year + 1}年工作计划"
    if period.kind in ("H", "YTD") and period.last_month == 6:
        return f"{name}{period.year}年上半年工作总结和下半年工作计划"
    return f"{name}{period.label}工作总结"


def next_period_words(period: Period) -> str:
    if period.last_month == 12:
        return f"{period.year + 1}年"
    if period.last_month == 6:
        return "下半年"
    return "下一阶段"


@dataclass
class Context:
    """What an area's part builder gets: the region, the period and figure helpers."""

    region: Region
    period: Period
    engine: Engine
    scope_word: str  # 全区 / 全县 / 全市
    _scores: dict[str, ScoreView] = field(default_factory=dict)

    def score(self, code: str) -> ScoreView:
        if code not in self._scores:
            (s,) = scores(self.region, self.period, [indicators.get(code)], engine=self.engine)
            self._scores[code] = score_view(s)
        return self._scores[code]

    def value(self, code: str) -> Decimal | None:
        return self.score(code).actual

    def _fig(self, code: str, kind: str, text: str, value) -> Figure:
        ind = indicators.get(code)
        sv = self.score(code)
        return Figure(
            text=text,
            indicator=code,
            region=self.region.code,
            period=self.period.key,
            value="" if value is None else str(value),
            kind=kind,
            source=f"{ind.name}：{ind.description or ind.kind_label}",
            url=sv.url,
        )

    def fig(self, code: str) -> Figure:
        """The value with its unit or measure word: 9家, 8621.50万元, 2.35%."""
        ind = indicators.get(code)
        v = self.value(code)
        unit = ind.measure or ind.unit
        return self._fig(code, "value", f"{fmt_value(ind, v)}{unit}", v)

    def target_fig(self, code: str) -> Figure | None:
        sv = self.score(code)
        if sv.completion is None:
            return None
        return self._fig(code, "completion", f"完成市定目标的{percent(sv.completion)}", sv.completion)

    def rank_fig(self, code: str) -> Figure | None:
        sv = self.score(code)
        if sv.rank is None:
            return None
        return self._fig(code, "rank", rank_text(sv.rank).replace("第", "排名第", 1), sv.rank)

    def growth_fig(self, code: str) -> Figure | None:
        sv = self.score(code)
        g = sv.growth
        if g is None:
            return None
        if g == 0:
            words = "与上年同期持平"
        else:
            words = f"同比增长{percent(g)}" if g > 0 else f"同比下降{percent(-g)}"
        return self._fig(code, "growth", words, g)

    def tail(self, p: Paragraph, code: str) -> Paragraph:
        """Append "，完成市定目标的X%，全市排名第N" where those exist."""
        for f in (self.target_fig(code), self.rank_fig(code)):
            if f is not None:
                p.add("，").fig(f)
        return p


def _scope_word(region: Region) -> str:
    if region.level == RegionLevel.CITY:
        return "全市"
    return "全县" if region.name.endswith("县") else ("全市" if region.name.endswith("市") else "全区")


def _problems(ctx: Context) -> list[Paragraph]:
    """Indicators behind their target, or behind time progress, then the items staff added."""
    out = []
    for ind in indicators.all_indicators():
        if not ind.targetable:
            continue
        sv = ctx.score(ind.code)
        if sv.completion is None or sv.ahead:
            continue
        p = Paragraph(area=ind.area).add(f"{ind.name}进度滞后。{ctx.period.label}{ind.name}").fig(ctx.fig(ind.code))
        p.add("，").fig(ctx.target_fig(ind.code))
        p.add(f"，低于{percent(ctx.period.time_progress)}的序时进度")
        r = ctx.rank_fig(ind.code)
        if r is not None:
            p.add("，").fig(r)
        out.append(p.add("。"))
    for item in IssueItem.objects.filter(region=ctx.region, period=ctx.period.key).order_by("id"):
        text = item.text.strip()
        out.append(Paragraph(area=item.area).add(text if text[-1:] in "。；！？" else text + "。"))
    for i, p in enumerate(out, start=1):
        p.runs.insert(0, type(p.runs[0])(f"{i}."))
    return out


def _plans(ctx: Context) -> list[Part]:
    items = PlanItem.objects.filter(region=ctx.region, status__in=[PlanStatus.PLANNED, PlanStatus.DOING])
    items = items.filter(due__isnull=True) | items.filter(due__gt=ctx.period.end)
    labels = dict(area_choices())
    grouped: dict[str, list[PlanItem]] = {}
    for item in items.order_by("due", "id"):
        grouped.setdefault(item.area, []).append(item)
    out = []
    for area, _label in area_choices():
        if area not in grouped:
            continue
        part = Part(title=labels.get(area, area), area=area)
        for item in grouped[area]:
            text = item.text.strip().rstrip("。")
            due = f"（完成时限：{item.due:%Y年%-m月}）" if item.due else ""
            part.paragraphs.append(Paragraph(area=area).add(f"{text}{due}。"))
        out.append(part)
    return out


def build_draft(region: Region, period: Period, *, engine: Engine | None = None, today=None) -> Draft:
    city = city_of(region) or region
    engine = engine or Engine(districts_of(city))
    ctx = Context(region=region, period=period, engine=engine, scope_word=_scope_word(region))
    name = bureau_name(region)
    draft = Draft(
        title=title_for(region, period),
        region=region.code,
        region_name=region.name,
        period=period.key,
        period_label=period.label,
        author=name,
        date=f"{(today or timezone.localdate()):%Y年%-m月%-d日}",
    )
    draft.opening = Paragraph().add(
        f"{period.label}，{name}在{region.name}党委、政府的正确领导和上级科技部门的精心指导下，"
        f"坚持创新驱动发展战略，扎实推进各项科技工作。现将{period.label}工作总结及{next_period_words(period)}"
        "工作计划汇报如下："
    )
    summary = Chapter(title=f"一、{period.label}工作总结")
    registered = {rp.area: rp for rp in parts()}
    for lp in layout_for(region):  # the bureau's 总结结构: its order and headings, hidden parts left out
        paragraphs = build_part(registered[lp.area], ctx) if lp.shown else []
        if paragraphs:
            summary.parts.append(Part(title=lp.title, paragraphs=paragraphs, area=lp.area))
    if not summary.parts:
        summary.paragraphs.append(Paragraph().add(f"{period.label}暂无可统计的业务记录。"))
    for i, part in enumerate(summary.parts, start=1):
        part.title = f"{CN_PART.format(cn_number(i))}{part.title}"
    draft.chapters.append(summary)
    problems = Chapter(title="二、存在的问题", paragraphs=_problems(ctx))
    if not problems.paragraphs:
        problems.paragraphs.append(Paragraph().add("各项指标均达到序时进度，暂无需要专门说明的问题。"))
    draft.chapters.append(problems)
    plans = Chapter(title=f"三、{next_period_words(period)}工作计划", parts=_plans(ctx))
    for i, part in enumerate(plans.parts, start=1):
        part.title = f"{CN_PART.format(cn_number(i))}{part.title}"
    if not plans.parts:
        plans.paragraphs.append(Paragraph().add("（尚未录入工作计划，请在“工作计划”中录入后重新生成。）"))
    draft.chapters.append(plans)
    return draft
