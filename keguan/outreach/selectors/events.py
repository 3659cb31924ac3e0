"""Reads of 科技活动, always from the user's scope (``keguan.core.scope``): the list with its filters (the
export reads the same), a month of the calendar, one event with its materials, firms and photos, the firms
of a district to choose from, and the events a firm took part in (its page's section)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet, Sum

from keguan.core.scope import get_for_user, home_district, scoped
from keguan.enterprises.models import Enterprise

from ..models import Event, EventFirm, EventMaterial, EventPhoto, MaterialKind
from ..services.events import MAX_DAYS


@dataclass(frozen=True)
class EventFilters:
    kind: str = ""
    role: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    district: int | None = None
    township: int | None = None
    q: str = ""
    enterprise: int | None = None
    invalid: bool = False  # the filter form had errors: show nothing rather than everything


def month_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _base(user) -> QuerySet[Event]:
    qs = scoped(Event, user)
    district = home_district(user)
    if district is not None:  # (the same rows: a district's events are filed under it; lets the index lead)
        qs = qs.filter(region=district)
    return qs


def event_list(*, user, filters: EventFilters = EventFilters()) -> QuerySet[Event]:
    qs = _base(user)
    f = filters
    if f.invalid:
        return qs.none()
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.role:
        qs = qs.filter(role=f.role)
    if f.since:  # events that run into the range (a three-day 科技活动周 starting the day before counts); an
        # event lasts less than MAX_DAYS, so the range on starts_on lets the index find them
        qs = qs.filter(starts_on__gte=f.since - dt.timedelta(days=MAX_DAYS)).filter(
            Q(ends_on__gte=f.since) | Q(ends_on__isnull=True, starts_on__gte=f.since))
    if f.until:
        qs = qs.filter(starts_on__lte=f.until)
    if f.district:
        qs = qs.filter(region_id=f.district)
    if f.township:
        qs = qs.filter(township_id=f.township)
    if f.enterprise:
        qs = qs.filter(pk__in=EventFirm.objects.filter(enterprise_id=f.enterprise).values("event_id"))
    if f.q:
        q = f.q
        qs = qs.filter(Q(title__contains=q) | Q(place__contains=q) | Q(organisers__contains=q)
                       | Q(co_organisers__contains=q) | Q(theme__contains=q))
    return qs.select_related("region", "township").order_by("-starts_on", "-id")


def with_figures(events: list[Event]) -> list[Event]:
    """The page's events with their materials total (``material_total``) and firms count (``firm_count``), in
    two queries for the page, not per row."""
    ids = [e.pk for e in events]
    totals = dict(EventMaterial.objects.filter(event_id__in=ids).values_list("event_id").annotate(n=Sum("count"))
                  .order_by())
    firms: dict[int, int] = {}
    for event_id in EventFirm.objects.filter(event_id__in=ids).values_list("event_id", flat=True):
        firms[event_id] = firms.get(event_id, 0) + 1
    for e in events:
        e.material_total = totals.get(e.pk, 0)
        e.firm_count = firms.get(e.pk, 0)
    return events


def export_rows(qs: QuerySet[Event]):
    """The events of ``qs`` with their materials and firms, for the export (in chunks)."""
    return qs.prefetch_related(
        Prefetch("materials", queryset=EventMaterial.objects.order_by("kind")),
        Prefetch("firms", queryset=EventFirm.objects.select_related("enterprise").order_by("id")),
    )


CALENDAR_ROWS = 5000  # a month of a whole city's events is read as plain values, at most this many


def events_in_month(*, user, year: int, month: int, filters: EventFilters = EventFilters()) -> dict[dt.date, list[dict]]:
    """The month's events (those running on any of its days) by day, an event of several days on each; each as
    a dict of pk, title, kind, starts_on, ends_on."""
    first, last = month_range(year, month)
    shown = EventFilters(**{**filters.__dict__, "since": first, "until": last})
    out: dict[dt.date, list[dict]] = {}
    rows = (event_list(user=user, filters=shown).select_related(None).order_by("starts_on", "id")
            .values("pk", "title", "kind", "starts_on", "ends_on")[:CALENDAR_ROWS])
    for e in rows:
        day = max(e["starts_on"], first)
        end = min(e["ends_on"] or e["starts_on"], last)
        while day <= end:
            out.setdefault(day, []).append(e)
            day += dt.timedelta(days=1)
    return out


def event_get(*, user, pk, write: bool = False) -> Event:
    return get_for_user(Event.objects.select_related("region", "township", "created_by"), user, pk, write=write)


def event_materials(event: Event) -> list[EventMaterial]:
    order = {k: i for i, k in enumerate(MaterialKind.values)}
    return sorted(event.materials.all(), key=lambda m: order.get(m.kind, 99))


def event_firms(event: Event) -> list[EventFirm]:
    return list(event.firms.select_related("enterprise").order_by("id"))


def event_photos(event: Event) -> list[EventPhoto]:
    return list(event.photos.order_by("id"))


def photo_get(*, user, pk, write: bool = False) -> EventPhoto:
    """A photo of an event in the user's scope (404 outside it, as a missing one)."""
    return get_for_user(EventPhoto.objects.select_related("event"), user, pk, write=write)


def firm_events(*, user, enterprise: Enterprise) -> QuerySet[EventFirm]:
    """The events the firm took part in (or was sent to), newest first, as the user sees them."""
    return (scoped(EventFirm, user).filter(enterprise=enterprise).select_related("event")
            .order_by("-event__starts_on", "-id"))


def event_years(*, user) -> list[int]:
    """The years with events, newest first (the filter's choices)."""
    return sorted({d.year for d in _base(user).dates("starts_on", "year")}, reverse=True)
