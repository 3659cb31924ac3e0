"""科技活动与企业服务 in the work summary (ledger): the visits and the needs ledger, contributed to the area's part
(registered by report_events) in the seeds' voice: "深入企业走访调研N次，收集企业需求N项，已解决N项，解决率N%"
and "一企一策、持续跟进". Needs open longer than 30 days at the period's end are a problem and a plan."""

from __future__ import annotations

from keguan.reports.draft import Paragraph
from keguan.reports.registry import contribute

from .indicators_ledger import AREA


def _visits(ctx) -> Paragraph | None:
    visits, raised = ctx.has("ow_visits"), ctx.has("ow_needs_raised")
    if not (visits or raised):
        return None
    p = Paragraph(area=AREA).add("精准服务企业发展。")
    if visits:
        p.add("深入企业走访调研").fig(ctx.fig("ow_visits"))
        if ctx.has("ow_visited_firms"):
            p.add("，覆盖企业").fig(ctx.fig("ow_visited_firms"))
        p.add("，" if raised else "")
    if raised:
        p.add("收集企业需求").fig(ctx.fig("ow_needs_raised"))
        if ctx.has("ow_needs_solved"):
            p.add("，已解决").fig(ctx.fig("ow_needs_solved")).add("，解决率").fig(ctx.fig("ow_needs_solve_rate"))
        else:
            p.add("，正在逐项跟进办理")
        p.add("。对企业在人才、成果转化、平台建设、技术研发、融资等方面的需求建立台账，明确跟进责任人，"
              "做到一企一策、持续跟进")
    return p.add("。")


def _stale(ctx) -> None:
    if not ctx.has("ow_needs_stale"):
        return
    fig = ctx.fig("ow_needs_stale")
    ctx.problem(AREA, Paragraph(area=AREA).add(f"企业需求办理周期偏长。截至{ctx.period.end:%Y年%-m月}底，")
                .fig(fig).add("企业需求提出已超过30天仍未办结，部分需求涉及资金、人才等深层次问题，协调解决难度较大。"))
    ctx.plan(AREA, Paragraph(area=AREA).add("对超期未办结的").fig(fig)
             .add("企业需求逐项会商，明确责任人和办结时限，加强与相关部门的协调联动，提高需求解决率。"), unless="需求")


def build(ctx) -> list[Paragraph]:
    out = [p for p in (_visits(ctx),) if p is not None]
    _stale(ctx)
    if out:
        ctx.plan(AREA, Paragraph(area=AREA).add("持续开展“进企业、问需求、解难题”走访调研，完善企业需求台账，"
                                                "做到一企一策、持续跟进。"), unless="走访")
    return out


contribute(AREA, 50, build)
