"""创新平台与人才's part of the work summary, in the seeds' phrasing: "辖区内拥有省级及以上工程技术研究中心N家";
"入选各级人才计划N名"; "签订产学研合作协议N份". Recognitions other than 高企 go into 创新主体培育 ("组织N家企业申报
省级科技创新型企业，N家进入公示，N家获认定"). New national and provincial platforms and titles granted in the period
are narrative items."""

from __future__ import annotations

from django.urls import reverse

from keguan.core import dictionary
from keguan.enterprises.models import LabelLevel
from keguan.reports.draft import Paragraph
from keguan.reports.phrasing import lead
from keguan.reports.registry import Narrative, ReportPart, contribute, register_narratives, register_part
from keguan.rules import recognition_flow as flow

from .indicators import AREA
from .models import Outcome, PlatformApplication, Recognition
from .selectors import LEVELS_UP, recognition_title
from .services import TITLE_CHOICES

TOP = 5


def _platforms(ctx) -> Paragraph | None:
    have = [c for c in ("res_erc_up", "res_platforms", "res_platforms_new") if ctx.has(c)]
    if not have:
        return None
    words = lead(ctx.trend("res_platforms_up") if ctx.has("res_platforms_up") else "",
                 up="创新平台建设持续加强", steady="稳步推进创新平台建设")
    p = Paragraph(area=AREA).add(f"{words}。截至{ctx.period.end:%Y年%-m月}底，辖区内拥有")
    parts = []
    if ctx.has("res_erc_up"):
        parts.append(("省级及以上工程技术研究中心", "res_erc_up"))
    if ctx.has("res_platforms"):
        parts.append(("各级创新平台", "res_platforms"))
    for i, (words_, code) in enumerate(parts):
        p.add("、" if i else "").add(words_).fig(ctx.fig(code))
        if code == "res_platforms" and ctx.has("res_platforms_up"):
            p.add("（其中省级及以上").fig(ctx.fig("res_platforms_up")).add("）")
    if ctx.has("res_platforms_new"):
        p.add("；" if parts else "").add(f"{ctx.period.year}年新增创新平台").fig(ctx.fig("res_platforms_new"))
        ctx.tail(p, "res_platforms_new", growth=False)
    return p.add("。")


def _talent(ctx) -> Paragraph | None:
    codes = [c for c in ("res_talent", "res_teams", "res_experts") if ctx.has(c)]
    if not codes:
        return None
    words = lead(ctx.trend("res_talent") if ctx.has("res_talent") else "", up="人才队伍不断壮大",
                 steady="加强科技人才队伍建设")
    p = Paragraph(area=AREA).add(f"{words}。")
    first = True
    if ctx.has("res_talent") or ctx.has("res_teams"):
        p.add(f"{ctx.period.year}年")
        if ctx.has("res_talent"):
            p.add("入选各级人才计划").fig(ctx.fig("res_talent"))
        if ctx.has("res_teams"):
            p.add("、" if ctx.has("res_talent") else "").add("入选创新团队").fig(ctx.fig("res_teams"))
        first = False
    if ctx.has("res_experts"):
        p.add("" if first else "；").add("在聘外国专家").fig(ctx.fig("res_experts")).add("，服务辖区企业技术创新")
    return p.add("。")


def _cooperation(ctx) -> Paragraph | None:
    if not ctx.has("res_agreements"):
        return None
    words = lead(ctx.trend("res_agreements"), up="产学研合作不断深化", steady="积极推动产学研合作")
    p = Paragraph(area=AREA).add(f"{words}。{ctx.period.label}，推动辖区企业与高校、科研院所签订产学研合作协议")
    p.fig(ctx.fig("res_agreements"))
    if ctx.has("res_agreement_amount"):
        p.add("，协议金额").fig(ctx.fig("res_agreement_amount"))
    ctx.tail(p, "res_agreements", growth=False)
    return p.add("。")


def build(ctx) -> list[Paragraph]:
    out = [p for p in (_platforms(ctx), _talent(ctx), _cooperation(ctx)) if p is not None]
    if out:
        ctx.plan(AREA, Paragraph(area=AREA).add(
            "加强创新平台培育和考核管理，引导企业建设研发机构，持续深化产学研合作，集聚各类创新人才。"), unless="创新平台")
    return out


def recognitions(ctx) -> list[Paragraph]:
    """Within 创新主体培育: per title, "组织N家企业申报省级科技创新型企业，N家进入公示，N家获认定"."""
    clauses = []
    for title, label in TITLE_CHOICES:
        applied, public, granted = (f"res_rec_{s}_{title}" for s in ("applied", "publicised", "granted"))
        if not (ctx.has(applied) or ctx.has(granted)):
            continue
        clauses.append((label, applied, public, granted))
    if not clauses:
        return []
    p = Paragraph(area="enterprises").add(f"积极组织企业申报各类称号。{ctx.period.label}，")
    for i, (label, applied, public, granted) in enumerate(clauses):
        p.add("；" if i else "")
        if ctx.has(applied):
            p.add("组织").fig(ctx.fig(applied)).add(f"企业申报{label}")
            if ctx.has(public):
                p.add("，").fig(ctx.fig(public)).add("进入公示")
            if ctx.has(granted):
                p.add("，").fig(ctx.fig(granted)).add("获认定")
        else:
            p.add("新获认定").fig(ctx.fig(granted)).add(label)
    ctx.plan("enterprises", Paragraph(area="enterprises").add(
        "做好省级科技型企业、专精特新等称号的申报辅导，推动更多企业获得认定。"), unless="专精特新")
    return [p.add("。")]


def notable(ctx) -> list[Narrative]:
    """New national and provincial platforms approved in the period, and titles granted at 省级 and above."""
    out = []
    apps = (PlatformApplication.objects.filter(district__path__startswith=ctx.region.path, outcome=Outcome.APPROVED,
                                               level__in=LEVELS_UP, decided_on__gte=ctx.period.start,
                                               decided_on__lte=ctx.period.end)
            .order_by("decided_on", "id")[:TOP])
    for a in apps:
        out.append(Narrative(
            area=AREA, on=a.decided_on, lead="创新平台建设取得新突破",
            text=f"{a.host}获批建设{a.get_level_display()}{dictionary.label('platform_kind', a.kind).split('/')[0]}“{a.name}”",
            url=reverse("resources:application", args=[a.pk])))
    recs = (Recognition.objects.filter(district__path__startswith=ctx.region.path, status=flow.GRANTED,
                                       level__in=(LabelLevel.NATIONAL, LabelLevel.PROVINCIAL),
                                       decided_on__gte=ctx.period.start, decided_on__lte=ctx.period.end)
            .select_related("enterprise").order_by("decided_on", "id")[:TOP])
    for r in recs:
        out.append(Narrative(
            area="enterprises", on=r.decided_on, lead="企业创新能力获得认可",
            text=f"{r.enterprise.name}获认定为{recognition_title(r)}",
            url=reverse("resources:recognition", args=[r.pk])))
    return out


register_part(ReportPart(area=AREA, build=build, heading="加强创新平台建设，集聚创新人才资源"))
contribute("enterprises", 30, recognitions)
register_narratives("resources.notable", notable)
