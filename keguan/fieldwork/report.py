"""科技特派员's part of the work summary, in the bureaus' phrasing: "选任区级以上科技特派员11名联系29个村，实现科技
特派员全覆盖" (全覆盖 only when every village is covered); services, people served and new varieties; "培训土专家、
田秀才N人次"; needs completed; letters signed. The largest services of the period (by people served, and those
that introduced new varieties) are narrative items. Villages left uncovered and commissioners who logged
nothing are a problem and a plan."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from keguan.reports.draft import Figure, Paragraph
from keguan.reports.phrasing import lead
from keguan.reports.registry import Narrative, ReportPart, register_narratives, register_part

from .indicators import AREA, overlapping
from .models import Commissioner, ServiceKind, ServiceLog

TOP_SERVICES = 3
LEVEL_CODES = ("fw_commissioners_province", "fw_commissioners_city", "fw_commissioners_county")
KIND_CODES = ("fw_commissioners_agri", "fw_commissioners_industry", "fw_commissioners_three")
LEVEL_WORDS = {"fw_commissioners_province": "省级", "fw_commissioners_city": "市级", "fw_commissioners_county": "区县级"}
KIND_WORDS = {"fw_commissioners_agri": "农业科技特派员", "fw_commissioners_industry": "工业科技特派员",
              "fw_commissioners_three": "三区科技人才"}


def _full(ctx) -> bool:
    v = ctx.value("fw_coverage")
    return v is not None and v >= 100


def _team(ctx) -> Paragraph | None:
    """队伍与覆盖: commissioners by level and kind, villages covered (全覆盖 only at 100%), firms served."""
    if not ctx.has("fw_commissioners"):
        return None
    p = Paragraph(area=AREA).add(f"持续加强科技特派员队伍建设。{ctx.period.label}，{ctx.scope_word}选任科技特派员")
    p.fig(ctx.fig("fw_commissioners"))
    parts = [code for code in LEVEL_CODES if ctx.has(code)]
    if len(parts) > 1:
        p.add("，其中")
        for i, code in enumerate(parts):
            p.add(("、" if i else "") + LEVEL_WORDS[code]).fig(ctx.fig(code))
    kinds = [code for code in KIND_CODES if ctx.has(code)]
    if len(kinds) > 1:
        p.add("；按类别分，")
        for i, code in enumerate(kinds):
            p.add(("、" if i else "") + KIND_WORDS[code]).fig(ctx.fig(code))
    if ctx.has("fw_villages_covered"):
        p.add("，联系").fig(ctx.fig("fw_villages_covered")).add("村（社区）")
        if ctx.has("fw_coverage"):
            if _full(ctx):
                p.add("，实现科技特派员全覆盖")
            else:
                p.add("，覆盖率").fig(ctx.fig("fw_coverage"))
    if ctx.has("fw_enterprises"):
        p.add("；向").fig(ctx.fig("fw_enterprises")).add("企业派驻工业科技特派员，帮助企业解决技术难题")
    if ctx.has("fw_letters_signed"):
        p.add("；与科技特派员签订年度责任状").fig(ctx.fig("fw_letters_signed"))
    return p.add("。")


def _services(ctx) -> Paragraph | None:
    if not ctx.has("fw_logs"):
        return None
    words = lead(ctx.trend("fw_logs"), up="科技特派员服务成效明显", steady="深入开展科技特派员服务")
    p = Paragraph(area=AREA).add(f"{words}。{ctx.period.label}，科技特派员深入村组、企业开展技术服务")
    ctx.stated(p, "fw_logs")
    if ctx.has("fw_served"):
        p.add("，服务群众").fig(ctx.fig("fw_served"))
    if ctx.has("fw_introduced"):
        p.add("，引进推广新品种、新技术").fig(ctx.fig("fw_introduced"))
    if ctx.has("fw_dispatches_done"):
        p.add("；受理并完成村（社区）和企业提出的服务需求").fig(ctx.fig("fw_dispatches_done"))
    return p.add("。")


def _trainings(ctx) -> Paragraph | None:
    if not ctx.has("fw_trainings"):
        return None
    words = lead(ctx.trend("fw_trainees") if ctx.has("fw_trainees") else "", up="农村实用人才培训规模扩大",
                 steady="大力开展农村实用技术培训")
    p = Paragraph(area=AREA).add(f"{words}。组织科技特派员开展线下科技培训").fig(ctx.fig("fw_trainings"))
    if ctx.has("fw_trainees"):
        p.add("，培训土专家、田秀才").fig(ctx.fig("fw_trainees"))
        ctx.tail(p, "fw_trainees")
    return p.add("。")


def _uncovered(ctx) -> None:
    covered, total = ctx.value("fw_villages_covered"), ctx.value("fw_villages")
    if not ctx.has("fw_commissioners") or not total or covered is None or covered >= total:
        return
    gap = total - covered
    ctx.problem(AREA, Paragraph(area=AREA).add("科技特派员服务覆盖仍有空白。")
                .add(f"{ctx.scope_word}").fig(ctx.fig("fw_villages")).add("村（社区）中，仍有")
                .fig(Figure(text=f"{gap:f}个", indicator="fw_villages", kind="count", region=ctx.region.code, period=ctx.period.key,
                            value=str(gap), source="行政村（社区）数减去特派员联系村（社区）数"))
                .add("尚无科技特派员结对服务，未实现全覆盖。"))
    ctx.plan(AREA, Paragraph(area=AREA).add("加大科技特派员选派力度，优先向未覆盖的村（社区）选派，实现科技特派员村级全覆盖。"),
             unless="全覆盖")


def _silent(ctx) -> None:
    """Commissioners in service the whole period's end who logged no service in the period."""
    if not ctx.has("fw_logs"):
        return
    logged = ServiceLog.objects.filter(commissioner=OuterRef("pk"), served_on__gte=ctx.period.start,
                                       served_on__lte=ctx.period.end)
    n = (Commissioner.objects.filter(district__path__startswith=ctx.region.path)
         .filter(overlapping(ctx.period.start, ctx.period.end)).filter(~Exists(logged)).count())
    if not n:
        return
    ctx.problem(AREA, Paragraph(area=AREA).add("科技特派员服务开展不平衡。").add(f"{ctx.period.label}有")
                .fig(Figure(text=f"{n}名", indicator="fw_commissioners", kind="count", region=ctx.region.code, period=ctx.period.key, value=str(n),
                            source="在岗而期间内没有服务日志的科技特派员数"))
                .add("科技特派员没有填报服务记录，部分特派员下村服务不够经常。"))
    ctx.plan(AREA, Paragraph(area=AREA).add("落实科技特派员责任状考核，督促特派员定期下村服务并及时填报服务日志，"
                                            "考核结果与续聘挂钩。"), unless="特派员")


def build(ctx) -> list[Paragraph]:
    out = [p for p in (_team(ctx), _services(ctx), _trainings(ctx)) if p is not None]
    _uncovered(ctx)
    _silent(ctx)
    if out:
        ctx.plan(AREA, Paragraph(area=AREA).add(
            "依托科技特派员和科技专家服务团，围绕主导产业开展技术指导和实用技术培训，助力乡村振兴。"),
            unless="科技特派员")
    return out


def notable_services(ctx) -> list[Narrative]:
    """The period's largest services by people served, and those that introduced new varieties or
    techniques: one line each."""
    base = (ServiceLog.objects.filter(district__path__startswith=ctx.region.path, served_on__gte=ctx.period.start,
                                      served_on__lte=ctx.period.end)
            .select_related("commissioner", "village", "enterprise"))
    def introduced_text(log) -> str:
        count = f"，引进推广新品种、新技术{log.introduced}个" if log.introduced else ""
        return f"科技特派员{log.commissioner.name}{_what(log)}{count}"

    def served_text(log) -> str:
        return f"科技特派员{log.commissioner.name}{_what(log)}，服务群众{log.served}人次"

    introduced = _distinct(base.filter(Q(introduced__gt=0) | Q(kind=ServiceKind.INTRODUCTION))
                           .order_by("-introduced", "-served", "served_on", "id"), introduced_text)
    largest = _distinct(base.filter(served__gt=0).exclude(pk__in=[log.pk for log, _text in introduced])
                        .order_by("-served", "served_on", "id"), served_text)
    out = [Narrative(area=AREA, on=log.served_on, lead="科技特派员深入一线开展服务", text=text, url=_log_url(log))
           for log, text in largest]
    out += [Narrative(area=AREA, on=log.served_on, lead="引进推广新品种新技术", text=text, url=_log_url(log))
            for log, text in introduced]
    return out


def _distinct(logs, text_of, n: int = TOP_SERVICES) -> list[tuple[ServiceLog, str]]:
    """The first ``n`` logs whose lines differ: a commissioner who logs the same service at the same place
    month after month is written once (one line saying the same thing twice reads as padding)."""
    out: list[tuple[ServiceLog, str]] = []
    seen: set[str] = set()
    for log in logs[: n * 5]:
        text = text_of(log)
        if text not in seen:
            seen.add(text)
            out.append((log, text))
            if len(out) == n:
                break
    return out


def _what(log) -> str:
    """What the log says was done (its first line; it names the place), or its kind and place."""
    first = log.content.strip().splitlines()[0].rstrip("。；，")[:80] if log.content.strip() else ""
    place = log.village.name if log.village_id else log.enterprise.name
    if first and place in first:
        return first
    return f"到{place}开展{log.get_kind_display()}" + (f"，{first}" if first else "")


def _log_url(log) -> str:
    try:
        return reverse("fieldwork:log", kwargs={"pk": log.pk})
    except Exception:  # the logs part's page, when it is mounted
        return ""


register_part(ReportPart(area=AREA, build=build, heading="强化科技特派员服务，助力乡村振兴"))
register_narratives("fieldwork.notable_services", notable_services)
