"""科技活动's indicators: events by kind, participants (人次), materials handed out (by kind and in all),
trainees, questions answered and the firms taking part (each once). An event counts in the period it starts in,
for the district it is filed under (``Event.region``); each figure links to the event list filtered to its rows.
Every one may carry a 市定目标."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Sum

from keguan.indicators.registry import Indicator, list_url, memoised, register
from keguan.rules.periods import Period

from .area import EVENT_KINDS
from .models import Event, EventFirm, EventMaterial, MaterialKind

AREA = "outreach"
# measure words as the summaries count each kind: 科技下乡活动5次, 培训班3期, 座谈会2场
KIND_MEASURE = {"countryside": "次", "training": "期"}
MATERIAL_UNIT = {"brochure": "本", "leaflet": "份", "book": "册", "board": "块", "other": "份"}


def _events(ids: list[int], period: Period):
    return Event.objects.filter(region_id__in=ids, starts_on__gte=period.start, starts_on__lte=period.end)


def _by_kind(ids, period, memo):
    def compute():
        out: dict[str, dict[int, Decimal]] = {}
        for district, kind, n in _events(ids, period).values_list("region_id", "kind").annotate(n=Count("*")).order_by():
            out.setdefault(kind, {})[district] = Decimal(n)
        return out
    return memoised(memo, ("event_kinds", tuple(ids), period.start, period.end), compute)


def events_total(ids, period, memo=None):
    return memoised(memo, ("events_total", tuple(ids), period.start, period.end), lambda: {
        d: Decimal(n) for d, n in _events(ids, period).values_list("region_id").annotate(n=Count("*")).order_by()})


def _kind(kind: str):
    def by_district(ids, period, memo=None):
        return dict(_by_kind(ids, period, memo).get(kind, {}))
    return by_district


def _sums(ids, period, memo):
    """Participants, trainees and questions per district, in one query."""
    def compute():
        rows = (_events(ids, period).values_list("region_id")
                .annotate(p=Sum("participants"), t=Sum("trainees"), q=Sum("questions")).order_by())
        return {d: (Decimal(p or 0), Decimal(t or 0), Decimal(q or 0)) for d, p, t, q in rows}
    return memoised(memo, ("event_sums", tuple(ids), period.start, period.end), compute)


def _sum(index: int):
    def by_district(ids, period, memo=None):
        return {d: v[index] for d, v in _sums(ids, period, memo).items() if v[index]}
    return by_district


def _materials(ids, period, memo):
    def compute():
        out: dict[str, dict[int, Decimal]] = {}
        rows = (EventMaterial.objects.filter(event__region_id__in=ids, event__starts_on__gte=period.start,
                                             event__starts_on__lte=period.end)
                .values_list("event__region_id", "kind").annotate(n=Sum("count")).order_by())
        for district, kind, n in rows:
            out.setdefault(kind, {})[district] = Decimal(n or 0)
        return out
    return memoised(memo, ("event_materials", tuple(ids), period.start, period.end), compute)


def materials_total(ids, period, memo=None):
    out: dict[int, Decimal] = {}
    for per_district in _materials(ids, period, memo).values():
        for d, n in per_district.items():
            out[d] = out.get(d, Decimal(0)) + n
    return out


def _material(kind: str):
    def by_district(ids, period, memo=None):
        return dict(_materials(ids, period, memo).get(kind, {}))
    return by_district


def firms_taking_part(ids, period, memo=None):
    """Firms that took part in (or were sent to) an event of the period, each once per district."""
    return memoised(memo, ("event_firms", tuple(ids), period.start, period.end), lambda: {
        d: Decimal(n) for d, n in
        EventFirm.objects.filter(event__region_id__in=ids, event__starts_on__gte=period.start,
                                 event__starts_on__lte=period.end)
        .values_list("event__region_id").annotate(n=Count("enterprise_id", distinct=True)).order_by()})


def _url(**extra):
    return lambda region, period: list_url("outreach:events", region, since=period.start.isoformat(),
                                           until=period.end.isoformat(), **extra)


def _register(code, name, unit, measure, fn, url, description, order, dashboard=True):
    register(Indicator(code=code, name=name, unit=unit, measure=measure, area=AREA, by_district=fn,
                       records_url=url, order=order, description=description, dashboard=dashboard))


_register("events_total", "开展科技活动", "场", "场", events_total, _url(),
          "期间内开始的科技活动数（含本局组织企业参加的活动），按开始日期", 10)
for i, (kind, label) in enumerate(EVENT_KINDS):
    measure = KIND_MEASURE.get(kind, "场")
    _register(f"events_kind_{kind}", f"{label}活动" if kind in ("science_week", "popsci_day", "countryside")
              else label, measure, measure, _kind(kind), _url(kind=kind),
              f"期间内开始的“{label}”类科技活动数", 11 + i, dashboard=False)
_register("event_participants", "科技活动参与人次", "人次", "人次", _sum(0), _url(),
          "期间内科技活动的参与人数（人次）合计", 30)
_register("event_trainees", "科技培训人次", "人次", "人次", _sum(1), _url(),
          "期间内科技活动中培训的人数（人次）合计（培训土专家、田秀才等）", 31)
_register("event_questions", "解答群众咨询", "个", "个", _sum(2), _url(),
          "期间内科技活动中现场解答的咨询数合计", 32)
_register("event_materials", "发放科普资料", "份", "份", materials_total, _url(),
          "期间内科技活动发放的宣传册、明白纸、科普图书、展板等资料数量合计", 33)
for i, (kind, label) in enumerate(MaterialKind.choices):
    unit = MATERIAL_UNIT[kind]
    _register(f"event_material_{kind}", f"发放{label}", unit, unit, _material(kind), _url(),
              f"期间内科技活动发放的{label}数量", 34 + i, dashboard=False)
_register("event_firms", "参与科技活动企业", "家", "家", firms_taking_part, _url(),
          "期间内参加（或由本局组织参加）科技活动的企业数，每家企业计一次", 40)
