"""The enterprise area's part of the work summary (创新主体培育), in the bureaus' phrasing.

The part's items on 高企, 科小 and the pool come first (``keguan.pipeline.report``: the qualification records,
or the register's stage history where a region keeps no records of a kind). This module adds, after them,
the enterprise register (科技企业库)."""

from __future__ import annotations

from keguan.reports.draft import Paragraph
from keguan.reports.phrasing import lead
from keguan.reports.registry import ReportPart, contribute, register_part

AREA = "enterprises"


def _register(ctx) -> Paragraph | None:
    """科技企业库: the firms the bureau follows."""
    if not ctx.has("ent_total"):
        return None
    words = lead(ctx.trend("ent_total"), up="科技企业库不断充实", steady="动态更新科技企业库")
    p = Paragraph(area=AREA).add(f"{words}。截至{ctx.period.end:%Y年%-m月}底，{ctx.scope_word}科技企业库在库企业")
    return ctx.stated(p, "ent_total").add("。")


def build(ctx) -> list[Paragraph]:
    paragraph = _register(ctx)
    return [paragraph] if paragraph is not None else []


register_part(ReportPart(area=AREA, build=lambda ctx: [], heading="突出创新主体培育，着力壮大科技企业梯队"))
contribute(AREA, 20, build)
