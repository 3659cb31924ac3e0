"""Reads of service logs (服务日志); every one starts from the user's scope (``keguan.core.scope``): staff see
their region's logs, a township liaison its township's, a commissioner (``fieldwork.own``) only its own."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractMonth

from keguan.core.scope import get_for_user, scoped
from keguan.enterprises.models import Enterprise
from keguan.regions.models import Region, RegionLevel

from ..models import Assignment, Commissioner, LogPhoto, ServiceLog

SILENT_DAYS = 30


def in_service(qs: QuerySet[Commissioner], today: dt.date) -> QuerySet[Commissioner]:
    return qs.filter(start_on__lte=today).filter(Q(end_on__isnull=True) | Q(end_on__gte=today))


def current(qs: QuerySet[Assignment], today: dt.date) -> QuerySet[Assignment]:
    return qs.filter(start_on__lte=today).filter(Q(end_on__isnull=True) | Q(end_on__gte=today))


def own_commissioner(user) -> Commissioner | None:
    """The commissioner record of a signed-in commissioner (its account), when it has one."""
    if not getattr(user, "is_authenticated", False):
        return None
    return scoped(Commissioner, user).select_related("district").filter(user=user).first()


# --- the list ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogFilters:
    district: int | None = None
    township: int | None = None
    commissioner: int | None = None
    village: str = ""  # a village's name (part of it) or its 12-digit code
    month: dt.date | None = None  # its first day
    kind: str = ""
    since: dt.date | None = None  # a figure's period (the summary's and the dashboard's links)
    until: dt.date | None = None
    introduced: bool = False  # only services that introduced new varieties or techniques
    ids: tuple[int, ...] = ()  # 导出所选
    invalid: bool = False


def log_list(*, user, filters: LogFilters | None = None) -> QuerySet[ServiceLog]:
    f = filters or LogFilters()
    qs = scoped(ServiceLog, user)
    if f.invalid:
        return qs.none()
    if f.ids:
        qs = qs.filter(pk__in=f.ids)
    if f.district:
        qs = qs.filter(district_id=f.district)
    if f.township:
        qs = qs.filter(township_id=f.township)
    if f.commissioner:
        qs = qs.filter(commissioner_id=f.commissioner)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.since:
        qs = qs.filter(served_on__gte=f.since)
    if f.until:
        qs = qs.filter(served_on__lte=f.until)
    if f.introduced:
        qs = qs.filter(introduced__gt=0)
    if f.month:
        nxt = (f.month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        qs = qs.filter(served_on__gte=f.month, served_on__lt=nxt)
    if f.village:
        text = f.village.strip()
        villages = Region.objects.filter(level=RegionLevel.VILLAGE)
        villages = villages.filter(code=text) if text.isdigit() and len(text) == 12 else villages.filter(name__contains=text)
        qs = qs.filter(village_id__in=list(villages.values_list("pk", flat=True)[:500]))
    return (qs.select_related("commissioner", "village", "enterprise", "township", "district", "entered_by")
            .order_by("-served_on", "-id"))


def with_photo_counts(logs: list[ServiceLog]) -> list[ServiceLog]:
    """Each log of a page with ``n_photos`` (one query for the page)."""
    counts = dict(LogPhoto.objects.filter(log_id__in=[lg.pk for lg in logs]).values_list("log_id").annotate(n=Count("id")))
    for lg in logs:
        lg.n_photos = counts.get(lg.pk, 0)
    return logs


def log_get(*, user, pk: Any, write: bool = False) -> ServiceLog:
    qs = ServiceLog.objects.select_related("commissioner", "commissioner__user", "village", "enterprise", "township",
                                           "district", "created_by", "entered_by", "demand")
    return get_for_user(qs, user, pk, write=write)


def log_photo(*, log: ServiceLog, photo_pk: Any) -> LogPhoto:
    from django.http import Http404

    try:
        return log.photos.get(pk=photo_pk)
    except (LogPhoto.DoesNotExist, ValueError, TypeError):
        raise Http404("照片不存在") from None


def commissioners_in_scope(user) -> QuerySet[Commissioner]:
    return scoped(Commissioner, user).select_related("district").order_by("district__code", "name", "id")


def commissioners_for_entry(user, today: dt.date) -> tuple[list[Commissioner], list[Commissioner]]:
    """Whom ``user`` may enter a log for (代为登记): the commissioners of its scope, split into those in service
    today and the others (ended, or not started yet), each by name."""
    qs = commissioners_in_scope(user)
    active = set(in_service(qs, today).values_list("pk", flat=True))
    people = list(qs)
    return [c for c in people if c.pk in active], [c for c in people if c.pk not in active]


def place_in_scope(user, *, village: Region | None = None, enterprise: Enterprise | None = None) -> bool:
    """Whether the village or the firm a log is entered for lies in ``user``'s own area (a clerk files logs
    only where it works, whatever the commissioner's district)."""
    if village is not None:
        return scoped(Region.objects.filter(pk=village.pk), user).exists()
    if enterprise is not None:
        return scoped(Enterprise.objects.filter(pk=enterprise.pk), user).exists()
    return False


def townships_in_scope(user) -> QuerySet[Region]:
    region = getattr(user, "region", None)
    if region is None:
        return Region.objects.none()
    return Region.objects.filter(path__startswith=region.path, level=RegionLevel.TOWNSHIP).order_by("code")


def districts_in_scope(user) -> QuerySet[Region]:
    region = getattr(user, "region", None)
    if region is None:
        return Region.objects.none()
    return Region.objects.filter(path__startswith=region.path, level=RegionLevel.COUNTY).order_by("code")


# --- where a commissioner serves ----------------------------------------------------------------------------


@dataclass
class Places:
    """The places a commissioner may log: its assigned villages and firms first, then every village of its
    district by township."""

    assigned_villages: list[Region] = field(default_factory=list)
    assigned_enterprises: list[Enterprise] = field(default_factory=list)
    by_township: list[tuple[Region, list[Region]]] = field(default_factory=list)


def commissioner_places(commissioner: Commissioner, today: dt.date) -> Places:
    mine = current(Assignment.objects.filter(Q(commissioner=commissioner) | Q(team__members__commissioner=commissioner)),
                   today)
    village_ids = set(mine.exclude(village__isnull=True).values_list("village_id", flat=True))
    ent_ids = set(mine.exclude(enterprise__isnull=True).values_list("enterprise_id", flat=True))
    villages = list(Region.objects.filter(path__startswith=commissioner.district.path, level=RegionLevel.VILLAGE)
                    .select_related("parent").order_by("code"))
    grouped: dict[int, list[Region]] = defaultdict(list)
    towns: dict[int, Region] = {}
    for v in villages:
        grouped[v.parent_id].append(v)
        towns[v.parent_id] = v.parent
    return Places(
        assigned_villages=[v for v in villages if v.pk in village_ids],
        assigned_enterprises=list(Enterprise.objects.filter(pk__in=ent_ids).order_by("name")),
        by_township=[(towns[t], grouped[t]) for t in sorted(grouped, key=lambda t: towns[t].code)],
    )


def district_enterprise(*, district_id: int, text: str) -> Enterprise | None:
    """A firm of the district named by its credit code or its exact full name."""
    from keguan.rules.identifiers import normalize_credit_code

    text = (text or "").strip()
    if not text:
        return None
    base = Enterprise.objects.filter(district_id=district_id)
    code = normalize_credit_code(text)
    if len(code) == 18:
        found = base.filter(credit_code=code).first()
        if found is not None:
            return found
    matches = list(base.filter(name=text)[:2])
    return matches[0] if len(matches) == 1 else None


# --- per commissioner and month -------------------------------------------------------------------------------


@dataclass
class CountRow:
    commissioner: Commissioner
    months: list[int]  # 12 counts
    total: int
    last: dt.date | None


def monthly_counts(*, user, year: int, district: int | None = None, silent_only: bool = False,
                   today: dt.date) -> tuple[list[CountRow], list[int]]:
    """Per commissioner in scope: its logs of each month of ``year`` and its last log ever; with
    ``silent_only`` only those in service without a log in the last ``SILENT_DAYS`` days. Also the column
    totals."""
    people = commissioners_in_scope(user)
    if district:
        people = people.filter(district_id=district)
    if silent_only:
        people = silent_commissioners(people, today)
    people = list(people)
    logs = scoped(ServiceLog, user).filter(commissioner_id__in=[c.pk for c in people])
    cells = (logs.filter(served_on__year=year).annotate(m=ExtractMonth("served_on"))
             .values_list("commissioner_id", "m").annotate(n=Count("id")).order_by())
    grid: dict[int, list[int]] = defaultdict(lambda: [0] * 12)
    for cid, m, n in cells:
        grid[cid][m - 1] = n
    last = dict(logs.values_list("commissioner_id").annotate(d=Max("served_on")).order_by())
    rows = [CountRow(c, grid[c.pk], sum(grid[c.pk]), last.get(c.pk)) for c in people]
    totals = [sum(r.months[i] for r in rows) for i in range(12)]
    return rows, totals


def log_years(*, user, today: dt.date) -> list[int]:
    first = scoped(ServiceLog, user).order_by("served_on").values_list("served_on", flat=True).first()
    start = first.year if first else today.year
    return list(range(today.year, min(start, today.year) - 1, -1))


def silent_commissioners(qs: QuerySet[Commissioner], today: dt.date) -> QuerySet[Commissioner]:
    """Commissioners in service for more than ``SILENT_DAYS`` days without a log in the last ``SILENT_DAYS``."""
    since = today - dt.timedelta(days=SILENT_DAYS)
    recent = ServiceLog.objects.filter(commissioner=OuterRef("pk"), served_on__gt=since)
    return in_service(qs, today).filter(start_on__lte=since).filter(~Exists(recent))


def silent_count(*, user, today: dt.date) -> int:
    return silent_commissioners(scoped(Commissioner, user), today).count()


def own_silent(*, commissioner: Commissioner, today: dt.date) -> tuple[bool, dt.date | None]:
    """Whether the commissioner is silent (in service for more than ``SILENT_DAYS`` days, no log in the last
    ``SILENT_DAYS``) and the date of its last log (None: never logged)."""
    since = today - dt.timedelta(days=SILENT_DAYS)
    last = commissioner.logs.order_by("-served_on").values_list("served_on", flat=True).first()
    if commissioner.start_on > since or (commissioner.end_on is not None and commissioner.end_on < today):
        return False, last
    return (last is None or last <= since), last
