"""Indicator values, targets, completion, 同比 and ranks for regions and periods."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from keguan.regions.models import Region, RegionLevel
from keguan.rules.periods import Period, competition_ranks

from . import registry
from .models import ReportedValue, Target
from .registry import Indicator, Kind, Timing


def target_years(today: dt.date | None = None) -> list[int]:
    """The years targets are set for on the targets page and imported for: next year, this year and the
    three before, newest first."""
    year = (today or timezone.localdate()).year
    return list(range(year + 1, year - 4, -1))


def districts_of(region: Region) -> list[Region]:
    """The districts/counties a region's values are summed over (itself for a district)."""
    if region.level == RegionLevel.COUNTY:
        return [region]
    if region.level > RegionLevel.COUNTY:
        return []
    return list(Region.objects.filter(path__startswith=region.path, level=RegionLevel.COUNTY).order_by("code"))


def _divide(num: Decimal | None, den: Decimal | None, scale: Decimal) -> Decimal | None:
    if num is None or den in (None, 0):
        return None
    return num / den * scale


class Engine:
    """Computes indicator values once per (indicator, period) over a fixed set of districts, with a cache,
    so a dashboard or a report asks each grouped query only once."""

    def __init__(self, districts: list[Region]):
        self.districts = districts
        self.ids = [d.pk for d in districts]
        self._cache: dict[tuple[str, str], dict[int, Decimal | None]] = {}
        self.memo: dict = {}

    def by_district(self, ind: Indicator, period: Period) -> dict[int, Decimal | None]:
        key = (ind.code, period.key)
        if key not in self._cache:
            self._cache[key] = self._compute(ind, period)
        return self._cache[key]

    def _compute(self, ind: Indicator, period: Period) -> dict[int, Decimal | None]:
        if ind.kind == Kind.COMPUTED:
            raw = ind.by_district(self.ids, period, self.memo) if ind.by_district else {}
            if raw is None:  # the indicator has no value for this kind of period
                return {i: None for i in self.ids}
            return {i: Decimal(raw.get(i, 0)) for i in self.ids}
        if ind.kind == Kind.REPORTED:
            rows = ReportedValue.objects.filter(indicator=ind.code, region_id__in=self.ids, period=period.key)
            got = {r.region_id: r.value for r in rows}
            return {i: got.get(i) for i in self.ids}
        num = self.by_district(registry.get(ind.numerator), period)
        den = self.by_district(registry.get(ind.denominator), period)
        return {i: _divide(num.get(i), den.get(i), ind.scale) for i in self.ids}

    def value(self, ind: Indicator, region: Region, period: Period) -> Decimal | None:
        values = self.by_district(ind, period)
        if region.level == RegionLevel.COUNTY:
            return values.get(region.pk)
        key = ("value", ind.code, region.pk, period.key)  # a city's value: asked for by every card and chart
        if key not in self.memo:
            self.memo[key] = self._larger_region_value(ind, region, period, values)
        return self.memo[key]

    def _larger_region_value(
        self, ind: Indicator, region: Region, period: Period, values: dict[int, Decimal | None]
    ) -> Decimal | None:
        if ind.kind == Kind.RATIO:
            return _divide(
                self.value(registry.get(ind.numerator), region, period),
                self.value(registry.get(ind.denominator), region, period),
                ind.scale,
            )
        if ind.kind == Kind.REPORTED:
            own = ReportedValue.objects.filter(indicator=ind.code, region=region, period=period.key).first()
            if own is not None:
                return own.value
        inside = [d.pk for d in self.districts if d.is_within(region)]
        members = [values.get(pk) for pk in inside]
        if not members or any(v is None for v in members):
            return None
        if ind.whole is not None:
            return Decimal(ind.whole(inside, period, self.memo) or 0)
        return sum(members, Decimal(0))

    def ranks(self, ind: Indicator, period: Period) -> dict[int, int | None]:
        """Each district's rank among the engine's districts (ties share a rank)."""
        key = ("ranks", ind.code, period.key)
        if key not in self.memo:
            self.memo[key] = competition_ranks({d.pk: self.value(ind, d, period) for d in self.districts})
        return self.memo[key]

    def targets(self, year: int) -> dict[tuple[str, int], Decimal]:
        key = ("targets", year)
        if key not in self.memo:
            self.memo[key] = targets_for(self.districts, year)
        return self.memo[key]

    def target_basis(self, ind: Indicator, region: Region, period: Period) -> Decimal | None:
        """What a yearly target is compared with: year-to-date for flows, the period-end state for stocks."""
        basis = period.year_to_date if ind.timing == Timing.FLOW else period
        return self.value(ind, region, basis)


@dataclass
class Score:
    indicator: Indicator
    region: Region
    period: Period
    actual: Decimal | None
    basis: Decimal | None  # the value compared with the target
    target: Decimal | None
    last_year: Decimal | None
    rank: int | None
    rank_of: int

    @property
    def completion(self) -> Decimal | None:
        if self.basis is None or not self.target:
            return None
        return self.basis / self.target

    @property
    def time_progress(self) -> Decimal:
        return self.period.time_progress

    @property
    def ahead(self) -> bool | None:
        c = self.completion
        return None if c is None else c >= self.time_progress

    @property
    def growth(self) -> Decimal | None:
        if self.actual is None or not self.last_year:
            return None
        return (self.actual - self.last_year) / abs(self.last_year)


def city_of(region: Region) -> Region | None:
    """The prefecture-level city a region belongs to (itself for a city)."""
    if region.level == RegionLevel.CITY:
        return region
    codes = [c for c in region.path.strip("/").split("/") if c]
    return Region.objects.filter(code__in=codes, level=RegionLevel.CITY).first()


def targets_for(districts: list[Region], year: int, codes: list[str] | None = None) -> dict[tuple[str, int], Decimal]:
    qs = Target.objects.filter(region__in=districts, year=year)
    if codes is not None:
        qs = qs.filter(indicator__in=codes)
    return {(t.indicator, t.region_id): t.value for t in qs}


def scores(region: Region, period: Period, indicators: list[Indicator], *, engine: Engine | None = None) -> list[Score]:
    """Scorecards for one district (ranked among its city's districts) or one city (no rank)."""
    engine = engine or Engine(districts_of(city_of(region) or region))
    targets = engine.targets(period.year)
    last = period.same_period_last_year()
    out = []
    for ind in indicators:
        actual = engine.value(ind, region, period)
        if region.level == RegionLevel.COUNTY:
            rank = engine.ranks(ind, period).get(region.pk)
            target = targets.get((ind.code, region.pk))
        else:
            rank = None
            parts = [targets.get((ind.code, d.pk)) for d in engine.districts if d.is_within(region)]
            target = sum(parts, Decimal(0)) if parts and all(p is not None for p in parts) and ind.additive else None
        out.append(
            Score(
                indicator=ind,
                region=region,
                period=period,
                actual=actual,
                basis=engine.target_basis(ind, region, period),
                target=target,
                last_year=engine.value(ind, region, last),
                rank=rank,
                rank_of=len(engine.districts),
            )
        )
    return out


def city_table(city: Region, period: Period, indicators: list[Indicator], *, engine: Engine | None = None) -> list[dict]:
    """Districts × indicators: one row per district with a Score per indicator (ranks among the city)."""
    engine = engine or Engine(districts_of(city))
    rows = []
    per_district = {d.pk: scores(d, period, indicators, engine=engine) for d in engine.districts}
    for d in engine.districts:
        rows.append({"district": d, "scores": per_district[d.pk]})
    return rows
