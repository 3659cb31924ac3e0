"""Builds the work summary (a ``Draft``) from the records: every figure through the indicator engine,
so it equals the aggregate it names and is written once, with one value.

The rules the text keeps (each has a test):
- One definition per figure: a ``concept`` (新认定高企, 科小入库 …) is stated by one indicator in a summary,
  and an indicator with one text.
- No data, no sentence: a figure with no records behind it (no value, or 0) is left out, not written as 0.
- The lead phrase follows the data (growth, decline, target status): ``Context.trend``.
- Order within a sentence as the bureaus write it: figure, 同比, target completion, rank; a rank at most once
  per paragraph.
- Region wording from the region's kind (``wording.py``); no 序时进度 in a whole-year summary.
- 二、存在的问题 from targets (only where a target exists), from what the areas find in the records, and from
  staff; 三、工作计划 from the plan register (items due in the next period) and from what the records imply.
  A chapter with nothing to say is left out, and the preview page says why (``Draft.notes``): nothing that
  instructs the user reaches the document.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from keguan.accounts.models import Organisation, OrganisationKind
from keguan.indicators import registry as indicators
from keguan.indicators.present import ScoreView, fmt_value, score_view
from keguan.indicators.selectors import Engine, city_of, districts_of, scores
from keguan.regions.models import Region, RegionLevel
from keguan.rules.periods import Period, cn_number, percent

from . import city as city_parts
from .draft import Chapter, Draft, Figure, Paragraph, Part, Run
from .models import IssueItem, PlanItem, PlanStatus, WorkNote
from .phrasing import about, numbered_items
from .registry import Narrative, area_choices, build_part, narratives, parts, register_narratives
from .structure import layout_for
from .wording import Wording, wording_for

CN_PART = "（{}）"
CN_CHAPTER = "{}、"
GENERAL = "general"  # notes of no area's part: a part of their own at the end
GENERAL_HEADING = "统筹推进综合工作，持续优化创新生态"


def bureau_name(region: Region) -> str:
    org = Organisation.objects.filter(kind=OrganisationKind.BUREAU, region=region).first()
    return org.name if org else f"{region.name}科学技术局"


def is_whole_year(period: Period) -> bool:
    return period.first_month == 1 and period.last_month == 12


def title_for(region: Region, period: Period) -> str:
    name = bureau_name(region)
    if period.kind == "Y" or is_whole_year(period):
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


def next_period_end(period: Period):
    """The last day the next period's plans may be due: the next year's end after a year, the year's end
    after a half-year or a shorter period."""
    return dt.date(period.year + 1, 12, 31) if period.last_month == 12 else dt.date(period.year, 12, 31)


@dataclass
class Item:
    """A problem or a plan an area found in the records, for chapters two and three."""

    area: str
    paragraph: Paragraph
    unless: str = ""  # a plan left out when a plan staff entered already names this (their words win)


@dataclass
class Context:
    """What an area's part builder gets: the region, the period, its wording and figure helpers, and where
    to leave the problems and plans its records imply."""

    region: Region
    period: Period
    engine: Engine
    words: Wording
    _scores: dict[tuple[str, str], ScoreView] = field(default_factory=dict)
    concepts: dict[str, str] = field(default_factory=dict)  # concept → the indicator that states it
    said: set[str] = field(default_factory=set)  # indicators whose value the text has stated
    problems: list[Item] = field(default_factory=list)
    plans: list[Item] = field(default_factory=list)

    @property
    def scope_word(self) -> str:  # 全区 / 全县 / 全市
        return self.words.own

    @property
    def whole_year(self) -> bool:
        return is_whole_year(self.period)

    @property
    def fiscal_year(self) -> Period:
        """The year whose statistics (R&D reporting …) are done in this period's year: the one before."""
        return Period.parse(str(self.period.year - 1))

    def score(self, code: str, period: Period | None = None) -> ScoreView:
        period = period or self.period
        key = (code, period.key)
        if key not in self._scores:
            (s,) = scores(self.region, period, [indicators.get(code)], engine=self.engine)
            self._scores[key] = score_view(s)
        return self._scores[key]

    def value(self, code: str, period: Period | None = None) -> Decimal | None:
        return self.score(code, period).actual

    def has(self, code: str, period: Period | None = None) -> bool:
        """Records behind the figure: a value, and not zero."""
        return bool(self.value(code, period))

    def has_target(self, code: str, period: Period | None = None) -> bool:
        return self.score(code, period).completion is not None

    def pick(self, *codes: str, period: Period | None = None) -> str | None:
        """Of indicators counting the same thing from different records, the one to state: of those with
        records behind them, the first with a target set, else the first; None when none has records."""
        for code in codes:
            if self.has_target(code, period) and self.has(code, period) and self.free(code):
                return code
        for code in codes:
            if self.has(code, period) and self.free(code):
                return code
        return None

    def free(self, code: str) -> bool:
        """Whether ``code`` may be stated: no other indicator of its concept was."""
        concept = indicators.get(code).concept
        return not concept or self.concepts.get(concept, code) == code

    def trend(self, code: str, period: Period | None = None) -> str:
        """'up', 'down' or 'flat' against the same period last year; 'behind' when a target is set and not
        met on time (that outweighs growth); '' when there is nothing to compare."""
        sv = self.score(code, period)
        if sv.completion is not None and not sv.ahead:
            return "behind"
        g = sv.growth
        if g is None:
            return ""
        return "up" if g > 0 else ("down" if g < 0 else "flat")

    def _fig(self, code: str, kind: str, text: str, value, period: Period) -> Figure:
        ind = indicators.get(code)
        sv = self.score(code, period)
        if kind == "value" and ind.concept:
            stated = self.concepts.setdefault(ind.concept, code)
            if stated != code:
                raise ValueError(f"{code} states {ind.concept!r}, already stated by {stated}")
        if kind == "value":
            self.said.add(code)
        return Figure(
            text=text,
            indicator=code,
            region=self.region.code,
            period=period.key,
            value="" if value is None else str(value),
            kind=kind,
            source=f"{ind.name}：{ind.description or ind.kind_label}",
            url=sv.url,
        )

    def fig(self, code: str, period: Period | None = None) -> Figure:
        """The value with its unit or measure word: 9家, 8621.50万元, 2.4%. Percentages with one decimal."""
        period = period or self.period
        ind = indicators.get(code)
        v = self.value(code, period)
        if ind.unit == "%":
            text = "—" if v is None else percent(v / 100)
        else:
            text = f"{fmt_value(ind, v)}{ind.measure or ind.unit}"
        return self._fig(code, "value", text, v, period)

    def about_fig(self, code: str, period: Period | None = None, *, one: bool = True) -> Figure:
        """A large count written as the seeds write it (``phrasing.about``): 一万余本, 万余人 (``one=False``), exact
        below 10,000. The figure keeps its exact value, so the preview still traces it to its rows."""
        period = period or self.period
        ind = indicators.get(code)
        v = self.value(code, period)
        text = about(int(v or 0), ind.measure or ind.unit, one=one)
        return self._fig(code, "value", text, v, period)

    def target_fig(self, code: str, period: Period | None = None) -> Figure | None:
        period = period or self.period
        sv = self.score(code, period)
        if sv.completion is None:
            return None
        return self._fig(code, "completion", f"完成市定目标的{percent(sv.completion)}", sv.completion, period)

    def rank_fig(self, code: str, period: Period | None = None) -> Figure | None:
        period = period or self.period
        sv = self.score(code, period)
        if sv.rank is None:
            return None
        return self._fig(code, "rank", self.words.rank(sv.rank), sv.rank, period)

    def growth_fig(self, code: str, period: Period | None = None) -> Figure | None:
        period = period or self.period
        g = self.score(code, period).growth
        if g is None:
            return None
        if g == 0:
            words = "与上年同期持平"
        else:
            words = f"同比增长{percent(g)}" if g > 0 else f"同比下降{percent(-g)}"
        return self._fig(code, "growth", words, g, period)

    def stated(self, p: Paragraph, code: str, period: Period | None = None, *, growth: bool = True,
               rank: bool = True) -> Paragraph:
        """The figure, then "，同比增长X%，完成市定目标的Y%，全市排名第N" where those exist, in that order; the
        rank only if the paragraph has none yet."""
        p.fig(self.fig(code, period))
        return self.tail(p, code, period, growth=growth, rank=rank)

    def tail(self, p: Paragraph, code: str, period: Period | None = None, *, growth: bool = True,
             rank: bool = True) -> Paragraph:
        extras = [self.growth_fig(code, period) if growth else None, self.target_fig(code, period)]
        if rank and not any(f.kind == "rank" for f in p.figures):
            extras.append(self.rank_fig(code, period))
        for f in extras:
            if f is not None:
                p.add("，").fig(f)
        return p

    def problem(self, area: str, paragraph: Paragraph) -> None:
        self.problems.append(Item(area, paragraph))

    def plan(self, area: str, paragraph: Paragraph, *, unless: str = "") -> None:
        self.plans.append(Item(area, paragraph, unless))


def wording(region: Region, engine: Engine) -> Wording:
    if region.level == RegionLevel.CITY:
        return wording_for(region.name, is_city=True)
    city = city_of(region)
    return wording_for(region.name, is_city=False, parent=city.name if city else "", peers=len(engine.districts))


def work_notes(ctx: Context) -> list[Narrative]:
    """The bureau's 工作纪实 of the period."""
    from django.urls import reverse

    rows = WorkNote.objects.filter(region=ctx.region, happened_on__gte=ctx.period.start, happened_on__lte=ctx.period.end)
    url = reverse("reports:notes") + f"?period={ctx.period.key}"
    return [Narrative(area=n.area or GENERAL, on=n.happened_on, lead=n.lead, text=n.text, url=url) for n in rows]


register_narratives("reports.work_notes", work_notes)


def narrative_items(items: list[Narrative], area: str) -> list[Paragraph]:
    """A part's narrative items: one per lead phrase, its records in date order —
    "积极组织企业参加科技创新培训。3月11日，组织……；9月1日，……"."""
    by_lead: dict[str, list[Narrative]] = {}
    for n in items:
        by_lead.setdefault(n.lead.strip().rstrip("。；，") or "扎实推进相关工作", []).append(n)
    out = []
    for lead_words, group in by_lead.items():
        clauses = [f"{n.on.month}月{n.on.day}日，{n.text.strip().rstrip('。；，')}" for n in group]
        out.append(Paragraph(area=area).add(f"{lead_words}。{'；'.join(clauses)}。"))
    return out


def _target_problems(ctx: Context) -> list[Item]:
    """Indicators with a target set that are behind it: behind the 序时进度 within the year, short of the
    target in a whole-year summary. An indicator whose concept the text stated by another one is left out."""
    out = []
    for ind in indicators.all_indicators():
        if not ind.targetable or not ctx.free(ind.code):
            continue
        period = ctx.fiscal_year if ind.area == "rd" else ctx.period
        sv = ctx.score(ind.code, period)
        if sv.completion is None or sv.ahead:
            continue
        whole = is_whole_year(period)
        label = f"{period.year}年" if whole else period.label
        p = Paragraph(area=ind.area)
        p.add(f"{ind.name}{'未完成年度目标' if whole else '进度滞后'}。{label}{ind.name}").fig(ctx.fig(ind.code, period))
        p.add("，").fig(ctx.target_fig(ind.code, period))
        if not whole:
            p.add(f"，低于{percent(period.time_progress)}的序时进度")
        out.append(Item(ind.area, p.add("。")))
    return out


def _problems(ctx: Context) -> list[Paragraph]:
    """Targets behind, then what the areas found in the records, then the items staff added."""
    items = _target_problems(ctx) + ctx.problems
    for entry in IssueItem.objects.filter(region=ctx.region, period=ctx.period.key).order_by("id"):
        text = entry.text.strip()
        if text:
            items.append(Item(entry.area, Paragraph(area=entry.area).add(text if text[-1:] in "。；！？" else text + "。")))
    out = [item.paragraph for item in items]
    for i, p in enumerate(out, start=1):
        p.runs.insert(0, Run(f"{i}."))
    return out


def _plans(ctx: Context, titles: dict[str, str]) -> list[Part]:
    """The plan register's open items due in the next period (or undated), then what the records imply, by
    part in the parts' order."""
    grouped: dict[str, list[Paragraph]] = {}
    entered: list[str] = []
    items = PlanItem.objects.filter(region=ctx.region, status__in=[PlanStatus.PLANNED, PlanStatus.DOING])
    items = items.filter(due__isnull=True) | items.filter(due__gt=ctx.period.end, due__lte=next_period_end(ctx.period))
    for item in items.order_by("due", "id"):
        text = item.text.strip().rstrip("。")
        if not text:
            continue
        due = f"（完成时限：{item.due:%Y年%-m月}）" if item.due else ""
        grouped.setdefault(item.area, []).append(Paragraph(area=item.area).add(f"{text}{due}。"))
        entered.append(text)
    for entry in ctx.plans:
        if not (entry.unless and any(entry.unless in text for text in entered)):
            grouped.setdefault(entry.area, []).append(entry.paragraph)
    out = []
    for area, label in area_choices():
        if area in grouped:
            out.append(Part(title=titles.get(area, label), paragraphs=numbered_items(grouped[area]), area=area))
    return out


def build_draft(region: Region, period: Period, *, engine: Engine | None = None, today=None) -> Draft:
    city = city_of(region) or region
    engine = engine or Engine(districts_of(city))
    ctx = Context(region=region, period=period, engine=engine, words=wording(region, engine))
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
        f"{period.label}，{name}在{ctx.words.leadership}的正确领导和上级科技部门的精心指导下，"
        f"坚持创新驱动发展战略，扎实推进各项科技工作。现将{period.label}工作总结及{next_period_words(period)}"
        "工作计划汇报如下："
    )
    chapters: list[Chapter] = []
    summary = Chapter(title=f"{period.label}工作总结")
    registered = {rp.area: rp for rp in parts()}
    titles = {rp.area: rp.title for rp in registered.values()}  # the plans' part titles: the areas' names
    notes: dict[str, list[Narrative]] = {}
    for n in narratives(ctx):
        notes.setdefault(n.area if n.area in registered else GENERAL, []).append(n)
    for lp in layout_for(region):  # the bureau's 总结结构: its order and headings, hidden parts left out
        if not lp.shown:
            continue
        paragraphs = build_part(registered[lp.area], ctx) + narrative_items(notes.get(lp.area, []), lp.area)
        if paragraphs:
            summary.parts.append(Part(title=lp.title, paragraphs=numbered_items(paragraphs), area=lp.area))
    if notes.get(GENERAL):
        summary.parts.append(Part(title=GENERAL_HEADING, paragraphs=numbered_items(
            narrative_items(notes[GENERAL], GENERAL)), area=GENERAL))
    if not summary.parts:
        draft.notes.append(f"{period.label}没有可写入总结的业务记录：请先录入或导入企业、资质、研发经费填报等记录。")
    if region.level == RegionLevel.CITY:  # the districts compared: who leads and lags, and a table
        districts = Part(title="各县（市、区）工作情况", area="districts")
        districts.paragraphs += [p for p in [city_parts.leaders_laggards(ctx)] if p]
        districts.tables += [t for t in [city_parts.district_table(ctx)] if t]
        if districts.paragraphs or districts.tables:
            summary.parts.append(districts)
    chapters.append(summary)
    problems = _problems(ctx)
    if problems:
        chapters.append(Chapter(title="存在的问题", paragraphs=problems))
    else:
        draft.notes.append("“存在的问题”一章没有内容：各项有目标的指标均按进度完成，记录中也未发现问题。"
                           "如有需要说明的问题，请在“存在的问题”中录入后重新生成。")
    plans = _plans(ctx, titles)
    if plans:
        chapters.append(Chapter(title=f"{next_period_words(period)}工作计划", parts=plans))
    else:
        draft.notes.append(f"“{next_period_words(period)}工作计划”一章没有内容：请在“工作计划”中录入计划后重新生成。")
    for n, chapter in enumerate(chapters, start=1):
        chapter.title = CN_CHAPTER.format(cn_number(n)) + chapter.title
        for i, part in enumerate(chapter.parts, start=1):
            part.title = f"{CN_PART.format(cn_number(i))}{part.title}"
    draft.chapters = chapters
    return draft
