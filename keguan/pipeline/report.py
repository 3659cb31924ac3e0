"""The pipeline's items within 创新主体培育, in the bureaus' phrasing ("一是积极培育高新技术企业…"): 高企 申报认定 and
the 高企 in force, 科技型中小企业评价入库, the cultivation pool and its tutoring. Also the problems and plans the
records imply: certificates expiring within a year that nobody is renewing, a count that fell.

Counts come from the qualification records (applications, 科小 records, pool stays). Where a region keeps
none of a kind, or the city set its target on the register's indicator, the enterprise register's stage
history states that concept instead (``Context.pick``): one indicator per concept, never both."""

from __future__ import annotations

from keguan.core.scope import within
from keguan.regions.models import Region, RegionLevel
from keguan.reports.draft import Paragraph
from keguan.reports.phrasing import lead
from keguan.reports.registry import contribute

from .models import CultivationPool

AREA = "enterprises"


def _pool_words(region: Region, year: int) -> str:
    pools = CultivationPool.objects.filter(start_year__lte=year, end_year__gte=year)
    if region.level == RegionLevel.COUNTY:
        names = list(pools.filter(district=region).order_by("start_year").values_list("name", flat=True))
        return f"建立{'、'.join(names)}，" if names else ""
    districts = Region.objects.filter(within(region.path), level=RegionLevel.COUNTY)
    n = pools.filter(district__in=districts).values("district").distinct().count()
    return f"{n}个县（市、区）建立高企培育库，" if n else ""


def _hnte(ctx) -> Paragraph | None:
    applied, valid = ctx.has("pl_hnte_applied"), ctx.has("ent_hnte_valid")
    new = ctx.pick("pl_hnte_recognised", "ent_new_hnte")  # the applications' 认定, else the stage history's
    if not (applied or new or valid):
        return None
    words = lead(ctx.trend(new) if new else "", up="积极培育高新技术企业，高企队伍不断壮大",
                 steady="扎实开展高新技术企业培育认定", down="持续做好高新技术企业培育认定")
    p = Paragraph(area=AREA).add(f"{words}。")
    if applied or new:
        p.add(f"{ctx.period.label}，{ctx.scope_word}")
    if applied:
        p.add("组织申报国家高新技术企业")
        ctx.stated(p, "pl_hnte_applied")
    if new == "pl_hnte_recognised":
        p.add("；" if applied else "").add("完成国家高新技术企业申报认定").fig(ctx.fig("pl_hnte_batches"))
        ctx.stated(p, new)
        if ctx.has("pl_pool_recognised"):
            p.add("，其中培育库企业").fig(ctx.fig("pl_pool_recognised"))
    elif new:
        p.add("；" if applied else "").add("新认定国家高新技术企业")
        ctx.stated(p, new)
    if applied or new:
        p.add("。")
    if valid:
        p.add(f"截至{ctx.period.end:%Y年%-m月}底，{ctx.scope_word}有效国家高新技术企业").fig(ctx.fig("ent_hnte_valid"))
        if ctx.has("ent_leader"):
            p.add("（含创新型领军企业").fig(ctx.fig("ent_leader")).add("）")
        ctx.tail(p, "ent_hnte_valid").add("。")
    return p


def _sme(ctx) -> Paragraph | None:
    code = ctx.pick("pl_sme_registered", "ent_new_tech_sme")  # 评价入库 records, else the stage history's 新增
    if code is None:
        return None
    words = lead(ctx.trend(code), up="科技型中小企业队伍持续扩大", steady="扎实开展科技型中小企业评价工作")
    what = "科技型中小企业评价入库" if code == "pl_sme_registered" else "新增科技型中小企业"
    p = Paragraph(area=AREA).add(f"{words}。{ctx.period.label}，{ctx.scope_word}{what}")
    return ctx.stated(p, code).add("。")


def _pool(ctx) -> Paragraph | None:
    members, visits = ctx.has("pl_pool_members"), ctx.has("pl_visits")
    entered = ctx.pick("pl_pool_entered", "ent_new_pool")  # 入库 records, else the stage history's
    if not (members or entered or visits):
        return None
    words = lead(ctx.trend("pl_pool_members") if members else "", up="高企后备梯队持续壮大",
                 steady="做实高企培育库", down="动态调整高企培育库")
    p = Paragraph(area=AREA).add(f"{words}。")
    if members:
        p.add(f"{_pool_words(ctx.region, ctx.period.end.year)}截至{ctx.period.end:%Y年%-m月}底在库企业")
        ctx.stated(p, "pl_pool_members")
        if entered:
            p.add(f"，{ctx.period.label}新入库")
            ctx.stated(p, entered)
        p.add("。")
    elif entered:
        p.add(f"{ctx.period.label}，高企培育库新入库")
        ctx.stated(p, entered).add("。")
    if visits:
        p.add("组织开展高企申报辅导走访").fig(ctx.fig("pl_visits")).add("，帮助企业规范研发费用归集、完善知识产权布局。")
    return p


def _renewals(ctx) -> None:
    """Certificates valid at the period's end that expire within a year with nobody renewing: a problem now
    and the next period's 重新认定 work."""
    if not ctx.has("pl_hnte_expiring"):
        return
    fig = ctx.fig("pl_hnte_expiring")
    ctx.problem(AREA, Paragraph(area=AREA).add("部分高新技术企业面临资格到期。截至"
                                               f"{ctx.period.end:%Y年%-m月}底，").fig(fig)
                .add("高新技术企业的证书将在一年内到期，尚未启动重新认定申报，存在高企数量下滑的风险。"))
    ctx.plan(AREA, Paragraph(area=AREA).add("做好到期高新技术企业重新认定工作，对证书一年内到期的").fig(fig)
             .add("企业逐一跟踪辅导，确保应报尽报。"), unless="重新认定")


def _declines(ctx) -> None:
    """A count that fell against last year is a problem of its own (the item above states it plainly)."""
    for code, words in (("pl_hnte_recognised", "新认定国家高新技术企业数量"), ("ent_new_hnte", "新认定国家高新技术企业数量"),
                        ("pl_pool_members", "高企培育库在库企业数量"), ("pl_sme_registered", "科技型中小企业评价入库数量"),
                        ("ent_new_tech_sme", "新增科技型中小企业数量")):
        if code not in ctx.said or ctx.trend(code) != "down":
            continue
        ctx.problem(AREA, Paragraph(area=AREA).add(f"{words}同比下降。{ctx.period.label}").add(words.removesuffix("数量"))
                    .fig(ctx.fig(code)).add("，").fig(ctx.growth_fig(code)).add("，后备企业培育仍需加力。"))


def _next_period_work(ctx) -> None:
    if ctx.has("pl_sme_registered"):
        year = ctx.period.year + 1 if ctx.period.last_month == 12 else ctx.period.year
        ctx.plan(AREA, Paragraph(area=AREA).add(
            f"动员符合条件的企业参加{year}年度科技型中小企业评价入库，做到应评尽评。"), unless="科技型中小企业评价")
    if ctx.has("pl_pool_members"):
        ctx.plan(AREA, Paragraph(area=AREA).add("对培育库企业开展“一企一策”辅导，推动条件成熟的企业申报高新技术企业。"),
                 unless="一企一策")


def build(ctx) -> list[Paragraph]:
    out = [p for p in (_hnte(ctx), _sme(ctx), _pool(ctx)) if p is not None]
    _renewals(ctx)
    _declines(ctx)
    _next_period_work(ctx)
    return out


contribute(AREA, 10, build)
