"""Reads for the pipeline pages: the district pre-check over every firm in the user's scope.

The pre-check reads the firms and the figures it needs in two queries (``values_list``, no model instances;
money as whole cents computed by the database, see ``Cents``), screens every firm with
``keguan.pipeline.screen`` (status, score, failed conditions: enough to filter, count and rank), and asks the
rules (``keguan.rules``) for the explanations of the rows it shows or exports only.
"""

from __future__ import annotations

import datetime as dt
import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import BigIntegerField, BooleanField, Exists, ExpressionWrapper, Func, OuterRef, Q
from django.utils import timezone

from keguan.core.scope import scoped
from keguan.enterprises.models import Enterprise, EnterpriseYear, Stage
from keguan.rules.explain import FirmFacts, Status, Unmet, YearFigures, facts_in_force
from keguan.rules.hnte import (
    HNTE_2016,
    HnteResult,
    innovation_condition,
    precheck_hnte,
    precheck_hnte_unmet,
)
from keguan.rules.tech_sme import TechSmeResult, evaluate_tech_sme, evaluate_tech_sme_unmet

from ..assess import FIGURE_FIELDS, figures_row
from ..models import HnteCertificate, RecordedFact, TechSmeRecord, certificate_valid_on, sme_record_valid_on
from ..screen import (
    ASSETS,
    COST,
    EMP,
    HT,
    INCOME,
    IP1,
    IP2,
    NET,
    RD_ABR,
    RD_DOM,
    SALES,
    ST,
    YEAR,
    Screened,
    screen_hnte,
    screen_hnte_cents,
    screen_tech_sme,
    screen_tech_sme_cents,
)

TECH_SME, HNTE = "tech_sme", "hnte"
RULE_CHOICES = [(TECH_SME, "科技型中小企业"), (HNTE, "高新技术企业")]
RULE_SHORT = {TECH_SME: "科小", HNTE: "高企"}
STAGE_LABELS = dict(Stage.choices)
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
    q: str = ""  # part of the name, or the credit code (or its start)
    invalid: bool = False  # a filter outside the user's scope (or malformed): match nothing

    @classmethod
    def from_cleaned(cls, data: dict[str, Any]) -> PrecheckFilters:
        return cls(
            rule=data.get("rule") or TECH_SME,
            status=data.get("status") or "",
            district=data["district"].pk if data.get("district") else None,
            township=data["township"].pk if data.get("township") else None,
            stage=data.get("stage") or "",
            q=(data.get("q") or "").strip(),
        )


class Cents(Func):
    """An amount column (``DecimalField`` with two decimals) as whole cents, an integer computed by the
    database, so that the pre-check need not build 400,000 ``Decimal`` objects for a district.

    PostgreSQL stores the exact decimal: ``x * 100`` is a whole number. SQLite stores a binary float, which
    Django reads back by rounding to 15 significant digits and then to two decimals: for an amount under
    10¹³ yuan stored as the float nearest to ``ROUND(x * 100) / 100``, that gives exactly those cents.
    Anything else (larger amounts, a value off the cent) gives NULL, and the caller reads that firm's
    figures through the model fields instead."""

    output_field = BigIntegerField()

    def get_db_converters(self, connection):
        return []  # both databases return integers: no int() per value

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template=(
                "CASE WHEN ABS(%(expressions)s) < 1e13 AND ROUND(%(expressions)s * 100) / 100.0 = %(expressions)s"
                " THEN CAST(ROUND(%(expressions)s * 100) AS BIGINT) END"
            ),
            **extra_context,
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template="CAST(%(expressions)s * 100 AS BIGINT)", **extra_context
        )


#: The columns of a figures tuple in cents (``screen``'s form), as read from ``EnterpriseYear``.
CENTS_COLUMNS = [Cents(name) if SALES <= i <= HT else name for i, name in enumerate(FIGURE_FIELDS, start=1)]


def _yuan(cents: int) -> Decimal:
    """Whole cents as the ``Decimal`` the model field gives (two decimals: 12340 → Decimal('123.40'))."""
    return Decimal(cents).scaleb(-2)


@dataclass(slots=True)
class Candidate:
    """One firm of the pre-check. ``rows``: its figures tuples (``screen``'s form), with money in cents (or in
    yuan when ``in_cents`` is False: figures the database could not give in cents); ``result``: what the rules
    say against it (``explanation``), filled by ``Precheck.explain`` for the rows shown or exported."""

    pk: int
    name: str
    credit_code: str
    registered_on: dt.date | None
    tech_field: str
    stage: str
    district: str
    township: str
    rows: list[tuple] = field(default_factory=list)
    in_cents: bool = True
    screened: Screened | None = None
    rank: int = 0
    result: TechSmeResult | HnteResult | Unmet | None = None
    recorded: dict = field(default_factory=dict)  # FirmFacts the records hold (recorded facts, certificate)
    holds: str = ""  # the title the firm already holds on the day (e.g. "已是科小（2026年入库）"): ranked last

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS.get(self.stage, self.stage)

    def facts(self, on: dt.date) -> FirmFacts:
        return FirmFacts(assessed_on=on, registered_on=self.registered_on, tech_field=self.tech_field or None,
                         **self.recorded)

    def figures(self) -> list[tuple]:
        """The figures tuples in yuan (``Decimal``, as the model fields give them)."""
        if not self.in_cents:
            return self.rows
        return [(*r[:SALES], *map(_yuan, r[SALES : HT + 1]), *r[IP1:INCOME],
                 None if r[INCOME] is None else _yuan(r[INCOME])) for r in self.rows]

    def years(self) -> list[YearFigures]:
        """The rules' inputs: ``YearFigures`` of the figures in yuan."""
        if not self.in_cents:
            return [YearFigures(year=r[YEAR], total_income=r[INCOME],
                                **dict(zip(FIGURE_FIELDS, r[YEAR + 1 : INCOME], strict=True))) for r in self.rows]
        return [
            YearFigures(
                year=r[YEAR],
                employees=r[EMP],
                st_staff=r[ST],
                sales_revenue=_yuan(r[SALES]),
                total_cost=_yuan(r[COST]),
                rd_domestic=_yuan(r[RD_DOM]),
                rd_abroad=_yuan(r[RD_ABR]),
                total_assets=_yuan(r[ASSETS]),
                net_assets=_yuan(r[NET]),
                hightech_income=_yuan(r[HT]),
                ip_class1=r[IP1],
                ip_class2=r[IP2],
                total_income=None if r[INCOME] is None else _yuan(r[INCOME]),
            )
            for r in self.rows
        ]

    def run(self, rule: str, on: dt.date) -> TechSmeResult | HnteResult:
        if rule == HNTE:
            return precheck_hnte(self.facts(on), self.years())
        return evaluate_tech_sme(self.facts(on), self.years())

    def explanation(self, rule: str, on: dt.date) -> Unmet:
        """What ``lacks`` needs from the rules: the problems or the first unmet condition, word for word as
        the full result has them (the rules stop there: no score details, no 高企 innovation score for a
        firm that already fails an earlier condition)."""
        if rule == HNTE:
            return precheck_hnte_unmet(self.facts(on), self.years())
        return evaluate_tech_sme_unmet(self.facts(on), self.years())

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
        s = self.screened
        if self.result is None and s is not None and s.status is Status.UNCERTAIN:
            # Every condition holds but the innovation score, which the experts decide: the rules' sentence
            # for the screen's score range (the same range the rules compute).
            return innovation_condition(s.score or 0, s.high or 0, HNTE_2016)[0].message
        r = self.result
        if r is None:
            return ""
        if r.problems:
            more = f"（另有{len(r.problems) - 1}处）" if len(r.problems) > 1 else ""
            return r.problems[0].message + more
        if isinstance(r, Unmet):
            if r.condition is None:
                return "各项条件均符合"
            if r.condition.passed is False:
                # (the rules stopped at the first: the screen counts the failed conditions as they do)
                n = s.failed if s is not None else 1
                return r.condition.message + (f"（另有{n - 1}项条件不符合）" if n > 1 else "")
            return r.condition.message
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
        """Ask the rules for the explanations of ``candidates`` (those that pass need none: they lack nothing;
        nor those whose innovation score alone is open: see ``Candidate.lacks``)."""
        for c in candidates:
            if c.result is None and c.status not in (Status.PASSED, Status.UNCERTAIN):
                c.result = c.explanation(self.rule, self.on)
        return candidates


SME_CEILINGS = ("employees", "sales", "assets")


def _screen(c: Candidate, rule: str, on: dt.date) -> Screened:
    # The screen knows no recorded facts (an accident, a certificate that qualifies for 科小 directly …): the
    # rules do, for the few firms that have any.
    if c.in_cents and not c.recorded:
        if rule == HNTE:
            screened = screen_hnte_cents(on, c.registered_on, c.tech_field or None, c.rows)
        else:
            screened = screen_tech_sme_cents(on, c.rows)
    else:
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
        return (bool(c.holds), order.get(s.status, 9), *closeness, c.name, c.pk)

    return key


def precheck_run(*, user, filters: PrecheckFilters, on: dt.date | None = None) -> Precheck:
    """Every firm in ``user``'s scope that has yearly figures, screened by one rule (``filters.rule``),
    ranked: those that pass first (highest score first), then 高企 candidates whose innovation score the
    experts decide (highest computed points first), then those that fail — the fewest failed conditions and
    the highest score first, 科小 firms above a size ceiling after the others —, data problems last; firms that
    already hold the title on the day (a 科小 record of the year, a valid 高企 certificate) come after all others.
    The status filter applies after counting and ranking (``rank`` is the place in the whole list)."""
    on = on or timezone.localdate()
    rule = filters.rule if filters.rule in RULE_SHORT else TECH_SME
    if filters.invalid:
        return Precheck(on=on, rule=rule, candidates=[], counts={}, total=0)
    in_scope = scoped(Enterprise, user)
    if filters.district:
        in_scope = in_scope.filter(district_id=filters.district)
    if filters.township:
        in_scope = in_scope.filter(township_id=filters.township)
    if filters.stage:
        in_scope = in_scope.filter(stage=filters.stage)
    if filters.q:
        code = filters.q.upper()
        in_scope = in_scope.filter(Q(name__contains=filters.q) | Q(credit_code__startswith=code) if len(code) >= 6
                                   else Q(name__contains=filters.q))
    firms = in_scope.filter(Exists(EnterpriseYear.objects.filter(enterprise=OuterRef("pk"))))
    last = on.year - 1
    first = last - (HNTE_2016.rd_years - 1) if rule == HNTE else last
    with _collector_paused():
        candidates = _candidates(firms, in_scope, first, last)
        _add_recorded(candidates, in_scope, rule, on)
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


@contextmanager
def _collector_paused():
    """Pause Python's cyclic garbage collector while the pre-check builds its objects: 20,000 candidates with
    their figures, all kept to the end. The collector would walk them (and the rest of the process) again and
    again as they pile up, and find nothing to free: a third of a district's page went to it. (The pause is
    process-wide and lasts well under a second; anything left to collect is collected afterwards.)"""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _add_recorded(candidates: dict[int, Candidate], in_scope, rule: str, on: dt.date) -> None:
    """The facts the records hold for the candidates: recorded facts in force on ``on`` and, for 科小, a 高企
    certificate valid that day (a direct qualification)."""
    by_firm: dict[int, list[tuple[str, int]]] = {}
    for pk, kind, year in RecordedFact.objects.filter(enterprise__in=in_scope.values("pk")).values_list(
        "enterprise_id", "kind", "year"
    ):
        by_firm.setdefault(pk, []).append((kind, year))
    for pk, recorded in by_firm.items():
        if pk in candidates:
            candidates[pk].recorded.update(facts_in_force(recorded, on))
    valid = HnteCertificate.objects.filter(certificate_valid_on(on), enterprise__in=in_scope.values("pk"))
    for pk, issued, expires in valid.values_list("enterprise_id", "issued_on", "expires_on").order_by("issued_on"):
        if pk in candidates:
            if rule == TECH_SME:
                candidates[pk].recorded["hnte_certificate_issued_on"] = issued
            else:
                candidates[pk].holds = f"已是高企（证书有效期至{expires:%Y年%-m月%-d日}）"
    if rule == TECH_SME:
        records = TechSmeRecord.objects.filter(sme_record_valid_on(on), enterprise__in=in_scope.values("pk"))
        for pk, year in records.values_list("enterprise_id", "year"):
            if pk in candidates:
                candidates[pk].holds = f"已是科小（{year}年入库）"


def _candidates(firms, in_scope, first: int, last: int) -> dict[int, Candidate]:
    """The firms (``firms``) with their figures of the years ``first``–``last`` (read as ``in_scope``'s)."""
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
    years = EnterpriseYear.objects.filter(
        enterprise__in=in_scope.values("pk"), year__gte=first, year__lte=last
    )
    inexact = set()
    # 总收入 may be blank: its cents are NULL then, which says "not given" only when the column is NULL too
    income = (Cents("total_income"), ExpressionWrapper(Q(total_income__isnull=False), output_field=BooleanField()))
    for row in years.values_list("enterprise_id", "year", *CENTS_COLUMNS, *income).order_by():
        c = candidates.get(row[0])
        if c is not None:
            c.rows.append(row[1:-1])
            if None in row[:-2] or (row[-2] is None and row[-1]):
                inexact.add(row[0])
    if inexact:  # figures the database could not give in whole cents: read them as the model fields give them
        for pk in inexact:
            candidates[pk].rows, candidates[pk].in_cents = [], False
        exact_rows = years.filter(enterprise__in=inexact).values_list("enterprise_id", "year", *FIGURE_FIELDS,
                                                                      "total_income")
        for row in exact_rows.order_by():
            candidates[row[0]].rows.append(figures_row(row[1], row[2:-1], row[-1]))
    return candidates


def enterprises_chosen(*, user, pks) -> list[Enterprise]:
    """The firms ticked on the pre-check list that are in the user's scope, by name."""
    return list(scoped(Enterprise, user).filter(pk__in=pks).order_by("name"))
