"""Reads of programs, calls and the applicant's side, scoped by ``keguan.core.scope``. Calls are public to the
applicants of their region: a firm sees the calls of its district's bureau and of the city above it."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from keguan.accounts.models import Organisation
from keguan.core.scope import get_for_user, scoped
from keguan.projects.models import Application, ApplicationStep, Call, CallAttachment, Program
from keguan.projects.services.applications import call_open_to

SHOWN_REASONS = ("returned", "rejected")  # the steps whose reasons the applicant sees


def program_list(*, user) -> QuerySet[Program]:
    return scoped(Program, user).select_related("region").annotate(n_calls=Count("calls")).order_by(
        "-active", "level", "name")


def program_get(*, user, pk, write: bool = False) -> Program:
    return get_for_user(Program, user, pk, write=write)


def programs_for_calls(*, user, region, current: Program | None = None) -> QuerySet[Program]:
    """The programs a call of ``region`` may name: the bureau's own, in use (and the call's current one)."""
    qs = scoped(Program, user).filter(region=region)
    keep = Q(active=True) | (Q(pk=current.pk) if current is not None else Q(pk__in=[]))
    return qs.filter(keep).order_by("level", "name")


def call_list(*, user, year: int | None = None, program: int | None = None, q: str = "") -> QuerySet[Call]:
    qs = scoped(Call, user).select_related("program", "region").annotate(
        n_applications=Count("applications", filter=~Q(applications__status="draft")))
    if year:
        qs = qs.filter(year=year)
    if program:
        qs = qs.filter(program_id=program)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(program__name__icontains=q))
    return qs.order_by("-opens_on", "-id")


def call_years(*, user) -> list[int]:
    return sorted(set(scoped(Call, user).values_list("year", flat=True)), reverse=True)


def call_get(*, user, pk, write: bool = False) -> Call:
    return get_for_user(Call.objects.select_related("program", "region"), user, pk, write=write)


def call_file_get(*, call: Call, pk) -> CallAttachment:
    try:
        return call.attachments.get(pk=pk)
    except (CallAttachment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("附件不存在") from exc


# --- the applicant's side --------------------------------------------------------------------------------------


def _firm_regions(enterprise) -> list[int]:
    district = enterprise.district
    return [district.pk, *([district.parent_id] if district.parent_id else [])]


def calls_for_firm(*, enterprise, today: dt.date) -> QuerySet[Call]:
    """The calls open today to ``enterprise``: its district bureau's and its city's, of programs in use."""
    return (Call.objects.filter(region_id__in=_firm_regions(enterprise), program__active=True,
                                opens_on__lte=today, closes_on__gte=today)
            .select_related("program", "region").prefetch_related("attachments").order_by("closes_on", "id"))


def call_for_applicant(*, user, pk, today: dt.date) -> Call:
    """A call the user's firm may read: of its district or city (404 otherwise, as for a missing one)."""
    enterprise = user.enterprise
    try:
        call = Call.objects.select_related("program", "region").get(pk=pk, region_id__in=_firm_regions(enterprise))
    except (Call.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("申报通知不存在") from exc
    return call


def call_for_staff_entry(*, user, pk) -> Call:
    """A call the bureau may enter an institute's application under: one of its own (the city's calls take
    the city's institutes, entered by the city)."""
    from keguan.core.scope import home_district

    district = home_district(user)
    if district is None:
        raise Http404("申报通知不存在")
    try:
        return Call.objects.select_related("program", "region").get(pk=pk, region_id=district.pk)
    except (Call.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("申报通知不存在") from exc


def calls_for_staff_entry(*, user, today: dt.date) -> list[Call]:
    from keguan.core.scope import home_district

    district = home_district(user)
    if district is None:
        return []
    qs = Call.objects.filter(region_id=district.pk, program__active=True).select_related("program", "region").order_by("closes_on")
    return [c for c in qs if call_open_to(c, district, today) is None]


def _with_steps(qs: QuerySet[Application]) -> QuerySet[Application]:
    return qs.select_related("call", "call__program", "enterprise", "organisation").prefetch_related(
        Prefetch("steps", queryset=ApplicationStep.objects.order_by("at", "id")))


def firm_applications(*, user) -> QuerySet[Application]:
    """The applications of the user's own firm (scoped: an enterprise user sees its firm's only)."""
    return _with_steps(scoped(Application, user).filter(enterprise_id=user.enterprise_id)).order_by("-id")


def application_for_applicant(*, user, pk) -> Application:
    """One of the user's firm's applications; another firm's answers 404."""
    app = get_for_user(_with_steps(Application.objects.all()), user, pk)
    if app.enterprise_id is None or app.enterprise_id != user.enterprise_id:
        raise Http404("记录不存在或不在您的管辖范围内")
    return app


def application_for_staff_entry(*, user, pk, write: bool = False) -> Application:
    """An institute's application the bureau entered (in its scope)."""
    app = get_for_user(_with_steps(Application.objects.all()), user, pk, write=write)
    if app.organisation_id is None:
        raise Http404("记录不存在或不在您的管辖范围内")
    return app


def reasons_for_applicant(app: Application) -> list[ApplicationStep]:
    """退回 and 不予立项 steps, with the reasons the bureau gave, newest first."""
    return [s for s in reversed(list(app.steps.all())) if s.to_status in SHOWN_REASONS and s.reason]


def organisations_for_entry(*, user) -> QuerySet[Organisation]:
    """Institutes and universities in the bureau's scope (not bureaus), for an application entered for them."""
    return scoped(Organisation, user).exclude(kind="bureau").order_by("name")


def org_applications(*, user) -> QuerySet[Application]:
    return _with_steps(scoped(Application, user).filter(organisation__isnull=False)).order_by("-id")
