"""Reads of the roster, the teams, the village flags, the assignments and the coverage. Every read starts from
``keguan.core.scope.scoped`` / ``get_for_user``: a township liaison gets its township's villages and
assignments, a commissioner (``fieldwork.own``) only its own rows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Prefetch, Q, QuerySet

from keguan.core.scope import get_for_user, scoped
from keguan.enterprises.models import Enterprise
from keguan.regions.models import Region, RegionLevel

from ..models import (
    FLAGS,
    Assignment,
    Commissioner,
    Kind,
    Letter,
    ServiceLog,
    Team,
    TeamMember,
    VillageInfo,
)

# --- periods ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @property
    def label(self) -> str:
        if self.start.month == 1 and self.start.day == 1 and self.end == dt.date(self.start.year, 12, 31):
            return f"{self.start.year}年"
        return f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}"


def overlapping(qs: QuerySet, period: Period) -> QuerySet:
    """Rows (with ``start_on``/``end_on``) serving in ``period``: started on or before its last day and not
    ended before its first (an empty ``end_on``: still serving)."""
    return qs.filter(start_on__lte=period.end).filter(Q(end_on__isnull=True) | Q(end_on__gte=period.start))


# --- commissioners ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommissionerFilters:
    q: str = ""
    level: str = ""
    kind: str = ""
    form: str = ""
    batch: int | None = None
    field: str = ""
    on: dt.date | None = None  # in service on that date
    district: int | None = None
    ids: tuple[int, ...] = ()
    invalid: bool = False


def commissioner_list(*, user, filters: CommissionerFilters | None = None) -> QuerySet[Commissioner]:
    f = filters or CommissionerFilters()
    qs = scoped(Commissioner, user).select_related("district", "user")
    if f.invalid:
        return qs.none()
    if f.q:
        qs = qs.filter(Q(name__contains=f.q) | Q(employer__contains=f.q) | Q(specialty__contains=f.q)
                       | Q(title__contains=f.q))
    for name in ("level", "kind", "form", "field"):
        if getattr(f, name):
            qs = qs.filter(**{name: getattr(f, name)})
    if f.batch is not None:
        qs = qs.filter(batch=f.batch)
    if f.on is not None:
        qs = overlapping(qs, Period(f.on, f.on))
    if f.district is not None:
        qs = qs.filter(district_id=f.district)
    if f.ids:
        qs = qs.filter(pk__in=f.ids)
    today = dt.date.today()
    return qs.annotate(
        n_villages=Count("assignments", filter=Q(assignments__village__isnull=False)
                         & (Q(assignments__end_on__isnull=True) | Q(assignments__end_on__gte=today))
                         & Q(assignments__start_on__lte=today), distinct=True),
    ).order_by("district__code", "name", "pk")


def commissioner_get(*, user, pk: Any, write: bool = False) -> Commissioner:
    return get_for_user(Commissioner.objects.select_related("district", "user"), user, pk, write=write)


def commissioner_batches(*, user) -> list[int]:
    return sorted(b for b in scoped(Commissioner, user).exclude(batch=None).values_list("batch", flat=True).distinct())


@dataclass
class CommissionerPage:
    assignments: list
    teams: list
    letters: list
    n_logs: int
    n_logs_recent: int
    last_log: dt.date | None
    recent_logs: list


def commissioner_page(*, user, commissioner: Commissioner, today: dt.date | None = None) -> CommissionerPage:
    """What the commissioner's page shows besides its fields: its assignments, teams, letters and logs (each
    read within the user's scope)."""
    today = today or dt.date.today()
    assignments = list(scoped(Assignment, user).filter(commissioner=commissioner)
                       .select_related("village", "village__parent", "enterprise").order_by("-start_on", "pk"))
    teams = list(scoped(TeamMember, user).filter(commissioner=commissioner).select_related("team"))
    letters = list(scoped(Letter, user).filter(commissioner=commissioner).order_by("-year"))
    logs = scoped(ServiceLog, user).filter(commissioner=commissioner)
    stats = logs.aggregate(n=Count("pk"), recent=Count("pk", filter=Q(served_on__gte=today - dt.timedelta(days=30))),
                           last=Max("served_on"))
    recent = list(logs.select_related("village", "enterprise").order_by("-served_on", "-pk")[:5])
    return CommissionerPage(assignments, teams, letters, stats["n"], stats["recent"], stats["last"], recent)


def commissioners_for_select(*, user, district: Region | None = None) -> QuerySet[Commissioner]:
    qs = scoped(Commissioner, user)
    if district is not None:
        qs = qs.filter(district=district)
    return qs.order_by("name", "pk")


# --- teams --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamFilters:
    q: str = ""
    kind: str = ""
    invalid: bool = False


def team_list(*, user, filters: TeamFilters | None = None) -> QuerySet[Team]:
    f = filters or TeamFilters()
    qs = scoped(Team, user).select_related("district")
    if f.invalid:
        return qs.none()
    if f.q:
        qs = qs.filter(Q(name__contains=f.q) | Q(industries__contains=f.q))
    if f.kind:
        qs = qs.filter(kind=f.kind)
    chiefs = TeamMember.objects.filter(is_chief=True).select_related("commissioner")
    return (qs.annotate(n_members=Count("members", distinct=True),
                        n_villages=Count("assignments", filter=Q(assignments__village__isnull=False), distinct=True))
            .prefetch_related(Prefetch("members", queryset=chiefs, to_attr="chiefs"))
            .order_by("district__code", "name", "pk"))


def team_get(*, user, pk: Any, write: bool = False) -> Team:
    return get_for_user(Team.objects.select_related("district"), user, pk, write=write)


def team_members(*, user, team: Team) -> list[TeamMember]:
    return list(scoped(TeamMember, user).filter(team=team).select_related("commissioner")
                .order_by("-is_chief", "commissioner__name", "pk"))


def member_get(*, user, pk: Any, write: bool = False) -> TeamMember:
    member = get_for_user(TeamMember.objects.select_related("team", "team__district", "commissioner"), user, pk)
    if write:
        get_for_user(Team, user, member.team_id, write=True)  # the team's writers change its members
    return member


def team_assignments(*, user, team: Team) -> list[Assignment]:
    return list(scoped(Assignment, user).filter(team=team)
                .select_related("village", "village__parent", "enterprise").order_by("-start_on", "pk"))


# --- villages -----------------------------------------------------------------------------------------------


def villages(*, user) -> QuerySet[Region]:
    """The villages (村/社区) in the user's region."""
    return scoped(Region, user).filter(level=RegionLevel.VILLAGE)


def village_get(*, user, pk: Any) -> Region:
    return get_for_user(villages(user=user).select_related("parent", "parent__parent"), user, pk)


def village_info(village: Region) -> VillageInfo | None:
    return VillageInfo.objects.filter(village=village).first()


def village_assignments(*, user, village: Region) -> list[Assignment]:
    return list(scoped(Assignment, user).filter(village=village).select_related("commissioner", "team")
                .order_by("-start_on", "pk"))


def townships(*, user) -> list[Region]:
    """The townships the user may choose among (its own only, for a township liaison)."""
    return list(scoped(Region, user).filter(level=RegionLevel.TOWNSHIP).order_by("code"))


def districts(*, user) -> list[Region]:
    return list(scoped(Region, user).filter(level=RegionLevel.COUNTY).order_by("code"))


# --- coverage -----------------------------------------------------------------------------------------------


@dataclass
class CoverageRow:
    pk: int
    code: str
    name: str
    township: str
    township_id: int
    flags: tuple[bool, bool, bool]
    serving: list[str] = field(default_factory=list)  # commissioners' and teams' names

    @property
    def covered(self) -> bool:
        return bool(self.serving)


@dataclass
class CoverageGroup:
    label: str
    total: int = 0
    covered: int = 0
    key: Any = None

    @property
    def rate(self) -> Decimal | None:
        return Decimal(self.covered) / self.total if self.total else None

    @property
    def gap(self) -> int:
        return self.total - self.covered


@dataclass
class Coverage:
    period: Period
    rows: list[CoverageRow]
    total: CoverageGroup
    by_township: list[CoverageGroup]
    by_flag: list[CoverageGroup]
    target: Decimal = Decimal(1)  # 全覆盖


def coverage(*, user, period: Period, township: int | None = None, district: int | None = None,
             flag: str = "", uncovered: bool = False) -> Coverage:
    """Every village in the user's region (or the chosen district/township) with who serves it in ``period``,
    and the coverage by township and by flag. A few queries whatever the number of villages."""
    vqs = villages(user=user)
    if district is not None:
        vqs = vqs.filter(parent__parent_id=district)
    if township is not None:
        vqs = vqs.filter(parent_id=township)
    village_rows = list(vqs.order_by("code").values_list("pk", "code", "name", "parent_id", "parent__name"))
    ids = [r[0] for r in village_rows]
    flags: dict[int, tuple[bool, bool, bool]] = {}
    if ids:
        info = scoped(VillageInfo, user).values_list("village_id", *(name for name, _ in FLAGS))
        if district is not None:
            info = info.filter(district_id=district)
        if township is not None:
            info = info.filter(township_id=township)
        flags = {v: tuple(fs) for v, *fs in info}
    serving: dict[int, list[str]] = defaultdict(list)
    aqs = overlapping(scoped(Assignment, user).filter(village__isnull=False), period)
    if district is not None:
        aqs = aqs.filter(district_id=district)
    if township is not None:
        aqs = aqs.filter(township_id=township)
    for village_id, c_name, t_name in aqs.order_by("start_on", "pk").values_list("village_id", "commissioner__name",
                                                                                  "team__name"):
        name = c_name or t_name
        if name not in serving[village_id]:
            serving[village_id].append(name)
    no_flags = (False, False, False)
    rows = [CoverageRow(pk, code, name, town_name, town_id, flags.get(pk, no_flags), serving.get(pk, []))
            for pk, code, name, town_id, town_name in village_rows]
    if flag:
        index = [name for name, _ in FLAGS].index(flag)
        rows = [r for r in rows if r.flags[index]]
    total = CoverageGroup("合计", len(rows), sum(1 for r in rows if r.covered))
    towns: dict[int, CoverageGroup] = {}
    for r in rows:
        g = towns.setdefault(r.township_id, CoverageGroup(r.township, key=r.township_id))
        g.total += 1
        g.covered += r.covered
    by_flag = []
    for i, (name, label) in enumerate(FLAGS):
        marked = [r for r in rows if r.flags[i]]
        by_flag.append(CoverageGroup(label, len(marked), sum(1 for r in marked if r.covered), key=name))
    if uncovered:
        rows = [r for r in rows if not r.covered]
    return Coverage(period, rows, total, list(towns.values()), by_flag)


# --- assignments --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssignmentFilters:
    q: str = ""
    target: str = ""  # "village" | "enterprise"
    kind: str = ""  # the commissioner's kind
    township: int | None = None
    state: str = ""  # "active" | "ended"
    on: dt.date | None = None
    invalid: bool = False


def assignment_list(*, user, filters: AssignmentFilters | None = None) -> QuerySet[Assignment]:
    f = filters or AssignmentFilters()
    qs = scoped(Assignment, user).select_related("commissioner", "team", "village", "village__parent", "enterprise",
                                                 "district")
    if f.invalid:
        return qs.none()
    if f.q:
        qs = qs.filter(Q(commissioner__name__contains=f.q) | Q(team__name__contains=f.q)
                       | Q(village__name__contains=f.q) | Q(enterprise__name__contains=f.q))
    if f.target == "village":
        qs = qs.filter(village__isnull=False)
    elif f.target == "enterprise":
        qs = qs.filter(enterprise__isnull=False)
    if f.kind:
        qs = qs.filter(commissioner__kind=f.kind)
    if f.township is not None:
        qs = qs.filter(township_id=f.township)
    today = dt.date.today()
    if f.state == "active":
        qs = overlapping(qs, Period(today, today))
    elif f.state == "ended":
        qs = qs.filter(end_on__lt=today)
    if f.on is not None:
        qs = overlapping(qs, Period(f.on, f.on))
    return qs.order_by("-start_on", "-pk")


def assignment_get(*, user, pk: Any, write: bool = False) -> Assignment:
    return get_for_user(Assignment.objects.select_related("commissioner", "team", "village", "enterprise", "district"),
                        user, pk, write=write)


def enterprises_for_select(*, user, district: Region | None) -> QuerySet[Enterprise]:
    qs = scoped(Enterprise, user)
    if district is not None:
        qs = qs.filter(district=district)
    return qs.order_by("name")


@dataclass
class FirmRow:
    enterprise: Enterprise
    serving: list[str]
    industrial: bool


def firms_served(*, user, on: dt.date, industrial_only: bool = False) -> list[FirmRow]:
    """Enterprises with a commissioner or a team assigned to them on ``on`` (工业/产业科技特派员 入企)."""
    qs = overlapping(scoped(Assignment, user).filter(enterprise__isnull=False), Period(on, on))
    if industrial_only:
        qs = qs.filter(commissioner__kind=Kind.INDUSTRY)
    out: dict[int, FirmRow] = {}
    for a in qs.select_related("enterprise", "commissioner", "team").order_by("enterprise__name", "start_on"):
        row = out.setdefault(a.enterprise_id, FirmRow(a.enterprise, [], False))
        name = a.commissioner.name if a.commissioner else a.team.name
        if name not in row.serving:
            row.serving.append(name)
        row.industrial = row.industrial or bool(a.commissioner and a.commissioner.kind == Kind.INDUSTRY)
    return list(out.values())


# --- the commissioner's own page ----------------------------------------------------------------------------


def my_commissioner(*, user) -> Commissioner | None:
    """The roster entry linked to ``user``'s account (through the scope: a commissioner sees only its own)."""
    return scoped(Commissioner, user).filter(user=user).select_related("district").first()


def my_assignments(*, user, on: dt.date) -> tuple[list[Assignment], list[Assignment]]:
    """The user's own assignments (its own and its teams'), serving on ``on`` and the others."""
    rows = list(scoped(Assignment, user).select_related("village", "village__parent", "enterprise", "team",
                                                        "commissioner").order_by("-start_on", "pk"))
    current = [a for a in rows if a.start_on <= on and (a.end_on is None or a.end_on >= on)]
    return current, [a for a in rows if a not in current]
