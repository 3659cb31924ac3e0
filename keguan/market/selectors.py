"""Reads of 技术市场与科技成果; every one starts from the user's scope (``keguan.core.scope``).

A contract is seen from the city and from the district of either of its sides, once. 吸纳/输出 "for the
user's region" is read from the sides: 吸纳 rows whose district (or, for a city user, whose city) is the
user's region."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from keguan.core.scope import covers_districts, get_for_user, home_district, scoped
from keguan.enterprises.selectors import districts_in_scope
from keguan.regions.models import Region, RegionLevel
from keguan.rules import tech_market

from .models import Award, ContractSide, Result, TechContract

WAN = Decimal(10000)
SIDE_CHOICES = [("", "全部"), (tech_market.ABSORB, "吸纳"), (tech_market.OUTPUT, "输出")]


def user_city(user) -> Region | None:
    """The city a user works in (its own region, or its district's city); None for province/superusers."""
    region = getattr(user, "region", None)
    while region is not None and region.level > RegionLevel.CITY:
        region = region.parent
    return region if region is not None and region.level == RegionLevel.CITY else None


# --- contracts ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContractFilters:
    side: str = ""
    kind: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    district: int | None = None
    q: str = ""
    invalid: bool = False


def _sides_here(user, side: str, district: int | None) -> QuerySet[ContractSide]:
    """The user's sides of one direction (吸纳 of its district; of its city, for city users), or of one
    district it sees."""
    rows = scoped(ContractSide, user)
    if side:
        rows = rows.filter(side=side)
    if district:
        rows = rows.filter(district_id=district)
    return rows


def contract_list(*, user, filters: ContractFilters | None = None) -> QuerySet[TechContract]:
    f = filters or ContractFilters()
    qs = scoped(TechContract, user).select_related("seller_region", "buyer_region")
    if f.invalid:
        return qs.none()
    if f.side or f.district:
        qs = qs.filter(pk__in=_sides_here(user, f.side, f.district).values("contract_id"))
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.since:
        qs = qs.filter(registered_on__gte=f.since)
    if f.until:
        qs = qs.filter(registered_on__lte=f.until)
    if f.q:
        words = f.q.strip()
        qs = qs.filter(Q(number__icontains=words) | Q(name__icontains=words) | Q(seller_name__icontains=words)
                       | Q(buyer_name__icontains=words) | Q(seller_code=words.upper()) | Q(buyer_code=words.upper()))
    return qs.order_by("-registered_on", "-id")


def contract_list_totals(qs: QuerySet[TechContract]) -> dict[str, Any]:
    agg = qs.order_by().aggregate(n=Count("id"), c=Sum("contract_amount"), t=Sum("transaction_amount"))
    return {"n": agg["n"], "contract": (agg["c"] or Decimal(0)) / WAN, "transaction": (agg["t"] or Decimal(0)) / WAN}


def contract_get(*, user, pk: Any, write: bool = False) -> TechContract:
    qs = TechContract.objects.select_related("seller_region", "buyer_region", "seller_enterprise", "buyer_enterprise",
                                             "created_by")
    return get_for_user(qs, user, pk, write=write)


def contract_sides(contract: TechContract) -> list[ContractSide]:
    return list(contract.sides.select_related("city", "district").order_by("side", "city__code"))


# --- totals by district and month ---------------------------------------------------------------------

MEASURES = {"count": "项数", "contract": "合同成交额（万元）", "transaction": "技术交易额（万元）"}


@dataclass
class Cell:
    count: int = 0
    contract: Decimal = Decimal(0)  # yuan
    transaction: Decimal = Decimal(0)

    def add(self, other: Cell) -> None:
        self.count += other.count
        self.contract += other.contract
        self.transaction += other.transaction

    def value(self, measure: str) -> Decimal | int:
        if measure == "count":
            return self.count
        return (self.contract if measure == "contract" else self.transaction) / WAN


@dataclass
class TotalsRow:
    label: str
    district: Region | None  # None: the city-only part or the city's total
    kind: str = "district"  # district, city_only, city
    cells: dict[str, dict[int, Cell]] = field(default_factory=dict)  # side → month (0: the year) → cell

    def cell(self, side: str, month: int) -> Cell:
        return self.cells.setdefault(side, {}).setdefault(month, Cell())


@dataclass
class Totals:
    year: int
    rows: list[TotalsRow]

    def row(self, kind: str) -> TotalsRow | None:
        return next((r for r in self.rows if r.kind == kind), None)


def contract_totals(*, user, year: int) -> Totals:
    """Contracts (count, 合同成交额, 技术交易额) by district and month of ``year``, 吸纳 and 输出. A city user
    also gets the city-only part (parties known only to the city) and the city's row, which is the sum of
    its districts' and the city-only part. One grouped query over the sides."""
    rows_q = (scoped(ContractSide, user)
              .filter(registered_on__gte=dt.date(year, 1, 1), registered_on__lt=dt.date(year + 1, 1, 1))
              .values_list("district_id", "side", "registered_on")
              .annotate(n=Count("id"), c=Sum("contract_amount"), t=Sum("transaction_amount"))
              .order_by())
    own = home_district(user)
    if own is not None:
        districts = [own]
    else:
        districts = list(districts_in_scope(user=user))
    rows = {d.pk: TotalsRow(d.name, d) for d in districts}
    city_only = TotalsRow("市本级（未细分到区县）", None, "city_only")
    city = user_city(user)
    whole = TotalsRow(f"{city.name}合计" if city else "合计", None, "city")
    # grouped by day, folded into months here: SQLite has no native month extraction (Django's is a Python
    # function called per row), and a day's groups are few (≤ 366 × districts × 2)
    for district_id, side, day, n, c, t in rows_q:
        month = day.month
        target = rows.get(district_id) if district_id is not None else city_only
        if target is None:  # a district outside the list (a superuser's other cities): only in the total
            target = TotalsRow("", None, "other")
        cell = Cell(n, c or Decimal(0), t or Decimal(0))
        for r in (target, whole):
            r.cell(side, month).add(cell)
            r.cell(side, 0).add(cell)
    out = list(rows.values())
    if covers_districts(user):
        out += [city_only, whole]
    return Totals(year=year, rows=out)


def contract_years(*, user) -> list[int]:
    today = dt.date.today()
    first = scoped(ContractSide, user).order_by("registered_on").values_list("registered_on", flat=True).first()
    start = min(first.year, today.year) if first else today.year
    return list(range(today.year, max(start, today.year - 15) - 1, -1))


# --- results and awards ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordFilters:
    q: str = ""
    kind: str = ""
    level: str = ""
    year: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    district: int | None = None
    prize: str = ""  # "won": with a prize; "entry": entries of competitions
    invalid: bool = False


def _record_filters(qs: QuerySet, f: RecordFilters, *, when: str, by_year: bool, words: tuple[str, ...]) -> QuerySet:
    """The filters results and awards share: nothing for an invalid form; kind, district; year and dates on the
    field ``when`` (a date, or with ``by_year`` a year: the dates then bound the year); keywords over ``words``."""
    if f.invalid:
        return qs.none()
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.district:
        qs = qs.filter(district_id=f.district)
    if f.year:
        qs = qs.filter(**{when if by_year else f"{when}__year": f.year})
    for bound, op in ((f.since, "gte"), (f.until, "lte")):
        if bound:
            qs = qs.filter(**{f"{when}__{op}": bound.year if by_year else bound})
    if f.q:
        cond = Q()
        for name in words:
            cond |= Q(**{f"{name}__icontains": f.q})
        qs = qs.filter(cond)
    return qs


def result_list(*, user, filters: RecordFilters | None = None) -> QuerySet[Result]:
    qs = scoped(Result, user).select_related("district", "enterprise")
    qs = _record_filters(qs, filters or RecordFilters(), when="registered_on", by_year=False,
                         words=("name", "holders", "number"))
    return qs.order_by("-registered_on", "-id")


def result_get(*, user, pk: Any, write: bool = False) -> Result:
    return get_for_user(Result.objects.select_related("district", "enterprise", "created_by"), user, pk, write=write)


def award_list(*, user, filters: RecordFilters | None = None) -> QuerySet[Award]:
    f = filters or RecordFilters()
    qs = scoped(Award, user).select_related("district", "enterprise")
    qs = _record_filters(qs, f, when="year", by_year=True, words=("name", "project", "winners"))
    if f.level:
        qs = qs.filter(level=f.level)
    if f.prize == "won":
        qs = qs.exclude(prize="")
    elif f.prize == "entry":
        qs = qs.filter(kind="contest")
    return qs.order_by("-year", "-id")


def award_get(*, user, pk: Any, write: bool = False) -> Award:
    return get_for_user(Award.objects.select_related("district", "enterprise", "created_by"), user, pk, write=write)
