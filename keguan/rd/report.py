"""The R&D reporting area's part of the work summary (研发投入), in the bureaus' phrasing:
"规上企业完成研发经费填报X万元，完成市定目标的Y%，全市排名第N"."""

from __future__ import annotations

from keguan.reports.draft import Paragraph
from keguan.reports.registry import ReportPart, register_part

from .indicators import AREA


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
    ctx.tail(p, "rd_reported")  # 完成市定目标的Y%（市定研发经费目标）, 全市排名第N
    return [p.add("。")]


register_part(ReportPart(area=AREA, build=build, heading="强化研发投入引导，推动研发经费填报扩面增量"))
