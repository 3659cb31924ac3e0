"""Reads for one enterprise's qualifications page (资质与培育). The enterprise itself was fetched through the
scope, so its records (all of its own) are in scope too; a record named by id is looked up among the
enterprise's own (another firm's id reads as missing: 404); the pools offered come through ``scoped``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, F, OuterRef, Prefetch, QuerySet, Subquery, Value, When
from django.http import Http404
from django.utils import timezone

from keguan.core.history import HistoryEntry, entries_for
from keguan.core.scope import scoped
from keguan.enterprises.models import Enterprise

from ..models import (
    ApplicationStep,
    CultivationPool,
    HnteApplication,
    HnteCertificate,
    PoolMember,
    RecordedFact,
    TechSmeRecord,
    TutoringVisit,
)
from ..stages import Derived, derive, has_records
from .lists import CertificateRow, certificate_rows


@dataclass
class EnterpriseRecords:
    sme_records: list
    applications: list[HnteApplication]
    open_application: HnteApplication | None
    certificates: list[CertificateRow]  # newest first (the district list's rows: state, days left, renewal)
    memberships: list[PoolMember]
    open_member: PoolMember | None
    visits: list
    facts: list
    pools: object  # the pools the firm may join (queryset)
    derived: Derived
    follows_records: bool
    remind: bool  # a valid certificate ends within six months, no later one, no application under way

    @property
    def certified(self) -> bool:
        """A 高企 certificate is valid today (the firm cannot join a cultivation pool)."""
        return any(c.state in ("有效", "即将到期") for c in self.certificates)


def pools_for(user, enterprise: Enterprise):
    today = timezone.localdate()
    return scoped(CultivationPool, user).filter(district_id=enterprise.district_id, end_year__gte=today.year,
                                                start_year__lte=today.year)


def _own(qs: QuerySet, pk: Any):
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("记录不存在") from exc


def sme_record_of(enterprise: Enterprise, pk: Any) -> TechSmeRecord:
    return _own(enterprise.sme_records.all(), pk)


def application_of(enterprise: Enterprise, pk: Any) -> HnteApplication:
    return _own(enterprise.hnte_applications.select_related("batch"), pk)


def certificate_of(enterprise: Enterprise, pk: Any) -> HnteCertificate:
    return _own(enterprise.hnte_certificates.all(), pk)


def membership_of(enterprise: Enterprise, pk: Any) -> PoolMember:
    return _own(enterprise.pool_memberships.select_related("pool"), pk)


def fact_of(enterprise: Enterprise, pk: Any) -> RecordedFact:
    return _own(enterprise.recorded_facts.all(), pk)


def enterprise_records(enterprise: Enterprise, *, pools) -> EnterpriseRecords:
    today = timezone.localdate()
    applications = list(
        enterprise.hnte_applications.select_related("batch").prefetch_related(
            Prefetch("steps", queryset=ApplicationStep.objects.select_related("created_by").order_by("on", "id"))
        ).order_by("-batch__year", "-batch__seq")
    )
    certificates = certificate_rows(list(enterprise.hnte_certificates.order_by("-issued_on")), today=today)
    memberships = list(enterprise.pool_memberships.select_related("pool").order_by("-entered_on"))
    open_application = next((a for a in applications if not a.is_final), None)
    remind = any(row.renewal is not None and row.renewal.due for row in certificates)
    return EnterpriseRecords(
        sme_records=list(enterprise.sme_records.order_by("-year")),
        applications=applications,
        open_application=open_application,
        certificates=certificates,
        memberships=memberships,
        open_member=next((m for m in memberships if m.exited_on is None), None),
        facts=list(enterprise.recorded_facts.order_by("-year", "kind")),
        visits=list(enterprise.tutoring_visits.select_related("created_by").order_by("-visited_on", "-id")[:50]),
        pools=pools,
        derived=derive(enterprise, today),
        follows_records=has_records(enterprise),
        remind=remind,
    )


def records_history(enterprise: Enterprise, limit: int = 100) -> list[HistoryEntry]:
    """Who changed which qualification record of the enterprise, when, old → new; newest first."""
    entries = entries_for(TechSmeRecord.history.filter(enterprise_id=enterprise.pk),
                          subject=lambda r: f"{r.year}年科小入库", model=TechSmeRecord)
    entries += entries_for(HnteApplication.history.filter(enterprise_id=enterprise.pk),
                           subject="高企申报", model=HnteApplication)
    entries += entries_for(HnteCertificate.history.filter(enterprise_id=enterprise.pk),
                           subject=lambda r: f"高企证书 {r.number}", model=HnteCertificate)
    entries += entries_for(PoolMember.history.filter(enterprise_id=enterprise.pk),
                           subject="培育库", model=PoolMember)
    entries += entries_for(RecordedFact.history.filter(enterprise_id=enterprise.pk),
                           subject=lambda r: f"事项：{r.year}年{r.get_kind_display()}", model=RecordedFact)
    entries += entries_for(TutoringVisit.history.filter(enterprise_id=enterprise.pk),
                           subject=lambda r: f"{r.visited_on:%Y-%m-%d}辅导", model=TutoringVisit)
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]


SERVED_STAGES = ("pool", "tech_sme")  # the firms field staff help towards 高企, in this order


def firms_to_serve(*, user, limit: int = 15) -> tuple[list[Enterprise], int]:
    """The firms in ``user``'s area in the 培育库 or 科小 stage, 培育库 first and the least recently tutored
    first (never tutored before all), each with ``last_visit`` and ``last_next_step``; and how many there are."""
    firms = scoped(Enterprise, user).filter(stage__in=SERVED_STAGES)
    latest = TutoringVisit.objects.filter(enterprise=OuterRef("pk")).order_by("-visited_on", "-id")
    rows = list(
        firms.annotate(last_visit=Subquery(latest.values("visited_on")[:1]),
                       last_next_step=Subquery(latest.values("next_step")[:1]),
                       pool_first=Case(When(stage="pool", then=Value(0)), default=Value(1)))
        .select_related("township")
        .order_by("pool_first", F("last_visit").asc(nulls_first=True), "name")[:limit]
    )
    return rows, firms.count()


def visits_recorded_by(*, user, limit: int = 8) -> list[TutoringVisit]:
    """The tutoring visits ``user`` recorded, newest first."""
    return list(scoped(TutoringVisit, user).filter(created_by=user).select_related("enterprise")
                .order_by("-visited_on", "-id")[:limit])
