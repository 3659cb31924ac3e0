"""Bulk screening for the district pre-check: for each firm, the status, the score and the number of failed
conditions that ``keguan.rules`` would give, without building the explanations.

The rules explain every condition in Chinese with exact fractions; that takes about 0.5 ms (科小) and 1.2 ms
(高企) a firm, half a minute for a city of 20,000 firms. The pre-check needs only the status and the score of
every firm (to filter, count and rank), and the explanations of the rows it shows: this module computes the
former in integers (money in cents, thresholds as fractions), the page asks the rules for the latter.

It covers the pre-check's case only: the facts the registry holds (registration date, 高新技术领域), recorded
facts and direct qualifications at their defaults, all figures given, amounts in whole cents, no staff
estimates. For anything else ``screen_*`` returns None and the caller asks the rules. It must agree with the
rules exactly: ``tests/test_pipeline.py`` compares both on thousands of random firms, edge cases included;
thresholds are read from the rules' own rule sets.

Two ways in: ``screen_tech_sme``/``screen_hnte`` take the rules' inputs (``FirmFacts`` and figures tuples in
yuan) and check that the case is covered; ``screen_tech_sme_cents``/``screen_hnte_cents`` take what the
registry holds (assessment date, registration date, 高新技术领域 and figures tuples with money already in whole
cents, as the pre-check reads them from the database) and skip the conversion. Both run the same code.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from keguan.pipeline.assess import FACT_DEFAULTS
from keguan.rules.explain import FirmFacts, Status, tech_field_label
from keguan.rules.hnte import HNTE_2016, HnteRuleSet
from keguan.rules.tech_sme import TECH_SME_2017, TechSmeRuleSet

#: Positions in a figures tuple: (year, *FIGURE_FIELDS, total_income) — see ``keguan.pipeline.assess``.
YEAR, EMP, ST, SALES, COST, RD_DOM, RD_ABR, ASSETS, NET, HT, IP1, IP2, INCOME = range(13)


@dataclass(frozen=True, slots=True)
class Screened:
    """``score``: the 科小 total, or the low end of the 高企 innovation score (``high`` its high end); None
    when the data are missing or wrong. ``failed``: the number of conditions that fail; ``ceilings``: of them,
    the 科小 size ceilings (employees, sales, assets), which a growing firm does not come back under."""

    status: Status
    score: int | None = None
    high: int | None = None
    failed: int = 0
    ceilings: int = 0


class _Year:
    """One year's figures with money in cents, from a figures tuple in cents (``total_income`` may be None)."""

    __slots__ = (
        "year",
        "emp",
        "st",
        "sales",
        "cost",
        "rd_dom",
        "rd",
        "assets",
        "net",
        "ht",
        "base",
        "ip1",
        "ip2",
        "bad",
    )

    def __init__(self, row: tuple) -> None:
        (year, emp, st, sales, cost, rd_dom, rd_abr, assets, net, ht, ip1, ip2, *rest) = row
        income = rest[0] if rest else None
        self.year, self.emp, self.st, self.ip1, self.ip2 = year, emp, st, ip1, ip2
        self.sales, self.cost, self.rd_dom = sales, cost, rd_dom
        self.assets, self.net, self.ht = assets, net, ht
        self.rd = rd = rd_dom + rd_abr
        self.base = base = sales if income is None else income
        self.bad = (
            min(emp, st, ip1, ip2) < 0
            or min(sales, cost, rd_dom, rd_abr, assets, ht, base) < 0
            or st > emp >= 0
            or rd > cost >= 0
            or ht > base >= 0
            or net > assets >= 0
        )


class _Fallback(Exception):
    """Not a case this module covers: ask the rules."""


def _cents(value: Decimal | int | None) -> int:
    """An amount in whole cents; ``_Fallback`` for anything else (None, floats, fractions of a cent)."""
    kind = type(value)
    if kind is Decimal:
        try:
            scaled = value * 100  # type: ignore[operator]
            whole = int(scaled)
        except (ValueError, ArithmeticError) as exc:  # NaN, infinities
            raise _Fallback from exc
        if whole != scaled:
            raise _Fallback
        return whole
    if kind is int:
        return value * 100  # type: ignore[operator]
    raise _Fallback


def _plain(facts: FirmFacts) -> bool:
    return all(getattr(facts, name) == default for name, default in FACT_DEFAULTS.items())


def _in_cents(row: tuple) -> tuple:
    """A figures tuple in yuan as one in cents (``_Fallback`` when an amount is not whole cents)."""
    income = row[INCOME] if len(row) > INCOME else None
    return (
        row[YEAR],
        row[EMP],
        row[ST],
        *(_cents(row[i]) for i in range(SALES, HT + 1)),
        row[IP1],
        row[IP2],
        None if income is None else _cents(income),
    )


def _years(rows: list[tuple]) -> dict[int, _Year] | None:
    """The years of figures tuples in yuan, by year; None for a case the rules must decide."""
    out = {}
    for row in rows:
        if any(row[i] is None for i in range(YEAR, IP2 + 1)) or row[YEAR] in out:
            return None
        for i in (EMP, ST, IP1, IP2):
            if not isinstance(row[i], int) or isinstance(row[i], bool):
                return None
        out[row[YEAR]] = _Year(_in_cents(row))
    return out


def _years_cents(rows: list[tuple]) -> dict[int, _Year] | None:
    """The years of figures tuples in cents read from the registry (integers, one row a year), by year; None
    when a value is missing (the caller then reads the figures in yuan and asks ``screen_*``)."""
    out = {}
    for row in rows:
        if None in row[:INCOME] or row[YEAR] in out:
            return None
        out[row[YEAR]] = _Year(row)
    return out


def _ratio(value: Decimal) -> tuple[int, int]:
    """A threshold as (numerator, denominator), for ``_at_least``."""
    t = Fraction(value)
    return t.numerator, t.denominator


def _at_least(num: int, den: int, t: tuple[int, int]) -> bool:
    """num/den ≥ t, for den > 0."""
    return num * t[1] >= t[0] * den


def _band(num: int, den: int, bands: tuple[tuple[tuple[int, int], int], ...]) -> int:
    for (tn, td), points in bands:
        if num * td >= tn * den:
            return points
    return 0


def _limits(cache: dict, rules, make):
    """The limits of ``rules`` computed once (by identity: hashing a rule set costs more than screening)."""
    lim = cache.get(id(rules))
    if lim is None or lim.rules is not rules:
        lim = cache[id(rules)] = make(rules)
    return lim


# --- 科小 ----------------------------------------------------------------------------------------------------


def _sme_limits(rules: TechSmeRuleSet) -> _SmeLimits:
    return _limits(_SME_LIMITS, rules, _SmeLimits)


class _SmeLimits:
    def __init__(self, rules: TechSmeRuleSet) -> None:
        self.rules = rules
        self.max_sales, self.max_assets = _cents(rules.max_sales), _cents(rules.max_assets)
        self.staff = tuple((_ratio(lower), pts) for lower, pts in rules.staff_bands)
        self.rd_sales = tuple((_ratio(lower), pts) for lower, pts in rules.rd_sales_bands)
        self.rd_cost = tuple((_ratio(lower), pts) for lower, pts in rules.rd_cost_bands)


_SME_LIMITS: dict[int, _SmeLimits] = {}


def screen_tech_sme(
    facts: FirmFacts, rows: list[tuple], rules: TechSmeRuleSet = TECH_SME_2017
) -> Screened | None:
    """What ``evaluate_tech_sme(facts, years)`` decides, or None when this module does not cover the case."""
    if not _plain(facts):
        return None
    try:
        years = _years(rows)
    except _Fallback:
        return None
    return None if years is None else _tech_sme(facts.assessed_on, years, rules)


def screen_tech_sme_cents(
    on: dt.date, rows: list[tuple], rules: TechSmeRuleSet = TECH_SME_2017
) -> Screened | None:
    """``screen_tech_sme`` for a registry firm assessed on ``on``, from figures tuples in cents."""
    years = _years_cents(rows)
    return None if years is None else _tech_sme(on, years, rules)


def _tech_sme(on: dt.date, years: dict[int, _Year], rules: TechSmeRuleSet) -> Screened:
    lim = _sme_limits(rules)
    f = years.get(on.year - 1)
    if f is None:
        return Screened(Status.INCOMPLETE)
    if f.bad or f.emp == 0 or (f.sales == 0 and f.cost == 0):
        return Screened(Status.INVALID)
    ceilings = (f.emp > rules.max_employees) + (f.sales > lim.max_sales) + (f.assets > lim.max_assets)
    staff = _band(f.st, f.emp, lim.staff)
    by_sales = _band(f.rd, f.sales, lim.rd_sales) if f.sales else 0
    by_cost = _band(f.rd, f.cost, lim.rd_cost) if f.cost else 0
    if f.ip1 >= 1:
        ip = rules.ip_class1_points
    else:
        ip = next((pts for n, pts in rules.ip_class2_bands if f.ip2 >= n), 0)
    total = staff + max(by_sales, by_cost) + ip
    failed = ceilings + (total < rules.pass_total or staff == 0)
    return Screened(Status.FAILED if failed else Status.PASSED, total, total, failed, ceilings)


# --- 高企 ----------------------------------------------------------------------------------------------------


def _hnte_limits(rules: HnteRuleSet) -> _HnteLimits:
    return _limits(_HNTE_LIMITS, rules, _HnteLimits)


class _HnteLimits:
    def __init__(self, rules: HnteRuleSet) -> None:
        self.rules = rules
        self.st_min = _ratio(rules.st_staff_min)
        self.ladder = tuple(
            (None if upper is None else _cents(upper), _ratio(share)) for upper, share in rules.rd_ladder
        )
        self.domestic_min = _ratio(rules.rd_domestic_min)
        self.hightech_min = _ratio(rules.hightech_min)
        self.growth = tuple((_ratio(lower), lo, hi) for lower, lo, hi in rules.growth_bands)
        self.obtained = (min(lo for *_, lo, _ in rules.ip_obtained), max(hi for *_, hi in rules.ip_obtained))
        self.rd_org = sum(top for *_, top in rules.rd_org_parts)


_HNTE_LIMITS: dict[int, _HnteLimits] = {}


@functools.lru_cache(maxsize=64)
def _field_label(value: str | None) -> str | None:
    return tech_field_label(value)


def _growth(values: list[int], lim: _HnteLimits) -> tuple[int, int]:
    """The points of ``keguan.rules.hnte.growth`` for values oldest first (cents)."""
    if len(values) <= 1 or any(v < 0 for v in values):
        return 0, 0
    if len(values) == 2:
        v1, v2 = values
        if v1 == 0:
            return 0, 0
        num, den = v2 - v1, v1
    else:
        v1, v2, v3 = values
        if v2 == 0:
            return 0, 0
        if v1 == 0:
            num, den = v3 - v2, v2
        else:
            num, den = v2 * v2 + v1 * v3 - 2 * v1 * v2, 2 * v1 * v2
    for (tn, td), low, high in lim.growth:
        if num * td >= tn * den:
            return low, high
    return lim.rules.growth_positive if num > 0 else (0, 0)


def screen_hnte(facts: FirmFacts, rows: list[tuple], rules: HnteRuleSet = HNTE_2016) -> Screened | None:
    """What ``precheck_hnte(facts, years)`` (without estimates) decides, or None when this module does not
    cover the case."""
    if not _plain(facts):
        return None
    try:
        years = _years(rows)
    except _Fallback:
        return None
    if years is None:
        return None
    return _hnte(facts.assessed_on, facts.registered_on, facts.tech_field, years, rules)


def screen_hnte_cents(
    on: dt.date,
    registered: dt.date | None,
    tech_field: str | None,
    rows: list[tuple],
    rules: HnteRuleSet = HNTE_2016,
) -> Screened | None:
    """``screen_hnte`` for a registry firm assessed on ``on``, from figures tuples in cents."""
    years = _years_cents(rows)
    return None if years is None else _hnte(on, registered, tech_field, years, rules)


def _hnte(
    on: dt.date,
    registered: dt.date | None,
    tech_field: str | None,
    years: dict[int, _Year],
    rules: HnteRuleSet,
) -> Screened:
    lim = _hnte_limits(rules)
    missing = invalid = False
    if registered is None:
        missing = True
    elif registered > on:
        invalid = True
    field = None
    try:
        field = _field_label(tech_field)
    except ValueError:
        invalid = True
    last = on.year - 1
    first = last - (rules.rd_years - 1)
    if registered is not None:
        first = max(first, registered.year)
    window = range(first, last + 1)
    if not window:
        missing = True
    else:
        for year in window:
            f = years.get(year)
            if f is None:
                missing = True
            elif f.bad:
                invalid = True
        latest = years.get(last)
        if latest is not None and (latest.emp == 0 or latest.base == 0):
            invalid = True
        if all(y in years for y in window) and sum(years[y].sales for y in window) == 0:
            invalid = True
    if invalid:
        return Screened(Status.INVALID)
    if missing:
        return Screened(Status.INCOMPLETE)
    assert registered is not None
    f = years[last]
    rows_used = [years[y] for y in window]
    failed = (on - registered).days < rules.min_registered_days
    failed += f.ip1 + f.ip2 < 1
    failed += field is None
    failed += not _at_least(f.st, f.emp, lim.st_min)
    rd = domestic = sales = 0
    for r in rows_used:
        rd, domestic, sales = rd + r.rd, domestic + r.rd_dom, sales + r.sales
    need = next(share for upper, share in lim.ladder if upper is None or f.sales <= upper)
    failed += not _at_least(rd, sales, need)
    failed += rd == 0 or not _at_least(domestic, rd, lim.domestic_min)
    failed += not _at_least(f.ht, f.base, lim.hightech_min)
    # Innovation score without estimates: expert-judged parts count with their whole range.
    has_ip = f.ip1 + f.ip2 > 0
    if f.ip1:
        count = rules.ip_class1_range
    else:
        count = (0, 0)
        for n, lo, hi in rules.ip_class2_bands:
            if f.ip2 >= n:
                count = (lo, hi)
                break
    top = rules.expert_band_max if has_ip else 0
    obtained = lim.obtained if has_ip else (0, 0)
    standards = rules.standards_range[1]
    ip_low = min(rules.ip_max, count[0] + obtained[0])
    ip_high = min(rules.ip_max, 2 * top + count[1] + obtained[1] + standards)
    net_low, net_high = _growth([r.net for r in rows_used], lim)
    sales_low, sales_high = _growth([r.sales for r in rows_used], lim)
    low = ip_low + net_low + sales_low
    high = ip_high + rules.conversion_max + lim.rd_org + net_high + sales_high
    if high < rules.innovation_pass:
        failed += 1
    if failed:
        status = Status.FAILED
    elif low >= rules.innovation_pass:
        status = Status.PASSED
    else:
        status = Status.UNCERTAIN
    return Screened(status, low, high, failed)
