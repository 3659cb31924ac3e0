"""Reads of the expert pool and the review. Staff pages start from the user's scope (``scoped`` /
``get_for_user``); an expert's pages start from ``expert_assignments`` — the one door through which an expert
reaches an application: only the ones assigned to it, only while the call's review is open."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from keguan.core import dictionary
from keguan.core.scope import get_for_user, scoped
from keguan.projects.models import Application, Assignment, Call, Conflict, Expert, Status
from keguan.rules.reviewer_assign import spread

# --- the pool --------------------------------------------------------------------------------------------------

AVAILABILITY = [("", "全部"), ("yes", "可参加评审"), ("no", "暂不参加")]


@dataclass(frozen=True)
class ExpertFilters:
    q: str = ""
    field: str = ""
    available: str = ""
    invalid: bool = False


def expert_list(*, user, filters: ExpertFilters | None = None) -> QuerySet[Expert]:
    f = filters or ExpertFilters()
    qs = scoped(Expert, user).select_related("region", "user")
    if f.invalid:
        return qs.none()
    if f.q:
        qs = qs.filter(Q(name__icontains=f.q) | Q(employer__icontains=f.q) | Q(title__icontains=f.q))
    if f.field:
        # codes are comma-separated: match whole codes only
        qs = qs.filter(Q(fields=f.field) | Q(fields__startswith=f"{f.field},") | Q(fields__endswith=f",{f.field}")
                       | Q(fields__contains=f",{f.field},"))
    if f.available == "yes":
        qs = qs.filter(available=True)
    elif f.available == "no":
        qs = qs.filter(available=False)
    return qs.annotate(n_conflicts=Count("conflicts", distinct=True),
                       n_assignments=Count("assignments", distinct=True)).order_by("name", "id")


def expert_get(*, user, pk: Any, write: bool = False) -> Expert:
    return get_for_user(Expert.objects.select_related("region", "user", "enterprise", "organisation"), user, pk,
                        write=write)


def conflict_get(*, user, pk: Any, write: bool = False) -> Conflict:
    return get_for_user(Conflict.objects.select_related("expert", "enterprise", "organisation"), user, pk, write=write)


def field_labels(codes: list[str]) -> list[str]:
    return [dictionary.label("project_field", c) for c in codes]


# --- a call's review (staff) -----------------------------------------------------------------------------------


def review_calls(*, user) -> QuerySet[Call]:
    """Calls with applications in or past 专家评审 (those that have reviewers or wait for them)."""
    return (scoped(Call, user).select_related("program", "region")
            .annotate(n_review=Count("applications", filter=Q(applications__status=Status.REVIEW), distinct=True),
                      n_assigned=Count("applications__assignments", distinct=True),
                      n_submitted=Count("applications__assignments",
                                        filter=Q(applications__assignments__submitted_at__isnull=False), distinct=True))
            .filter(Q(n_review__gt=0) | Q(n_assigned__gt=0)).order_by("-opens_on", "-id"))


def call_get(*, user, pk: Any, write: bool = False) -> Call:
    return get_for_user(Call.objects.select_related("program", "region"), user, pk, write=write)


def call_assignments(call: Call) -> QuerySet[Assignment]:
    return (Assignment.objects.filter(application__call=call)
            .select_related("application", "application__enterprise", "application__organisation", "expert")
            .order_by("application_id", "expert__name", "id"))


def review_applications(call: Call) -> QuerySet[Application]:
    """The call's applications in 专家评审, and the others that were reviewed."""
    return (Application.objects.filter(call=call).filter(Q(status=Status.REVIEW) | Q(assignments__isnull=False))
            .distinct().select_related("enterprise", "organisation").order_by("id"))


def assignment_get(*, user, pk: Any, write: bool = False) -> Assignment:
    qs = Assignment.objects.select_related("application", "application__call", "expert")
    return get_for_user(qs, user, pk, write=write)


@dataclass
class ResultRow:
    application: Application
    assignments: list[Assignment]
    totals: list[float]
    average: float | None = None
    spread: float | None = None
    rank: int | None = None
    reviewers: int = 0
    pending: int = 0
    comments: int = 0
    extra: dict = field(default_factory=dict)


RESULT_SORTS = {"rank": "名次", "spread": "分差 ↓", "title": "项目名称"}


def review_results(call: Call, sort: str = "rank") -> list[ResultRow]:
    """Per application: its reviewers, the average of the submitted weighted totals, the spread (max − min)
    and the rank by average (ties share a rank; applications without any score last, unranked)."""
    by_app: dict[int, list[Assignment]] = {}
    for a in call_assignments(call):
        by_app.setdefault(a.application_id, []).append(a)
    rows = []
    for app in review_applications(call):
        assignments = by_app.get(app.pk, [])
        totals = [float(a.total) for a in assignments if a.submitted_at is not None and a.total is not None]
        rows.append(ResultRow(app, assignments, totals, average=sum(totals) / len(totals) if totals else None,
                              spread=spread(totals), reviewers=len(assignments),
                              pending=sum(a.submitted_at is None for a in assignments),
                              comments=sum(bool(a.comment) for a in assignments)))
    ranked = sorted((r for r in rows if r.average is not None), key=lambda r: -r.average)
    previous, rank = None, 0
    for i, r in enumerate(ranked, 1):
        if r.average != previous:
            rank, previous = i, r.average
        r.rank = rank
    if sort == "spread":
        rows.sort(key=lambda r: (r.spread is None, -(r.spread or 0), r.application.pk))
    elif sort == "title":
        rows.sort(key=lambda r: (r.application.title, r.application.pk))
    else:
        rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.application.pk))
    return rows


# --- the expert's own reviews ----------------------------------------------------------------------------------


def expert_assignments(user) -> QuerySet[Assignment]:
    """The assignments ``user`` may see as a reviewer: its own (Expert.user), of calls whose review is open.
    Every expert page reads through this function."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Assignment.objects.none()
    return (Assignment.objects.filter(expert__user=user, application__call__review_closed_at__isnull=True)
            .select_related("application", "application__call", "application__call__program",
                            "application__enterprise", "application__organisation", "expert")
            .order_by("submitted_at", "application__call_id", "application_id"))


def expert_assignment_get(user, pk: Any) -> Assignment:
    try:
        return expert_assignments(user).get(pk=pk)
    except (Assignment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("评审任务不存在或评审已结束") from exc
