"""The enterprise area's part of the work summary (创新主体培育), in the bureaus' phrasing."""

from __future__ import annotations

from keguan.reports.draft import Paragraph
from keguan.reports.registry import ReportPart, register_part


def build(ctx) -> list[Paragraph]:
    total = ctx.value("ent_total")
    if not total:
        return []
    out = []
    end = ctx.period.end
    p = Paragraph(area="enterprises").add(f"企业梯队培育稳步推进。截至{end:%Y年%-m月}底，{ctx.scope_word}在库企业").fig(ctx.fig("ent_total"))
    p.add("，其中有效国家高新技术企业").fig(ctx.fig("ent_hnte_valid"))
    if ctx.value("ent_leader"):
        p.add("（含创新型领军企业").fig(ctx.fig("ent_leader")).add("）")
    p.add("，科技型中小企业").fig(ctx.fig("ent_tech_sme")).add("。")
    out.append(p)

    flows = [(code, ctx.value(code)) for code in ("ent_new_tech_sme", "ent_new_pool", "ent_new_hnte")]
    if any(v for _, v in flows):
        q = Paragraph(area="enterprises").add(f"{ctx.period.label}，")
        first = True
        words = {
            "ent_new_tech_sme": "新增国家科技型中小企业",
            "ent_new_pool": "新入库高企培育企业",
            "ent_new_hnte": "新认定国家高新技术企业",
        }
        for code, v in flows:
            if not v:
                continue
            if not first:
                q.add("；")
            q.add(words[code]).fig(ctx.fig(code))
            ctx.tail(q, code)
            g = ctx.growth_fig(code)
            if g is not None:
                q.add("，").fig(g)
            first = False
        out.append(q.add("。"))

    rd = ctx.value("rd_expense")
    if rd:
        r = Paragraph(area="enterprises").add(f"研发投入持续加大。{ctx.period.year}年{ctx.scope_word}企业研发费用").fig(ctx.fig("rd_expense"))
        g = ctx.growth_fig("rd_expense")
        if g is not None:
            r.add("，").fig(g)
        ctx.tail(r, "rd_expense")
        if ctx.value("rd_intensity") is not None:
            r.add("，研发投入强度").fig(ctx.fig("rd_intensity"))
        out.append(r.add("。"))
    return out


register_part(ReportPart(area="enterprises", build=build, heading="突出创新主体培育，着力壮大科技企业梯队"))
