"""科技活动与企业服务's part of the work summary (the events; the ledger part adds its paragraphs with
``contribute``), in the seeds' voice: "开展科技下乡活动5次，共发放各类科技知识宣传册一万余本，服务群众万余人次，为群众
解答各类疑难问题320个" (large counts as the seeds write them, ``Context.about_fig``); trainings and policy sessions;
座谈会、对接会、路演 with the firms taking part. The events the bureau sent firms to (组织参加) and its largest
对接会/路演 are narrative items: "8月12日，组织3家企业参加…路演"."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse

from keguan.reports.draft import Paragraph
from keguan.reports.phrasing import lead
from keguan.reports.registry import Narrative, ReportPart, register_narratives, register_part

from .indicators_events import AREA
from .models import Event, EventRole

HEADING = "加强科普宣传和企业服务，营造浓厚科技创新氛围"
POPSCI = ("组织开展", (("science_week", "科技活动周活动"), ("popsci_day", "全国科普日活动"),
                     ("countryside", "科技下乡活动")))
TRAINING = ("举办", (("training", "培训班"), ("policy", "政策宣讲会")))
# the exchange kinds, each with its verb (consecutive kinds with the same verb share it: 参加展会1场、创新创业竞赛1场)
EXCHANGE = ((("symposium", "召开", "座谈会、调研会"), ("matchmaking", "举办", "对接会"), ("roadshow", "开展", "路演活动"),
             ("expo", "参加", "展会"), ("contest", "参加", "创新创业竞赛")))
MATERIALS = (("brochure", "宣传册"), ("leaflet", "明白纸"), ("book", "科普图书"), ("other", "其他资料"))  # (展板 are shown)
TOP_NARRATIVES = 5
MATCHING = ("matchmaking", "roadshow", "expo", "contest")


def _kinds(ctx, p: Paragraph, group) -> bool:
    """"组织开展科技活动周活动2场、全国科普日活动1场" for the kinds with events; whether any was written."""
    verb, pairs = group
    written = False
    for kind, words in pairs:
        code = f"events_kind_{kind}"
        if ctx.has(code):
            p.add("、" if written else verb).add(words).fig(ctx.fig(code))
            written = True
    return written


def _any(ctx, group) -> bool:
    return any(ctx.has(f"events_kind_{k}") for k, _ in group[1])


def _popsci(ctx) -> Paragraph | None:
    if not _any(ctx, POPSCI) and not ctx.has("event_materials"):
        return None
    words = lead(ctx.trend("event_participants"), up="科普宣传氛围日益浓厚", steady="开展科普宣传活动")
    p = Paragraph(area=AREA).add(f"{words}。{ctx.period.label}，")
    wrote = _kinds(ctx, p, POPSCI)
    handed = [(k, w) for k, w in MATERIALS if ctx.has(f"event_material_{k}")]
    if handed:
        p.add("，共" if wrote else "共").add("发放各类科技知识")
        for i, (kind, word) in enumerate(handed):
            p.add("、" if i else "").add(word).fig(ctx.about_fig(f"event_material_{kind}"))
        wrote = True
    if ctx.has("event_material_board"):
        p.add("，" if wrote else "").add("展出科普展板").fig(ctx.about_fig("event_material_board"))
        wrote = True
    if ctx.has("event_participants"):
        p.add("，" if wrote else "").add("服务群众").fig(ctx.about_fig("event_participants", one=False))
        wrote = True
    if ctx.has("event_questions"):
        p.add("，" if wrote else "").add("为群众解答各类疑难问题").fig(ctx.fig("event_questions"))
    return p.add("。")


def _training(ctx) -> Paragraph | None:
    if not _any(ctx, TRAINING) and not ctx.has("event_trainees"):
        return None
    words = lead(ctx.trend("event_trainees"), up="科技培训覆盖面持续扩大", steady="科技培训赋能乡村振兴")
    p = Paragraph(area=AREA).add(f"{words}。")
    wrote = _kinds(ctx, p, TRAINING)
    if ctx.has("event_trainees"):
        p.add("，" if wrote else "").add("培训基层农技人员、土专家、田秀才和企业技术骨干").fig(ctx.fig("event_trainees"))
    return p.add("。")


def _exchange(ctx) -> Paragraph | None:
    held = [(kind, verb, noun) for kind, verb, noun in EXCHANGE if ctx.has(f"events_kind_{kind}")]
    if not held:
        return None
    words = lead(ctx.trend("event_firms"), up="产学研交流对接日益活跃", steady="搭建产学研用交流对接平台")
    p = Paragraph(area=AREA).add(f"{words}。")
    last = ""
    for i, (kind, verb, noun) in enumerate(held):
        p.add(("、" if verb == last else "，" + verb) if i else verb).add(noun).fig(ctx.fig(f"events_kind_{kind}"))
        last = verb
    if ctx.has("event_firms"):
        p.add("，组织").fig(ctx.fig("event_firms")).add("企业参与交流对接")
    return p.add("。")


def build(ctx) -> list[Paragraph]:
    out = [p for p in (_popsci(ctx), _training(ctx), _exchange(ctx)) if p is not None]
    if out:
        ctx.plan(AREA, Paragraph(area=AREA).add(
            "持续开展科技活动周、全国科普日、科技下乡等科普宣传活动，加强科技培训和政策宣讲，"
            "组织企业参加各类对接会、路演活动，营造浓厚的科技创新氛围。"), unless="科普")
    return out


def notable_events(ctx) -> list[Narrative]:
    """The period's events written as items: those the bureau sent firms to (组织参加), and its own 对接会、路演、
    展会、竞赛 with the most firms — at most ``TOP_NARRATIVES``, the ones with most firms first."""
    rows = (Event.objects.filter(region__path__startswith=ctx.region.path, starts_on__gte=ctx.period.start,
                                 starts_on__lte=ctx.period.end)
            .annotate(n=Count("firms", distinct=True))
            .filter(Q(role=EventRole.SENT) | Q(kind__in=MATCHING, n__gt=0))
            .order_by("-n", "-participants", "starts_on", "id")[:TOP_NARRATIVES])
    out = []
    for e in rows:
        title = e.title.strip().strip("“”\"")
        if EventRole(e.role) is EventRole.SENT:
            text = f"组织{e.n}家企业参加{title}" if e.n else f"组织参加{title}"
            words = "积极组织企业参加各类科技创新活动"
        else:
            text = f"举办{title}，{e.n}家企业参加"
            words = "开展技术对接和科技成果转化服务活动"
        out.append(Narrative(area=AREA, on=e.starts_on, lead=words, text=text,
                             url=reverse("outreach:event", kwargs={"pk": e.pk})))
    return out


register_part(ReportPart(area=AREA, build=build, heading=HEADING))
register_narratives("outreach.events", notable_events)
