"""A city's summary compares its districts: a table of the key indicators, one row per district and a
全市 row, and a sentence naming the districts ahead and behind.

Every number is a ``Figure`` from the indicator engine (the ``Context``'s engine, which already computes
all districts of the city), with the district's region code, so the preview links each cell to its rows
and tests can compare it with the engine.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from keguan.indicators import registry as indicators
from keguan.indicators.present import ScoreView, fmt_value, score_view
from keguan.indicators.selectors import Score, scores
from keguan.regions.models import Region
from keguan.rules.periods import Period, percent

from .draft import Figure, Paragraph, Run, Table

if TYPE_CHECKING:
    from .builder import Context

# The key indicators, as the column headers call them (a column only where some district has data).
KEY_COLUMNS = [
    ("ent_total", "在库企业"),
    ("ent_hnte_valid", "有效高企"),
    ("pl_sme_registered", "科技型中小企业评价入库"),
    ("pl_hnte_applied", "高企申报"),
    ("pl_hnte_recognised", "高企认定"),
    ("rd_reported_firms", "研发经费填报企业"),
]
# Short names for target-completion columns ("新认定高企目标完成率").
SHORT = {
    "ent_new_hnte": "新认定高企",
    "ent_new_tech_sme": "新增科小",
    "ent_new_pool": "新入库培育企业",
    "ent_hnte_valid": "有效高企",
    "ent_tech_sme": "科小",
    "pl_sme_registered": "科小评价入库",
    "pl_hnte_applied": "高企申报",
    "pl_hnte_recognised": "高企认定",
    "pl_pool_members": "培育库企业",
    "rd_reported": "研发经费填报额",
    "rd_intensity": "研发投入强度",
}
MAX_COLUMNS = 8  # district name + 7: what fits the 156 mm type area at 小四
SCOPE = "各县（市、区）"


FISCAL = {"rd_intensity"}  # indicators of the R&D round besides the rd area's own (the intensity is computed from it)


def _period(ctx: Context, code: str) -> Period:
    """The R&D round of year Y is stated in Y+1's summaries (as the text does): its columns are of that year."""
    return ctx.fiscal_year if indicators.get(code).area == "rd" or code in FISCAL else ctx.period


def _scores(ctx: Context, region: Region, codes: list[str]) -> list[Score]:
    by_period: dict[str, tuple[Period, list[str]]] = {}
    for code in codes:
        p = _period(ctx, code)
        by_period.setdefault(p.key, (p, []))[1].append(code)
    found: list[Score] = []
    for p, group in by_period.values():
        found += scores(region, p, [indicators.get(c) for c in group], engine=ctx.engine)
    return found


def _views(ctx: Context, region: Region, codes: list[str]) -> dict[str, ScoreView]:
    return {s.indicator.code: score_view(s) for s in _scores(ctx, region, codes)}


def _figure(ctx: Context, view: ScoreView, kind: str, text: str, value: Decimal | int | None) -> Figure:
    ind = view.score.indicator
    return Figure(
        text=text,
        indicator=ind.code,
        region=view.score.region.code,
        period=view.score.period.key,
        value="" if value is None else str(value),
        kind=kind,
        source=f"{ind.name}：{ind.description or ind.kind_label}",
        url=view.url,
    )


def _value_cell(ctx: Context, view: ScoreView) -> Run:
    score = view.score
    if score.actual is None:
        return Run("—")
    text = fmt_value(score.indicator, score.actual) + ("%" if score.indicator.unit == "%" else "")
    return Run(text, _figure(ctx, view, "value", text, score.actual))


def _completion_cell(ctx: Context, view: ScoreView) -> Run:
    completion = view.score.completion
    if completion is None:
        return Run("—")
    text = percent(completion)
    return Run(text, _figure(ctx, view, "completion", text, completion))


def _year_words(ctx: Context, code: str) -> str:
    p = _period(ctx, code)
    return f"{p.year}年度" if p.key != ctx.period.key else ""


def _header(ctx: Context, code: str) -> str:
    ind = indicators.get(code)
    label = _year_words(ctx, code) + dict(KEY_COLUMNS).get(code, ind.name)
    unit = ind.measure or ind.unit
    return f"{label}（{unit}）" if unit else label


def _columns(ctx: Context, districts: list[Region]) -> tuple[list[str], list[str]]:
    """(value columns, completion columns): key indicators some district has a non-zero value for, then
    targetable indicators some district has a target for, at most MAX_COLUMNS - 1 in all."""
    values = [
        code
        for code, _ in KEY_COLUMNS
        if any(v not in (None, 0) for v in ctx.engine.by_district(indicators.get(code), _period(ctx, code)).values())
    ]
    ids = {d.pk for d in districts}
    completions = [
        ind.code
        for ind in indicators.all_indicators()
        if ind.targetable
        and any(code == ind.code and pk in ids for code, pk in ctx.engine.targets(_period(ctx, ind.code).year))
    ]
    room = MAX_COLUMNS - 1
    completions = completions[: max(room - len(values), min(2, len(completions)))]
    return values[: room - len(completions)], completions


def district_table(ctx: Context) -> Table | None:
    """The city's districts × key indicators (values, then target completion where targets exist), one
    row per district in code order and a 全市 row; None for a region that is not a city with districts
    or when no indicator has data."""
    city = ctx.region
    districts = [d for d in ctx.engine.districts if d.is_within(city) and d.pk != city.pk]
    if not districts:
        return None
    values, completions = _columns(ctx, districts)
    if not values and not completions:
        return None
    codes = list(dict.fromkeys(values + completions))
    headers = ["县（市、区）", *(_header(ctx, c) for c in values)]
    headers += [f"{_year_words(ctx, c)}{SHORT.get(c, indicators.get(c).name)}目标完成率" for c in completions]
    table = Table(
        title=f"{ctx.period.label}{SCOPE}科技创新主要指标情况",
        headers=headers,
        note="注：“—”表示无数据或未下达目标；完成率按年度目标计算。" if completions else "注：“—”表示无数据。",
    )
    for region in [*districts, city]:
        views = _views(ctx, region, codes)
        name = "全市" if region.pk == city.pk else region.name
        row = [Run(name)] + [_value_cell(ctx, views[c]) for c in values]
        row += [_completion_cell(ctx, views[c]) for c in completions]
        table.rows.append(row)
    return table


def _mean(numbers: list[Decimal]) -> Decimal | None:
    return sum(numbers, Decimal(0)) / len(numbers) if numbers else None


def _rank_districts(ctx: Context, measure) -> list[tuple[Region, Decimal]]:
    city = ctx.region
    codes = [ind.code for ind in indicators.all_indicators()]
    out = []
    for d in ctx.engine.districts:
        if d.pk == city.pk or not d.is_within(city):
            continue
        found = _scores(ctx, d, codes)
        value = _mean([v for v in (measure(s) for s in found) if v is not None])
        if value is not None:
            out.append((d, value))
    out.sort(key=lambda pair: (-pair[1], pair[0].code))
    return out


def leaders_laggards(ctx: Context) -> Paragraph | None:
    """"从各县（市、区）完成情况看，A、B完成市定目标进度领先，C、D相对滞后。": districts by their mean
    target completion over the indicators with a target; without targets, by the mean 同比 growth of the
    key indicators. Two ahead and two behind (one each with fewer than four districts); None with fewer
    than two districts to compare or when the first and last are level."""
    ranked = _rank_districts(ctx, lambda s: s.completion if s.indicator.targetable else None)
    words = ("完成情况", "完成市定目标进度领先")
    if len(ranked) < 2:
        keys = {code for code, _ in KEY_COLUMNS}
        ranked = _rank_districts(ctx, lambda s: s.growth if s.indicator.code in keys else None)
        words = ("增长情况", "主要指标同比增长较快")
    if len(ranked) < 2 or ranked[0][1] == ranked[-1][1]:
        return None
    n = 2 if len(ranked) >= 4 else 1
    ahead = [d.name for d, v in ranked[:n] if v > ranked[-1][1]]
    behind = [d.name for d, v in ranked[-n:] if v < ranked[0][1]]
    return Paragraph().add(f"从{SCOPE}{words[0]}看，{'、'.join(ahead)}{words[1]}，{'、'.join(behind)}相对滞后。")


__all__ = ["district_table", "leaders_laggards"]
