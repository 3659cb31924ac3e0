"""The pipeline's paragraph within 创新主体培育, in the bureaus' phrasing: "建立2023-2025年高企培育库，在库企业35家，
上半年申报国家高新技术企业9家"; "完成国家高新技术企业申报认定2批15家，进度排名全市第3位"."""

from __future__ import annotations

from keguan.core.scope import within
from keguan.regions.models import Region, RegionLevel
from keguan.reports.draft import Paragraph
from keguan.reports.registry import contribute

from .models import CultivationPool


def _pool_words(region: Region, year: int) -> str:
    pools = CultivationPool.objects.filter(start_year__lte=year, end_year__gte=year)
    if region.level == RegionLevel.COUNTY:
        names = list(pools.filter(district=region).order_by("start_year").values_list("name", flat=True))
        return f"建立{'、'.join(names)}" if names else "高企培育库"
    districts = Region.objects.filter(within(region.path), level=RegionLevel.COUNTY)
    n = pools.filter(district__in=districts).values("district").distinct().count()
    return f"{n}个区县建立高企培育库" if n else "高企培育库"


def build(ctx) -> list[Paragraph]:
    members, sme = ctx.value("pl_pool_members"), ctx.value("pl_sme_registered")
    applied, recognised = ctx.value("pl_hnte_applied"), ctx.value("pl_hnte_recognised")
    if not any((members, sme, applied, recognised)):
        return []
    p = Paragraph(area="enterprises").add("高企培育梯队持续壮大。")
    if members:
        p.add(_pool_words(ctx.region, ctx.period.end.year)).add("，在库企业").fig(ctx.fig("pl_pool_members"))
        if not any((sme, applied, recognised)):
            return [p.add("。")]
        p.add("。")
    p.add(f"{ctx.period.label}，")
    first = True
    for code, words in (("pl_sme_registered", "科技型中小企业评价入库"), ("pl_hnte_applied", "申报国家高新技术企业")):
        if ctx.value(code):
            p.add("" if first else "；").add(words).fig(ctx.fig(code))
            ctx.tail(p, code)
            first = False
    if recognised:
        p.add("" if first else "；").add("完成国家高新技术企业申报认定").fig(ctx.fig("pl_hnte_batches"))
        p.fig(ctx.fig("pl_hnte_recognised"))
        ctx.tail(p, "pl_hnte_recognised")
        if ctx.value("pl_pool_recognised"):
            p.add("，其中培育库企业").fig(ctx.fig("pl_pool_recognised"))
    return [p.add("。")]


contribute("enterprises", 10, build)
