"""科技项目's part of the work summary, in the bureaus' phrasing: "组织12家创新主体申报…等17个项目，申请资助资金196万元";
"争取各级财政科技资金X万元，其中上级科技资金Y万元". The largest projects approved in the period are narrative
items ("某公司“…”获省级…立项，资助50万元"); projects overdue for their checks are a problem and a plan."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count
from django.urls import reverse

from keguan.projects.indicators import AREA, WAN
from keguan.projects.models import Application
from keguan.reports.draft import Paragraph
from keguan.reports.phrasing import lead
from keguan.reports.registry import Narrative, ReportPart, register_narratives, register_part
from keguan.rules import project_flow as flow

TOP_PROGRAMS = 3
TOP_PROJECTS = 3


def _programs(ctx) -> str:
    """The programs most applied to in the period: "A、B、C"."""
    rows = (Application.objects.filter(district__path__startswith=ctx.region.path, status__in=flow.HANDED_IN,
                                       submitted_at__date__gte=ctx.period.start, submitted_at__date__lte=ctx.period.end)
            .values_list("call__program__name").annotate(n=Count("*")).order_by("-n", "call__program__name"))
    names = list(dict.fromkeys(name for name, _ in rows))[:TOP_PROGRAMS]
    return "、".join(f"{n}" for n in names)


def _applied(ctx) -> Paragraph | None:
    if not ctx.has("prj_applied"):
        return None
    words = lead(ctx.trend("prj_applied"), up="科技项目申报积极踊跃", steady="组织开展科技项目申报")
    p = Paragraph(area=AREA).add(f"{words}。{ctx.period.label}，{ctx.scope_word}组织")
    if ctx.has("prj_applicants"):
        p.fig(ctx.fig("prj_applicants")).add("创新主体")
    programs = _programs(ctx)
    p.add(f"申报{programs}等" if programs else "申报").fig(ctx.fig("prj_applied"))
    ctx.tail(p, "prj_applied")
    if ctx.has("prj_requested"):
        p.add("，申请资助资金").fig(ctx.fig("prj_requested"))
    return p.add("。")


def _approved(ctx) -> Paragraph | None:
    recommended, approved = ctx.has("prj_recommended"), ctx.has("prj_approved")
    if not (recommended or approved):
        return None
    words = lead(ctx.trend("prj_approved") if approved else "", up="项目立项成效明显", steady="做好项目遴选推荐")
    p = Paragraph(area=AREA).add(f"{words}。")
    if recommended:
        p.add("向上级科技部门推荐项目").fig(ctx.fig("prj_recommended"))
        ctx.tail(p, "prj_recommended")
    if approved:
        p.add("；" if recommended else "").add(f"{ctx.period.label}获立项项目").fig(ctx.fig("prj_approved"))
        ctx.tail(p, "prj_approved")
    return p.add("。")


def _funds(ctx) -> Paragraph | None:
    won, disbursed = ctx.has("prj_funds_won"), ctx.has("prj_disbursed")
    if not (won or disbursed):
        return None
    words = lead(ctx.trend("prj_funds_won") if won else "", up="科技资金投入持续加大", steady="规范科技资金管理")
    p = Paragraph(area=AREA).add(f"{words}。")
    if won:
        p.add(f"{ctx.period.label}争取各级财政科技资金").fig(ctx.fig("prj_funds_won"))
        if ctx.has("prj_funds_upper"):
            p.add("，其中中央、省、市上级科技资金").fig(ctx.fig("prj_funds_upper"))
        ctx.tail(p, "prj_funds_won")
    if disbursed:
        p.add("；" if won else "").add("拨付项目资金").fig(ctx.fig("prj_disbursed"))
    if ctx.has("prj_accepted"):
        p.add("；完成").fig(ctx.fig("prj_accepted")).add("项目验收")
    return p.add("。")


def _overdue(ctx) -> None:
    if not ctx.has("prj_overdue"):
        return
    fig = ctx.fig("prj_overdue")
    ctx.problem(AREA, Paragraph(area=AREA).add("项目过程管理仍需加强。截至"
                                               f"{ctx.period.end:%Y年%-m月}底，").fig(fig)
                .add("科技项目已过中期检查或验收时间尚未完成，项目实施进度滞后。"))
    ctx.plan(AREA, Paragraph(area=AREA).add("加强项目过程管理，督促").fig(fig)
             .add("逾期项目尽快完成中期检查和验收，确保项目按期结题。"), unless="验收")


def build(ctx) -> list[Paragraph]:
    out = [p for p in (_applied(ctx), _approved(ctx), _funds(ctx)) if p is not None]
    _overdue(ctx)
    if out:
        ctx.plan(AREA, Paragraph(area=AREA).add(
            f"组织做好{ctx.period.year + 1 if ctx.period.last_month == 12 else ctx.period.year}年度各级科技计划项目申报，"
            "提高项目申报质量和立项率。"), unless="项目申报")
    return out


def largest_projects(ctx) -> list[Narrative]:
    """The largest projects approved in the period, one line each (the bureaus name them)."""
    rows = (Application.objects.filter(district__path__startswith=ctx.region.path, approved_on__gte=ctx.period.start,
                                       approved_on__lte=ctx.period.end, approved__isnull=False,
                                       status__in=flow.APPROVED_OR_LATER)
            .select_related("enterprise", "organisation", "call__program").order_by("-approved", "id")[:TOP_PROJECTS])
    out = []
    for a in rows:
        amount = (a.approved / WAN).quantize(Decimal("0.01")).normalize()
        out.append(Narrative(
            area=AREA, on=a.approved_on, lead="推动重点项目落地实施",
            text=f"{a.applicant.name}“{a.title}”获{a.call.program.name}立项，"
                 f"资助{amount:f}万元",
            url=reverse("projects:application", kwargs={"pk": a.pk})))
    return out


register_part(ReportPart(area=AREA, build=build, heading="深化科技项目管理，加大科技资金投入"))
register_narratives("projects.largest", largest_projects)
