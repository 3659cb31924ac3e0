"""Reads for the pipeline pages: the district pre-check over every firm in the user's scope.

The pre-check reads the firms and the figures it needs in two queries (``values_list``, no model instances),
screens every firm with ``keguan.pipeline.screen`` (status, score, failed conditions: enough to filter, count
and rank), and asks the rules (``keguan.rules``) for the explanations of the rows it shows or exports only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone

from keguan.core.scope import scoped
from keguan.enterprises.models import Enterprise, EnterpriseYear, Stage
from keguan.rules.explain import FirmFacts, Status
from keguan.rules.hnte import HNTE_2016, HnteResult, precheck_hnte
from keguan.rules.tech_sme import TechSmeResult, evaluate_tech_sme

from .assess import FIGURE_FIELDS, figures_row, year_figures
from .screen import INCOME, YEAR, Screened, screen_hnte, screen_tech_sme

TECH_SME, HNTE = "tech_sme", "hnte"
RULE_CHOICES = [(TECH_SME, "科技型中小企业"), (HNTE, "高新技术企业")]
RULE_SHORT = {TECH_SME: "科小", HNTE: "高企"}
#: The statuses each rule can give, in the order of the ranking.
STATUS_ORDER = {
    TECH_SME: (Status.PASSED, Status.FAILED, Status.INCOMPLETE, Status.INVALID),
    HNTE: (Status.PASSED, Status.UNCERTAIN, Status.FAILED, Status.INCOMPLETE, Status.INVALID),
}


@dataclass(frozen=True)
class PrecheckFilters:
    rule: str = TECH_SME
    status: str = ""
    district: int | None = None
    township: int | None = None
    stage: str = ""
    invalid: bool = False  # a filter outside the user's scope (or malformed): match nothing

    @classmethod
    def from_cleaned(cls, data: dict[str, Any]) -> PrecheckFilters:
        return cls(
            rule=data.get("rule") or TECH_SME,
            status=data.get("status") or "",
            district=data["district"].pk if data.get("district") else None,
            township=data["township"].pk if data.get("township") else None,
            stage=data.get("stage") or "",
        )


@dataclass
class Candidate:
    """One firm of the pre-check. ``rows``: its figures tuples (``screen``'s form); ``result``: the rules'
    explained result, filled by ``explain`` for the rows shown or exported."""

    pk: int
    name: str
    credit_code: str
    registered_on: dt.date | None
    tech_field: str
    stage: str
    district: str
    township: str
    rows: list[tuple] = field(default_factory=list)
    screened: Screened | None = None
    rank: int = 0
    result: TechSmeResult | HnteResult | None = None

    @property
    def stage_label(self) -> str:
        return Stage(self.stage).label if self.stage in Stage.values else self.stage

    def facts(self, on: dt.date) -> FirmFacts:
        return FirmFacts(assessed_on=on, registered_on=self.registered_on, tech_field=self.tech_field or None)

    def run(self, rule: str, on: dt.date) -> TechSmeResult | HnteResult:
        years = [year_figures(r[YEAR], r[YEAR + 1 : INCOME]) for r in self.rows]
        if rule == HNTE:
            return precheck_hnte(self.facts(on), years)
        return evaluate_tech_sme(self.facts(on), years)

    @property
    def status(self) -> Status:
        assert self.screened is not None
        return self.screened.status

    @property
    def score_text(self) -> str:
        s = self.screened
        if s is None or s.score is None:
            return "—"
        return f"{s.score}分" if s.score == s.high else f"{s.score}–{s.high}分"

    @property
    def lacks(self) -> str:
        """What the firm lacks, in one sentence: the first failed condition (or the open innovation score, or
        the first data problem)."""
        if self.status is Status.PASSED:
            return "各项条件均符合"
        r = self.result
        if r is None:
            return ""
        if r.problems:
            more = f"（另有{len(r.problems) - 1}处）" if len(r.problems) > 1 else ""
            return r.problems[0].message + more
        failed = [c for c in r.conditions if c.passed is False]
        if failed:
            more = f"（另有{len(failed) - 1}项条件不符合）" if len(failed) > 1 else ""
            return failed[0].message + more
        open_ = [c for c in r.conditions if c.passed is None]
        if open_:
            return open_[0].message
        return "各项条件均符合"


@dataclass
class Precheck:
    on: dt.date
    rule: str
    candidates: list[Candidate]  # filtered by status and ranked
    counts: dict[str, int]  # by status, before the status filter
    total: int  # firms screened (before the status filter)

    @property
    def years_text(self) -> str:
        last = self.on.year - 1
        if self.rule == HNTE:
            return f"{last - HNTE_2016.rd_years + 1}–{last}年度数据（注册不满三年的按实际年数）"
        return f"{last}年度数据"

    def explain(self, candidates: list[Candidate]) -> list[Candidate]:
        """Ask the rules for the explanations of ``candidates`` (those that pass need none: they lack nothing)."""
        for c in candidates:
            if c.result is None and c.status is not Status.PASSED:
                c.result = c.run(self.rule, self.on)
        return candidates


SME_CEILINGS = ("employees", "sales", "assets")


def _screen(c: Candidate, rule: str, on: dt.date) -> Screened:
    facts = c.facts(on)
    screened = screen_hnte(facts, c.rows) if rule == HNTE else screen_tech_sme(facts, c.rows)
    if screened is not None:
        return screened
    result = c.run(rule, on)  # a case the screen leaves to the rules
    c.result = result
    failed = sum(1 for cond in result.conditions if cond.passed is False)
    if isinstance(result, HnteResult):
        score = result.innovation
        return Screened(result.status, score.low if score else None, score.high if score else None, failed)
    total = result.total if result.score is not None else None
    ceilings = sum(1 for cond in result.conditions if cond.passed is False and cond.code in SME_CEILINGS)
    return Screened(result.status, total, total, failed, ceilings)


def _rank_key(rule: str):
    order = {status: i for i, status in enumerate(STATUS_ORDER[rule])}

    def key(c: Candidate) -> tuple:
        s = c.screened
        assert s is not None
        if s.status is Status.FAILED:
            closeness: tuple = (s.ceilings, s.failed, -(s.high or 0), -(s.score or 0))
        elif s.status in (Status.PASSED, Status.UNCERTAIN):
            closeness = (-(s.score or 0), -(s.high or 0))
        else:
            closeness = ()
        return (order.get(s.status, 9), *closeness, c.name, c.pk)

    return key


def precheck_run(*, user, filters: PrecheckFilters, on: dt.date | None = None) -> Precheck:
    """Every firm in ``user``'s scope that has yearly figures, screened by one rule (``filters.rule``),
    ranked: those that pass first (highest score first), then 高企 candidates whose innovation score the
    experts decide (highest computed points first), then those that fail — the fewest failed conditions and
    the highest score first, 科小 firms above a size ceiling after the others —, data problems last.
    The status filter applies after counting and ranking (``rank`` is the place in the whole list)."""
    on = on or timezone.localdate()
    rule = filters.rule if filters.rule in RULE_SHORT else TECH_SME
    if filters.invalid:
        return Precheck(on=on, rule=rule, candidates=[], counts={}, total=0)
    firms = scoped(Enterprise, user).filter(Exists(EnterpriseYear.objects.filter(enterprise=OuterRef("pk"))))
    if filters.district:
        firms = firms.filter(district_id=filters.district)
    if filters.township:
        firms = firms.filter(township_id=filters.township)
    if filters.stage:
        firms = firms.filter(stage=filters.stage)
    last = on.year - 1
    first = last - (HNTE_2016.rd_years - 1) if rule == HNTE else last
    candidates: dict[int, Candidate] = {}
    for pk, name, code, registered, tech, stage, district, township in firms.values_list(
        "pk",
        "name",
        "credit_code",
        "registered_on",
        "tech_field",
        "stage",
        "district__name",
        "township__name",
    ).order_by():
        candidates[pk] = Candidate(pk, name, code, registered, tech, stage, district, township or "")
    years = EnterpriseYear.objects.filter(enterprise__in=firms.values("pk"), year__gte=first, year__lte=last)
    for row in years.values_list("enterprise_id", "year", *FIGURE_FIELDS).order_by():
        c = candidates.get(row[0])
        if c is not None:
            c.rows.append(figures_row(row[1], row[2:]))
    counts: dict[str, int] = {status.value: 0 for status in STATUS_ORDER[rule]}
    for c in candidates.values():
        c.screened = _screen(c, rule, on)
        counts[c.screened.status.value] = counts.get(c.screened.status.value, 0) + 1
    ranked = sorted(candidates.values(), key=_rank_key(rule))
    for i, c in enumerate(ranked, start=1):
        c.rank = i
    if filters.status:
        ranked = [c for c in ranked if c.screened is not None and c.screened.status.value == filters.status]
    return Precheck(on=on, rule=rule, candidates=ranked, counts=counts, total=len(candidates))
