"""Reading 科技项目 for the bureau: the application list with its filters and counts, one application with its
steps, money and checks, the calls of the calendar, and the counts behind the reminders. Everything starts from
``keguan.core.scope.scoped``: a district bureau sees its district's applications, the city all of its districts'."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Sum

from keguan.accounts.models import Organisation
from keguan.core.lists import text_contains
from keguan.core.scope import get_for_user, scoped
from keguan.enterprises.models import Enterprise
from keguan.projects.models import (
    Application,
    Call,
    CheckKind,
    CheckResult,
    Disbursement,
    FundSource,
    Level,
    Program,
    ProjectCheck,
    Status,
)
from keguan.rules import project_flow as flow

SOON_DAYS = 30  # mid-term checks and acceptances due within …
CLOSING_DAYS = 7  # calls closing within …

# 到期 filters of the list (the reminders link to them)
DUE_CHOICES = (
    ("midterm_soon", f"中期检查{SOON_DAYS}日内到期"),
    ("midterm_overdue", "中期检查已逾期"),
    ("acceptance_soon", f"验收{SOON_DAYS}日内到期"),
    ("acceptance_overdue", "验收已逾期"),
)
MIDTERM_OPEN = (Status.SIGNED, Status.RUNNING)  # a mid-term check can still be due
ACCEPTANCE_OPEN = (Status.SIGNED, Status.RUNNING, Status.ACCEPTANCE)  # not yet accepted


@dataclass(frozen=True)
class ApplicationFilters:
    year: int | None = None
    level: str = ""
    program: int | None = None
    call: int | None = None
    status: str = ""
    district: int | None = None
    q: str = ""
    due: str = ""
    closing: bool = False
    invalid: bool = False  # a wrong condition shows nothing, never everything


def _midterm_done() -> Exists:
    return Exists(ProjectCheck.objects.filter(application=OuterRef("pk"), kind=CheckKind.MIDTERM))


def due_q(due: str, today: dt.date) -> Q:
    """Applications whose mid-term check / acceptance is due within ``SOON_DAYS`` or overdue, not yet done."""
    horizon = today + dt.timedelta(days=SOON_DAYS)
    if due == "midterm_soon":
        return Q(status__in=MIDTERM_OPEN, midterm_due__gte=today, midterm_due__lte=horizon, midterm_done=False)
    if due == "midterm_overdue":
        return Q(status__in=MIDTERM_OPEN, midterm_due__lt=today, midterm_done=False)
    if due == "acceptance_soon":
        return Q(status__in=ACCEPTANCE_OPEN, acceptance_due__gte=today, acceptance_due__lte=horizon)
    if due == "acceptance_overdue":
        return Q(status__in=ACCEPTANCE_OPEN, acceptance_due__lt=today)
    return Q(pk__in=[])


def _base(user) -> QuerySet[Application]:
    return scoped(Application, user).exclude(status=Status.DRAFT)


def _keyword_q(q: str) -> Q:
    """The project's title or its applicant's name (a firm's, an institute's) contains ``q``.

    The names are matched by subqueries, not joins: PostgreSQL finds the matching firms from the trigram index
    on their names (migration 0002), and counts and pages the projects without joining 200,000 firms. SQLite
    has no such index and reads every firm's name once for the subquery (about 0.1 s at 200,000 firms), which
    is still faster for a city's 50,000 projects than the join was (bench/README.md, 科技项目清单)."""
    return (text_contains("title", q)
            | Q(enterprise_id__in=Enterprise.objects.filter(text_contains("name", q)).values("pk"))
            | Q(organisation_id__in=Organisation.objects.filter(text_contains("name", q)).values("pk")))


def _filtered(user, f: ApplicationFilters, *, today: dt.date, with_status: bool = True) -> QuerySet[Application]:
    qs = _base(user)
    if f.invalid:
        return qs.none()
    if f.year:
        qs = qs.filter(call__year=f.year)
    if f.level:
        qs = qs.filter(call__program__level=f.level)
    if f.program:
        qs = qs.filter(call__program_id=f.program)
    if f.call:
        qs = qs.filter(call_id=f.call)
    if f.district:
        qs = qs.filter(district_id=f.district)
    if f.q:
        qs = qs.filter(_keyword_q(f.q))
    if f.due:
        qs = qs.annotate(midterm_done=_midterm_done()).filter(due_q(f.due, today))
    if f.closing:
        qs = qs.filter(call__closes_on__gte=today, call__closes_on__lte=today + dt.timedelta(days=CLOSING_DAYS))
    if with_status and f.status:
        qs = qs.filter(status=f.status)
    return qs


def application_list(*, user, filters: ApplicationFilters, today: dt.date, with_paid: bool = False
                     ) -> QuerySet[Application]:
    """The user's applications under ``filters``, newest call year first. ``with_paid``: each with ``paid``, the
    sum of its disbursements (a join and a grouping over every row: for the export; a page of the list asks
    ``with_paid_amounts`` for its own rows instead, so that counting and paging the list join nothing)."""
    qs = (_filtered(user, filters, today=today)
          .select_related("call__program", "enterprise", "organisation", "district")
          .order_by("-year", "-status_on", "-id"))
    return qs.annotate(paid=Sum("disbursements__amount")) if with_paid else qs


def with_paid_amounts(applications) -> list[Application]:
    """``applications`` (a page of the list, already in the user's scope) as a list, each with ``paid``: the sum
    of its disbursements, None without any (as ``with_paid`` gives). One grouped query for the page's rows."""
    rows = list(applications)
    paid = dict(Disbursement.objects.filter(application_id__in=[a.pk for a in rows]).order_by()
                .values_list("application_id").annotate(s=Sum("amount")).values_list("application_id", "s"))
    for a in rows:
        a.paid = paid.get(a.pk)
    return rows


def application_status_counts(*, user, filters: ApplicationFilters, today: dt.date) -> list[tuple[str, str, int]]:
    """(status, label, n) for every status but 草稿 (drafts are the applicant's), in the workflow's order.
    ``COUNT(*)``, not of a column: the database answers from the (district, status) index alone."""
    counts = dict(_filtered(user, filters, today=today, with_status=False).order_by().values_list("status")
                  .annotate(n=Count("*")).values_list("status", "n"))
    return [(s, flow.LABELS[s], counts.get(s, 0)) for s in flow.ORDER if s != flow.DRAFT]


def filter_choices(*, user) -> dict[str, Any]:
    """The years, programs and calls the user's applications are under (the filter's options). Two queries:
    the years are the calls' (a city user's scope is a list of some thousand regions, costly to send thrice)."""
    calls = list(scoped(Call, user).order_by("-year", "program__name", "title").only("pk", "year", "title"))
    programs = scoped(Program, user).order_by("level", "name").only("pk", "name", "level")
    years = sorted({c.year for c in calls}, reverse=True)
    return {"years": years, "programs": programs, "calls": calls}


def application_get(*, user, pk: Any, write: bool = False) -> Application:
    qs = Application.objects.select_related("call__program", "enterprise", "organisation", "district")
    return get_for_user(qs, user, pk, write=write)


@dataclass
class SourceMoney:
    source: str
    label: str
    funds: Decimal
    paid: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.funds - self.paid


@dataclass
class Money:
    rows: list[SourceMoney]
    approved: Decimal | None

    @property
    def funds(self) -> Decimal:
        return sum((r.funds for r in self.rows), Decimal(0))

    @property
    def government(self) -> Decimal:
        return sum((r.funds for r in self.rows if r.source != FundSource.OWN), Decimal(0))

    @property
    def paid(self) -> Decimal:
        return sum((r.paid for r in self.rows), Decimal(0))

    @property
    def remaining(self) -> Decimal:
        return self.funds - self.paid

    @property
    def unassigned(self) -> Decimal | None:
        """The approved amount not yet covered by government funds."""
        return None if self.approved is None else self.approved - self.government


def application_money(application: Application) -> Money:
    funds = dict(application.funds.order_by().values_list("source").annotate(s=Sum("amount")).values_list("source", "s"))
    paid = dict(application.disbursements.order_by().values_list("source").annotate(s=Sum("amount"))
                .values_list("source", "s"))
    rows = [SourceMoney(code, label, funds.get(code) or Decimal(0), paid.get(code) or Decimal(0))
            for code, label in FundSource.choices if funds.get(code) or paid.get(code)]
    return Money(rows, application.approved)


def application_steps(application: Application):
    return application.steps.select_related("by").order_by("at", "id")


# --- calendar and reminders ----------------------------------------------------------------------------------


def calls_between(*, user, start: dt.date, end: dt.date, level: str = "") -> QuerySet[Call]:
    """The calls (the bureau's own and the upward ones it tracks) open at some point in ``start``..``end``, with
    their handed-in applications and distinct applicants counted."""
    qs = scoped(Call, user).filter(closes_on__gte=start, opens_on__lte=end).select_related("program", "region")
    if level:
        qs = qs.filter(program__level=level)
    handed_in = Q(applications__status__in=flow.HANDED_IN)
    return qs.annotate(
        n_apps=Count("applications", filter=handed_in, distinct=True),
        n_firms=Count("applications__enterprise", filter=handed_in, distinct=True),
        n_orgs=Count("applications__organisation", filter=handed_in, distinct=True),
    ).order_by("closes_on", "title")


def closing_calls(*, user, today: dt.date) -> list[Call]:
    """The user's calls closing within ``CLOSING_DAYS``, with their submissions counted."""
    horizon = today + dt.timedelta(days=CLOSING_DAYS)
    return list(scoped(Call, user).filter(opens_on__lte=today, closes_on__gte=today, closes_on__lte=horizon)
                .annotate(n_apps=Count("applications", filter=Q(applications__status__in=flow.HANDED_IN)))
                .order_by("closes_on"))


def own_drafts_closing(*, enterprise_id: int, today: dt.date) -> list[Application]:
    """An applicant's drafts (and returned applications) under open calls closing within ``CLOSING_DAYS``."""
    horizon = today + dt.timedelta(days=CLOSING_DAYS)
    return list(Application.objects.filter(
        enterprise_id=enterprise_id, status__in=flow.EDITABLE_BY_APPLICANT, call__opens_on__lte=today,
        call__closes_on__gte=today, call__closes_on__lte=horizon).select_related("call").order_by("call__closes_on"))


def due_summary(*, user, today: dt.date) -> dict[str, tuple[int, dt.date | None]]:
    """For each 到期 filter: how many applications, and the earliest due date among them."""
    qs = _base(user).annotate(midterm_done=_midterm_done())
    out = {}
    for code, _label in DUE_CHOICES:
        field = "midterm_due" if code.startswith("midterm") else "acceptance_due"
        row = qs.filter(due_q(code, today)).order_by().aggregate(n=Count("id"), first=Min(field))
        out[code] = (row["n"], row["first"])
    return out


LEVEL_LABELS = dict(Level.choices)
CHECK_PASSING = (CheckResult.PASS, CheckResult.CONDITIONAL)
