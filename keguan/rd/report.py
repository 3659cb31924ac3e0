"""The R&D reporting area's part of the work summary (研发投入), in the bureaus' phrasing:
"规上企业完成研发经费填报X万元，完成市定目标任务数的Y%"."""

from __future__ import annotations

from keguan.reports.draft import Figure, Paragraph
from keguan.reports.registry import ReportPart, register_part
from keguan.rules.periods import percent

from .indicators import AREA
from .selectors import TARGET_INDICATOR


def completion_fig(ctx, code: str = "rd_reported") -> Figure | None:
    """The reported total against the district's R&D target (市定目标, 万元); a city's target is the sum of
    its districts' when every one has one."""
    value = ctx.value(code)
    target = ctx.score(TARGET_INDICATOR).target
    if value is None or not target:
        return None
    c = value / target
    return Figure(
        text=f"完成市定目标任务数的{percent(c)}", indicator=code, region=ctx.region.code, period=ctx.period.key,
        value=str(c), kind="completion", source="研发经费填报额 ÷ 市定研发经费目标", url=ctx.score(code).url,
    )


def build(ctx) -> list[Paragraph]:
    if not ctx.value("rd_round_firms"):
        return []
    p = Paragraph(area=AREA).add(
        f"研发经费填报有序推进。{ctx.period.year}年度研发经费填报中，{ctx.scope_word}应填报规上企业"
    ).fig(ctx.fig("rd_round_firms"))
    p.add("，已完成填报").fig(ctx.fig("rd_reported_firms"))
    if ctx.value("rd_report_rate") is not None:
        p.add("，填报率").fig(ctx.fig("rd_report_rate"))
    p.add("；规上企业完成研发经费填报").fig(ctx.fig("rd_reported"))
    for f in (completion_fig(ctx), ctx.rank_fig("rd_reported")):
        if f is not None:
            p.add("，").fig(f)
    return [p.add("。")]


register_part(ReportPart(area=AREA, title="研发投入", order=30, build=build))
