"""From the enterprise registry to the official rules (``keguan.rules``): the adapter that the self-check page,
the district pre-check and ``keguan assess`` share.

An ``Enterprise`` and its ``EnterpriseYear`` rows become the rules' ``FirmFacts`` and ``YearFigures``; both the
科小 evaluation and the 高企 pre-check run for an assessment date (default today). "What if" figures replace
the last fiscal year's figures (or stand in for a year not filed yet) for one run: nothing is saved.

The registry has no 总收入 field: ``total_income`` stays unset, and the rules then use sales (and say so).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from typing import Any

from django.utils import timezone

from keguan.enterprises.models import YEAR_FIELDS
from keguan.rules.explain import FIELD_LABELS, MONEY_FIELDS, FirmFacts, YearFigures, facts_in_force, wan
from keguan.rules.hnte import HNTE_2016, HnteEstimates, HnteResult, precheck_hnte
from keguan.rules.tech_sme import TechSmeResult, evaluate_tech_sme

#: The ``EnterpriseYear`` fields that the rules read, in this order (same names as ``YearFigures``).
FIGURE_FIELDS = YEAR_FIELDS
#: What may be changed in a "what if" run: the registry's figures plus 总收入.
WHAT_IF_FIELDS = (*FIGURE_FIELDS, "total_income")
#: ``FirmFacts`` fields a "what if" run may set (the rest come from the enterprise record).
FACT_DEFAULTS = {
    f.name: f.default
    for f in fields(FirmFacts)
    if f.name not in ("assessed_on", "registered_on", "tech_field")
}
FACT_FIELDS = tuple(FACT_DEFAULTS)


def year_figures(year: int, values: Sequence[Any] | Mapping[str, Any]) -> YearFigures:
    """``YearFigures`` from the values of ``FIGURE_FIELDS`` (in that order) or a mapping of them."""
    data = dict(values) if isinstance(values, Mapping) else dict(zip(FIGURE_FIELDS, values, strict=True))
    return YearFigures(year=year, **data)


def figures_of(rows: Iterable[Any]) -> tuple[YearFigures, ...]:
    """``YearFigures`` for ``EnterpriseYear`` rows (any order), with their 总收入 where given."""
    return tuple(
        YearFigures(year=r.year, total_income=getattr(r, "total_income", None),
                    **{name: getattr(r, name) for name in FIGURE_FIELDS})
        for r in rows
    )


def firm_facts(enterprise: Any, *, on: dt.date, **facts: Any) -> FirmFacts:
    """The rules' facts for ``enterprise`` assessed on ``on``; ``facts`` sets the recorded facts (flags,
    高企 certificate date, direct qualifications) that the registry does not hold."""
    unknown = set(facts) - set(FACT_FIELDS)
    if unknown:
        raise TypeError(f"unknown facts: {sorted(unknown)}")
    return FirmFacts(
        assessed_on=on,
        registered_on=enterprise.registered_on,
        tech_field=enterprise.tech_field or None,
        **facts,
    )


def recorded_facts(enterprise: Any, on: dt.date) -> dict[str, Any]:
    """The ``FirmFacts`` the records hold for ``enterprise`` on ``on``: a 高企 certificate valid that day (科小's
    direct qualification) and the recorded facts in force (``keguan.rules.explain.facts_in_force``)."""
    if not getattr(enterprise, "pk", None):
        return {}
    out: dict[str, Any] = facts_in_force(enterprise.recorded_facts.values_list("kind", "year"), on)
    issued = enterprise.hnte_certificates.filter(issued_on__lte=on, expires_on__gte=on).order_by("issued_on")
    cert = issued.values_list("issued_on", flat=True).first()
    if cert is not None:
        out["hnte_certificate_issued_on"] = cert
    return out


def hnte_years(facts: FirmFacts) -> tuple[int, ...]:
    """The fiscal years the 高企 pre-check uses: the last three before the application date, or fewer for a
    firm registered later (as ``keguan.rules.hnte`` counts them)."""
    last = facts.last_fiscal_year
    first = last - (HNTE_2016.rd_years - 1)
    if facts.registered_on is not None:
        first = max(first, facts.registered_on.year)
    return tuple(range(first, last + 1))


def figures_row(year: int, values: Sequence[Any], total_income: Decimal | None = None) -> tuple:
    """The figures tuple ``keguan.pipeline.screen`` reads: (year, *FIGURE_FIELDS values, total_income)."""
    return (year, *values, total_income)


def run_rules(
    facts: FirmFacts, years: Iterable[YearFigures], estimates: HnteEstimates | None = None
) -> tuple[TechSmeResult, HnteResult]:
    years = tuple(years)
    return evaluate_tech_sme(facts, years), precheck_hnte(facts, years, estimates)


@dataclass(frozen=True)
class Change:
    """One figure replaced in a "what if" run."""

    field: str
    label: str
    old: object
    new: object

    @property
    def text(self) -> str:
        def shown(value: object) -> str:
            if value is None:
                return "未填"
            return wan(value) if self.field in MONEY_FIELDS else str(value)  # type: ignore[arg-type]

        return f"{self.label}：{shown(self.old)} → {shown(self.new)}"


@dataclass(frozen=True)
class Assessment:
    """Both rules' results for one firm on ``on``. ``changes`` lists the "what if" figures of ``what_if_year``
    (empty for a run on the stored figures); ``facts_changed`` the recorded facts set for the run."""

    on: dt.date
    facts: FirmFacts
    years: tuple[YearFigures, ...]
    tech_sme: TechSmeResult
    hnte: HnteResult
    what_if_year: int
    changes: tuple[Change, ...] = ()
    facts_changed: tuple[str, ...] = ()

    @property
    def simulated(self) -> bool:
        return bool(self.changes or self.facts_changed)


def apply_what_if(
    years: Iterable[YearFigures], year: int, figures: Mapping[str, Any]
) -> tuple[tuple[YearFigures, ...], tuple[Change, ...]]:
    """``years`` with ``figures`` replacing those of ``year`` (a new year when it has none). Values equal to
    the stored ones are not changes."""
    unknown = set(figures) - set(WHAT_IF_FIELDS)
    if unknown:
        raise TypeError(f"unknown figures: {sorted(unknown)}")
    by_year = {f.year: f for f in years}
    current = by_year.get(year)
    base = current if current is not None else YearFigures(year=year)
    changes = []
    for name in WHAT_IF_FIELDS:
        if name not in figures or figures[name] is None:
            continue
        old = getattr(base, name) if current is not None else None
        new = figures[name]
        if isinstance(new, Decimal) and isinstance(old, Decimal) and new == old:
            continue
        if old == new:
            continue
        changes.append(Change(name, FIELD_LABELS[name], old, new))
    if changes:
        by_year[year] = replace(base, **{c.field: c.new for c in changes})
    return tuple(sorted(by_year.values(), key=lambda f: f.year)), tuple(changes)


def assess_enterprise(
    enterprise: Any,
    *,
    rows: Iterable[Any] | None = None,
    on: dt.date | None = None,
    what_if: Mapping[str, Any] | None = None,
    facts: Mapping[str, Any] | None = None,
    estimates: HnteEstimates | None = None,
) -> Assessment:
    """Run the 科小 evaluation and the 高企 pre-check for ``enterprise`` on ``on`` (default today).

    ``rows``: its ``EnterpriseYear`` rows (default: read them, or use a prefetched ``years``). ``what_if``:
    figures for the last fiscal year before ``on`` that replace the stored ones for this run only.
    ``facts``: recorded facts (``FirmFacts`` fields) for this run. ``estimates``: staff estimates of the
    expert-judged parts of the 高企 innovation score. Nothing is saved."""
    on = on or timezone.localdate()
    stored = figures_of(enterprise.years.all() if rows is None else rows)
    set_facts = {k: v for k, v in (facts or {}).items() if k not in FACT_DEFAULTS or v != FACT_DEFAULTS[k]}
    recorded = {k: v for k, v in recorded_facts(enterprise, on).items() if k not in set_facts}
    the_facts = firm_facts(enterprise, on=on, **recorded, **set_facts)
    years, changes = apply_what_if(stored, on.year - 1, what_if or {})
    tech_sme, hnte = run_rules(the_facts, years, estimates)
    return Assessment(
        on=on,
        facts=the_facts,
        years=years,
        tech_sme=tech_sme,
        hnte=hnte,
        what_if_year=on.year - 1,
        changes=changes,
        facts_changed=tuple(sorted(set_facts)),
    )


def estimates_from(values: Mapping[str, Any], years: tuple[int, ...]) -> HnteEstimates:
    """``HnteEstimates`` from estimate values by name — the self-check form's inputs or a stored
    ``HnteEstimate`` (blank or None = not estimated); the three-year conversions total goes on the first year
    (the rules average the years' sum)."""
    conversions = None
    if values.get("conversions") is not None and years:
        conversions = {y: (values["conversions"] if i == 0 else 0) for i, y in enumerate(years)}
    return HnteEstimates(
        ip_advancement=values.get("ip_advancement") or None,
        ip_core_support=values.get("ip_core_support") or None,
        ip_obtained=values.get("ip_obtained") or None,
        standards_drafted=values.get("standards_drafted"),
        conversions=conversions,
        rd_org_management=values.get("rd_org_management"),
        rd_org_body=values.get("rd_org_body"),
        rd_org_incentives=values.get("rd_org_incentives"),
        rd_org_training=values.get("rd_org_training"),
    )
