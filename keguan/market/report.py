"""技术市场与科技成果's part of the work summary, in the seeds' phrasing: "登记吸纳技术合同N项、输出技术合同N项，
吸纳技术合同成交额N万元，输出技术合同成交额N万元，全市排名第N" (the rank of the 吸纳 amount among the city's districts,
then the city's targets where set); results registered; prizes won and competition entries. Each prize won in
the period is a narrative item ("某公司“…”在第十二届中国创新创业大赛（广西赛区）中荣获二等奖")."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse

from keguan.reports.draft import Paragraph
from keguan.reports.phrasing import lead
from keguan.reports.registry import Narrative, ReportPart, register_narratives, register_part

from .indicators import AREA
from .models import Award

ABSORB_N, OUTPUT_N, ABSORB_C, OUTPUT_C = "mkt_absorb_n", "mkt_output_n", "mkt_absorb_c", "mkt_output_c"
TOP_PRIZES = 5


def _contracts(ctx) -> Paragraph | None:
    if not (ctx.has(ABSORB_N) or ctx.has(OUTPUT_N)):
        return None
    words = lead(ctx.trend(ABSORB_C), up="技术市场持续活跃", steady="推动技术合同登记", down="技术合同登记仍需加力")
    p = Paragraph(area=AREA).add(f"{words}。{ctx.period.label}，{ctx.scope_word}登记")
    counts = []
    if ctx.has(ABSORB_N):
        counts.append(("吸纳技术合同", ABSORB_N))
    if ctx.has(OUTPUT_N):
        counts.append(("输出技术合同", OUTPUT_N))
    for i, (label, code) in enumerate(counts):
        p.add("、" if i else "").add(label).fig(ctx.fig(code))
    p.add("，吸纳技术合同成交额").fig(ctx.fig(ABSORB_C))
    p.add("，输出技术合同成交额").fig(ctx.fig(OUTPUT_C))
    rank = ctx.rank_fig(ABSORB_C)
    if rank is not None:
        p.add("，").fig(rank)
    for code, label in ((ABSORB_C, "吸纳"), (OUTPUT_C, "输出")):
        target = ctx.target_fig(code)
        if target is not None:
            p.add(f"，{label}成交额").fig(target)
    growth = ctx.growth_fig(ABSORB_C)
    if growth is not None:
        p.add("，吸纳成交额").fig(growth)
    return p.add("。")


def _results_and_prizes(ctx) -> Paragraph | None:
    results, prizes, entries = ctx.has("mkt_results"), ctx.has("mkt_prizes"), ctx.has("mkt_entries")
    if not (results or prizes or entries):
        return None
    p = Paragraph(area=AREA).add("推进科技成果登记和转化。" if results else "积极组织参加各类科技创新大赛。")
    parts = 0
    if results:
        p.add(f"{ctx.period.label}登记科技成果").fig(ctx.fig("mkt_results"))
        parts += 1
    if entries:
        p.add("；" if parts else "").add("参加创新创业大赛的项目").fig(ctx.fig("mkt_entries"))
        parts += 1
    if prizes:
        p.add("；" if parts else "").add("获得各级奖项").fig(ctx.fig("mkt_prizes"))
        levels = [(code, label) for code, label in (("mkt_prizes_national", "国家级"), ("mkt_prizes_province", "省级"))
                  if ctx.has(code)]
        if levels:
            p.add("，其中")
            for i, (code, label) in enumerate(levels):
                p.add("、" if i else "").add(label).fig(ctx.fig(code))
    return p.add("。")


def _behind(ctx) -> None:
    """A 吸纳 amount behind its target: the plan (the shortfall itself is stated by the summary's targets)."""
    sv = ctx.score(ABSORB_C)
    if sv.completion is None or sv.ahead:
        return
    ctx.plan(AREA, Paragraph(area=AREA).add("加强技术合同认定登记服务，引导企业应登尽登，推动技术合同成交额完成市定目标。"),
             unless="技术合同")


def build(ctx) -> list[Paragraph]:
    out = [p for p in (_contracts(ctx), _results_and_prizes(ctx)) if p is not None]
    _behind(ctx)
    return out


def prizes_won(ctx) -> list[Narrative]:
    """The period's prizes, one line each: "某公司“…”在第十二届中国创新创业大赛（广西赛区）中荣获二等奖"."""
    period = ctx.period
    dated = Q(awarded_on__gte=period.start, awarded_on__lte=period.end)
    if period.first_month == 1 and period.last_month == 12:
        dated |= Q(awarded_on__isnull=True, year=period.year)
    rows = (Award.objects.filter(district__path__startswith=ctx.region.path).filter(dated).exclude(prize="")
            .order_by("level", "-awarded_on", "id")[:TOP_PRIZES])
    out = []
    for a in rows:
        out.append(Narrative(
            area=AREA, on=a.awarded_on or dt.date(a.year, 12, 31), lead="科技创新成果丰硕",
            text=f"{a.winners}“{a.project}”在{a.name}中荣获{a.prize}",
            url=reverse("market:award", kwargs={"pk": a.pk})))
    return out


register_part(ReportPart(area=AREA, build=build, heading="活跃技术市场，促进科技成果转化"))
register_narratives("market.prizes", prizes_won)
