"""The R&D reporting area's part of the work summary (研发投入), in the bureaus' phrasing:
"2024年度研发经费填报中，全区应填报规上企业N家，已完成填报M家，填报率R%；规上企业填报研发经费X万元，同比增长G%，
完成市定目标的Y%，全市排名第N，研发投入强度I%".

The round for fiscal year Y is done in Y+1, so a summary of Y+1 (its half-year and its whole year) states the
round of Y (``ctx.fiscal_year``). The text uses this one R&D 口径 (研发经费, statistical), with the intensity
computed from it; the firms' accounting 研发费用 stays on the dashboard."""

from __future__ import annotations

from decimal import Decimal

from keguan.reports.draft import Figure, Paragraph
from keguan.reports.phrasing import lead
from keguan.reports.registry import ReportPart, register_part

from .indicators import AREA


def _missing(ctx, year) -> Figure:
    """Firms on the round's list that have not reported: a count of rows, linked to the round."""
    firms, done = ctx.value("rd_round_firms", year), ctx.value("rd_reported_firms", year)
    n = int(firms - done)
    return Figure(text=f"{n}家", indicator="", region=ctx.region.code, period=year.key, value=str(n), kind="count",
                  source="研发经费应填报企业数 − 已填报企业数", url=ctx.score("rd_round_firms", year).url)


def build(ctx) -> list[Paragraph]:
    year = ctx.fiscal_year
    if not ctx.has("rd_round_firms", year):
        return []
    rate = ctx.value("rd_report_rate", year)
    complete = rate is not None and rate >= Decimal(100)
    trend = ctx.trend("rd_reported", year) if ctx.has("rd_reported", year) else ""
    words = lead(trend, up="研发投入持续加大", steady="研发经费填报实现应报尽报" if complete else "研发经费填报有序推进")
    p = Paragraph(area=AREA).add(f"{words}。{year.year}年度研发经费填报中，{ctx.scope_word}应填报规上企业")
    p.fig(ctx.fig("rd_round_firms", year)).add("，已完成填报").fig(ctx.fig("rd_reported_firms", year))
    if rate is not None:
        p.add("，填报率").fig(ctx.fig("rd_report_rate", year))
    if ctx.has("rd_reported", year):
        p.add("；规上企业填报研发经费")
        ctx.stated(p, "rd_reported", year)
        intensity = ctx.value("rd_intensity", year)
        if intensity is not None and intensity >= Decimal("0.05"):  # below, it would read 0.0%: left out
            p.add("，研发投入强度").fig(ctx.fig("rd_intensity", year))
    p.add("。")
    if not complete and rate is not None:
        ctx.problem(AREA, Paragraph(area=AREA).add(f"研发经费填报尚未全覆盖。{year.year}年度研发经费填报率")
                    .fig(ctx.fig("rd_report_rate", year)).add("，仍有").fig(_missing(ctx, year))
                    .add("规上企业未完成填报，企业研发投入未能应统尽统。"))
    if ctx.period.last_month == 12:
        ctx.plan(AREA, Paragraph(area=AREA).add(
            f"组织做好{ctx.period.year}年度规上企业研发经费填报，督促企业规范设置研发费用辅助账，确保应报尽报。"),
            unless="研发经费填报")
    elif not complete and rate is not None:
        ctx.plan(AREA, Paragraph(area=AREA).add("督促尚未填报的").fig(_missing(ctx, year))
                 .add(f"规上企业完成{year.year}年度研发经费填报，做到应报尽报。"), unless="研发经费填报")
    return [p]


register_part(ReportPart(area=AREA, build=build, heading="强化研发投入引导，推动研发经费填报扩面增量"))
