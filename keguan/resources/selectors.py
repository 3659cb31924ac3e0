"""Reads of 创新平台与人才; every one starts from the user's scope (``scoped`` / ``get_for_user``).

The lists take the filters their forms cleaned (``None`` or "" for none); ``invalid=True`` (a filter the form
refused) shows nothing, never everything. Indicator links use the same filters, so a figure and its rows agree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from keguan.core.scope import get_for_user, scoped
from keguan.enterprises.models import Enterprise, LabelKind, LabelLevel
from keguan.rules import recognition_flow as flow
from keguan.rules.identifiers import normalize_credit_code

from .models import (
    Agreement,
    ForeignExpert,
    JointProject,
    Level,
    Platform,
    PlatformApplication,
    PlatformEvaluation,
    PlatformStatus,
    Recognition,
    Talent,
)

PROVINCE_UP = "province_up"  # the level filter "省级及以上"
LEVELS_UP = (Level.NATIONAL, Level.PROVINCE)
PERMIT_DAYS = 60  # work permits expiring within this many days are a 待办


def firm_in_scope(user, text: str) -> Enterprise | None:
    """A firm of the register in the user's scope, by credit code or exact name."""
    text = (text or "").strip()
    if not text:
        return None
    qs = scoped(Enterprise, user)
    return qs.filter(credit_code=normalize_credit_code(text)).first() or qs.filter(name=text).first()


def _q(qs: QuerySet, q: str, *fields: str) -> QuerySet:
    if not q:
        return qs
    cond = Q()
    for name in fields:
        cond |= Q(**{f"{name}__icontains": q})
    return qs.filter(cond)


def _level(qs: QuerySet, level: str | None, field: str = "level") -> QuerySet:
    if level == PROVINCE_UP:
        return qs.filter(**{f"{field}__in": LEVELS_UP})
    return qs.filter(**{field: level}) if level else qs


def _filtered(qs: QuerySet, f: dict[str, Any], invalid: bool, *, lookups: dict[str, str], level: bool = False,
              q: tuple[str, ...] = ()) -> QuerySet:
    """What every list does with its form's filters: nothing shown for an invalid form (the list's own filters,
    applied after this, keep it empty); the district; each filter of ``lookups`` (filter → lookup) that is given;
    the level (with 省级及以上) when ``level``; keywords over ``q``."""
    if invalid:
        return qs.none()
    for key, lookup in {"district": "district_id", **lookups}.items():
        if f.get(key):
            qs = qs.filter(**{lookup: f[key]})
    if level:
        qs = _level(qs, f.get("level"))
    return _q(qs, f.get("q") or "", *q)


def active_q(year: int, prefix: str = "") -> Q:
    """Platforms in being at the end of ``year``: approved by then and not revoked by then."""
    return (Q(**{f"{prefix}approved_year__lte": year})
            & (~Q(**{f"{prefix}status": PlatformStatus.REVOKED}) | Q(**{f"{prefix}revoked_year__gt": year})))


# --- platforms ------------------------------------------------------------------------------------------


def platform_list(*, user, f: dict[str, Any] | None = None, invalid: bool = False) -> QuerySet[Platform]:
    f = f or {}
    last = PlatformEvaluation.objects.filter(platform=OuterRef("pk")).order_by("-year")
    qs = scoped(Platform, user).select_related("district", "enterprise").annotate(
        last_grade=Subquery(last.values("grade")[:1]), last_grade_year=Subquery(last.values("year")[:1]))
    qs = _filtered(qs, f, invalid, level=True, q=("name", "host", "approval_doc"), lookups={
        "kind": "kind", "status": "status", "year": "approved_year", "enterprise": "enterprise_id"})
    if f.get("active_in"):
        qs = qs.filter(active_q(f["active_in"]))
    return qs.order_by("district__code", "kind", "level", "name", "id")


def platform_get(*, user, pk: Any, write: bool = False) -> Platform:
    return get_for_user(Platform.objects.select_related("district", "enterprise"), user, pk, write=write)


def platform_evaluations(platform: Platform) -> list[PlatformEvaluation]:
    return list(PlatformEvaluation.objects.filter(platform=platform).order_by("-year"))


def platform_years(*, user) -> list[int]:
    return sorted(set(scoped(Platform, user).values_list("approved_year", flat=True)), reverse=True)


def district_platforms(*, user, district_id: int) -> QuerySet[Platform]:
    """Platforms of a district not yet linked to an application (an approved application may link one)."""
    return (scoped(Platform, user).filter(district_id=district_id, application__isnull=True)
            .order_by("name"))


# --- applications ---------------------------------------------------------------------------------------


def application_list(*, user, f: dict[str, Any] | None = None, invalid: bool = False) -> QuerySet[PlatformApplication]:
    f = f or {}
    qs = scoped(PlatformApplication, user).select_related("district", "platform", "enterprise")
    qs = _filtered(qs, f, invalid, level=True, q=("name", "host"),
                   lookups={"kind": "kind", "outcome": "outcome", "year": "applied_on__year"})
    return qs.order_by("-applied_on", "-id")


def application_get(*, user, pk: Any, write: bool = False) -> PlatformApplication:
    return get_for_user(PlatformApplication.objects.select_related("district", "platform", "enterprise"), user, pk,
                        write=write)


# --- talent and experts ---------------------------------------------------------------------------------


def talent_list(*, user, f: dict[str, Any] | None = None, invalid: bool = False) -> QuerySet[Talent]:
    f = f or {}
    qs = scoped(Talent, user).select_related("district", "enterprise")
    qs = _filtered(qs, f, invalid, level=True, q=("name", "program", "host"),
                   lookups={"year": "year", "enterprise": "enterprise_id"})
    if f.get("team") in ("1", "0"):
        qs = qs.filter(is_team=f["team"] == "1")
    return qs.order_by("-year", "name", "id")


def talent_get(*, user, pk: Any, write: bool = False) -> Talent:
    return get_for_user(Talent.objects.select_related("district", "enterprise"), user, pk, write=write)


def in_service_q(day: dt.date) -> Q:
    return Q(start_on__lte=day) & (Q(end_on__isnull=True) | Q(end_on__gte=day))


def permit_due_q(today: dt.date) -> Q:
    """In service today with a work permit that has expired or expires within ``PERMIT_DAYS`` days."""
    return in_service_q(today) & Q(permit_expires__isnull=False,
                                   permit_expires__lte=today + dt.timedelta(days=PERMIT_DAYS))


def expert_list(*, user, f: dict[str, Any] | None = None, invalid: bool = False,
                today: dt.date | None = None) -> QuerySet[ForeignExpert]:
    f = f or {}
    qs = scoped(ForeignExpert, user).select_related("district", "enterprise")
    qs = _filtered(qs, f, invalid, q=("name", "host", "field"),
                   lookups={"nationality": "nationality__icontains", "enterprise": "enterprise_id"})
    if f.get("serving_on"):
        qs = qs.filter(in_service_q(f["serving_on"]))
    if f.get("permit") == "due" and today is not None:
        qs = qs.filter(permit_due_q(today))
    return qs.order_by("-start_on", "name", "id")


def expert_get(*, user, pk: Any, write: bool = False) -> ForeignExpert:
    return get_for_user(ForeignExpert.objects.select_related("district", "enterprise"), user, pk, write=write)


def permits_due(*, user, today: dt.date) -> tuple[int, dt.date | None]:
    """How many experts in service have a permit expired or expiring within 60 days, and the earliest expiry."""
    qs = scoped(ForeignExpert, user).filter(permit_due_q(today))
    dates = list(qs.order_by("permit_expires").values_list("permit_expires", flat=True)[:1])
    return qs.count(), (dates[0] if dates else None)


# --- agreements -----------------------------------------------------------------------------------------


def agreement_list(*, user, f: dict[str, Any] | None = None, invalid: bool = False) -> QuerySet[Agreement]:
    f = f or {}
    qs = scoped(Agreement, user).select_related("district", "enterprise").annotate(n_projects=Count("projects"))
    qs = _filtered(qs, f, invalid, q=("local_party", "partner", "field"), lookups={
        "status": "status", "year": "signed_on__year", "signed_since": "signed_on__gte",
        "signed_until": "signed_on__lte", "enterprise": "enterprise_id"})
    return qs.order_by("-signed_on", "-id")


def agreement_get(*, user, pk: Any, write: bool = False) -> Agreement:
    return get_for_user(Agreement.objects.select_related("district", "enterprise"), user, pk, write=write)


def joint_project_get(*, user, pk: Any, write: bool = False) -> JointProject:
    return get_for_user(JointProject.objects.select_related("agreement", "agreement__district"), user, pk, write=write)


# --- recognitions ---------------------------------------------------------------------------------------

STEP_DATES = {"applied": "applied_on", "publicised": "publicised_on", "granted": "decided_on"}


def recognition_list(*, user, f: dict[str, Any] | None = None, invalid: bool = False) -> QuerySet[Recognition]:
    f = f or {}
    qs = scoped(Recognition, user).select_related("district", "enterprise", "enterprise__township")
    qs = _filtered(qs, f, invalid, lookups={"title": "title", "level": "level", "year": "year", "status": "status",
                                          "enterprise": "enterprise_id"})
    step = f.get("step")  # an indicator's rows: the step reached within [since, until]
    if step in STEP_DATES:
        field = STEP_DATES[step]
        if f.get("since"):
            qs = qs.filter(**{f"{field}__gte": f["since"]})
        if f.get("until"):
            qs = qs.filter(**{f"{field}__lte": f["until"]})
        qs = qs.filter(**{f"{field}__isnull": False})
        if step == "granted":
            qs = qs.filter(status=flow.GRANTED)
    if f.get("q"):
        code = normalize_credit_code(f["q"])
        cond = Q(enterprise__name__icontains=f["q"]) | Q(batch__icontains=f["q"])
        if code.isalnum() and len(code) >= 6:
            cond |= Q(enterprise__credit_code__startswith=code)
        qs = qs.filter(cond)
    return qs.order_by("-year", "-applied_on", "-id")


def recognition_counts(qs: QuerySet[Recognition]) -> dict[str, int]:
    """申报N家，推荐N家，公示N家，认定N家，未通过N家 over a list: each firm counted once per step it reached."""
    rows = list(qs.values_list("enterprise_id", "status", "recommended_on", "publicised_on"))
    applied = {e for e, *_ in rows}
    recommended = {e for e, s, r, p in rows if r is not None or s in (flow.RECOMMENDED, flow.PUBLICISED, flow.GRANTED)}
    publicised = {e for e, s, r, p in rows if p is not None or s in (flow.PUBLICISED, flow.GRANTED)}
    granted = {e for e, s, *_ in rows if s == flow.GRANTED}
    failed = {e for e, s, *_ in rows if s == flow.FAILED}
    return {"applied": len(applied), "recommended": len(recommended), "publicised": len(publicised),
            "granted": len(granted), "failed": len(failed)}


def recognition_years(*, user) -> list[int]:
    return sorted(set(scoped(Recognition, user).values_list("year", flat=True)), reverse=True)


def recognition_get(*, user, pk: Any, write: bool = False) -> Recognition:
    return get_for_user(Recognition.objects.select_related("district", "enterprise", "created_by"), user, pk,
                        write=write)


def recognition_title(r: Recognition) -> str:
    """The title applied for with its level: 省级科技创新型企业, 专精特新 (no level)."""
    level = LabelLevel(r.level).label if r.level in LabelLevel.values and r.level != LabelLevel.NONE else ""
    kind = LabelKind(r.title).label if r.title in LabelKind.values else r.title
    return kind if kind.startswith(level) else f"{level}{kind}"
