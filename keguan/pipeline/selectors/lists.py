"""Reads behind the district-level lists: 高企申报 by batch, 高企证书 and the 重新认定 reminders, 培育库 and
their members, 科小入库 records. Every one starts from ``scoped(...)``; the exports reuse them."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from keguan.core.scope import get_for_user, scoped
from keguan.rules.identifiers import normalize_credit_code

from ..models import (
    APP_FINAL,
    APP_ORDER,
    APP_SUBMITTED,
    AppStatus,
    CultivationPool,
    ExitReason,
    HnteApplication,
    HnteBatch,
    HnteCertificate,
    PoolMember,
    TechSmeRecord,
    TutoringVisit,
)

RENEWAL_MONTHS = 6  # a certificate expiring within this many months calls for 重新认定


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later; the month's last day when it has no such day (31 August + 6 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def renewal_horizon(today: dt.date) -> dt.date:
    """The last expiry date that counts as 即将到期 on ``today``. A certificate's reminder starts on the same day
    number six months before its expiry (the month's last day when that month is shorter), so on the last day
    of a month everything expiring up to the end of the month six months on is due."""
    later = add_months(today, RENEWAL_MONTHS)
    if today.day == calendar.monthrange(today.year, today.month)[1]:
        later = later.replace(day=calendar.monthrange(later.year, later.month)[1])
    return later


def _firm_search(q: str, prefix: str = "enterprise__") -> Q:
    cond = Q(**{f"{prefix}name__icontains": q})
    code = normalize_credit_code(q)
    if code.isalnum() and len(code) >= 6:
        cond |= Q(**{f"{prefix}credit_code__startswith": code})
    return cond


def _in_area(qs: QuerySet, district: int | None, township: int | None) -> QuerySet:
    if district:
        qs = qs.filter(enterprise__district_id=district)
    if township:
        qs = qs.filter(enterprise__township_id=township)
    return qs


# --- 高企申报 ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationFilters:
    batch: int | None = None
    status: str = ""
    district: int | None = None
    township: int | None = None
    q: str = ""
    # Filters that figures link to (申报 by 材料提交日期, 认定 by 认定日期, within a period)
    submitted_since: dt.date | None = None
    submitted_until: dt.date | None = None
    decided_since: dt.date | None = None
    decided_until: dt.date | None = None
    invalid: bool = False


_STATUS_RANK = Case(*(When(status=s, then=Value(i)) for s, i in APP_ORDER.items()), output_field=IntegerField())


def application_list(*, user, filters: ApplicationFilters | None = None) -> QuerySet[HnteApplication]:
    """Applications in scope matching ``filters``: newest batch first, then in the order of the statuses
    (拟申报 … 认定, 未通过), then by firm name."""
    f = filters or ApplicationFilters()
    qs = scoped(HnteApplication, user).select_related("batch", "enterprise__district", "enterprise__township")
    if f.invalid:
        return qs.none()
    if f.batch:
        qs = qs.filter(batch_id=f.batch)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.submitted_since or f.submitted_until:
        qs = qs.filter(status__in=APP_SUBMITTED)
        if f.submitted_since:
            qs = qs.filter(submitted_on__gte=f.submitted_since)
        if f.submitted_until:
            qs = qs.filter(submitted_on__lte=f.submitted_until)
    if f.decided_since:
        qs = qs.filter(decided_on__gte=f.decided_since)
    if f.decided_until:
        qs = qs.filter(decided_on__lte=f.decided_until)
    qs = _in_area(qs, f.district, f.township)
    if f.q:
        qs = qs.filter(_firm_search(f.q))
    return qs.annotate(status_rank=_STATUS_RANK).order_by(
        "-batch__year", "-batch__seq", "status_rank", "enterprise__name", "id"
    )


def application_status_counts(*, user, filters: ApplicationFilters | None = None) -> list[tuple[str, str, int]]:
    """(status, label, count) for every status, under every filter but the status itself."""
    f = replace(filters or ApplicationFilters(), status="")
    counts = dict(application_list(user=user, filters=f).order_by().values_list("status").annotate(n=Count("id")))
    return [(value, label, counts.get(value, 0)) for value, label in AppStatus.choices]


def batch_default(*, user) -> HnteBatch | None:
    """The batch the page opens on: the newest batch with an application in the user's scope, else the newest."""
    batch_id = (
        scoped(HnteApplication, user).order_by("-batch__year", "-batch__seq").values_list("batch_id", flat=True).first()
    )
    if batch_id is not None:
        return HnteBatch.objects.get(pk=batch_id)
    return HnteBatch.objects.order_by("-year", "-seq").first()


# --- 高企证书 --------------------------------------------------------------------------------------------------

CERT_VALID, CERT_EXPIRING, CERT_EXPIRED, CERT_RENEW = "valid", "expiring", "expired", "renew"
CERT_STATES = [
    (CERT_VALID, "有效"),
    (CERT_EXPIRING, f"即将到期（{RENEWAL_MONTHS}个月内）"),
    (CERT_EXPIRED, "已过期"),
    (CERT_RENEW, "需组织重新认定"),
]


@dataclass(frozen=True)
class CertificateFilters:
    state: str = ""
    year: int | None = None  # 发证（认定）年度
    district: int | None = None
    township: int | None = None
    q: str = ""
    # The work summary's 一年内到期 figure links here: valid on that day, expiring within twelve months after
    # it, and nobody renewing yet.
    renew_on: dt.date | None = None
    invalid: bool = False


RENEWAL_WINDOW_MONTHS = 12


def expiring_q(day: dt.date) -> Q:
    """Certificates valid on ``day`` that expire within the following twelve months and that nobody is
    renewing (the work summary's problem and plan)."""
    return Q(issued_on__lte=day, expires_on__gt=day, expires_on__lte=add_months(day, RENEWAL_WINDOW_MONTHS)) \
        & renewal_pending_q()


def _later_certificate() -> Exists:
    return Exists(HnteCertificate.objects.filter(enterprise=OuterRef("enterprise"), issued_on__gt=OuterRef("issued_on")))


def _open_application() -> Exists:
    return Exists(HnteApplication.objects.filter(enterprise=OuterRef("enterprise")).exclude(status__in=APP_FINAL))


def renewal_pending_q() -> Q:
    """Certificates whose firm has neither a later certificate nor an application still open: nobody has
    started its 重新认定 yet."""
    return ~Q(_later_certificate()) & ~Q(_open_application())


def renewal_q(today: dt.date) -> Q:
    """Certificates that call for 重新认定 on ``today``: still valid, expiring within six months, and the firm has
    neither a later certificate nor an application in a batch that is still open (拟申报 … 公示)."""
    return (
        Q(expires_on__gte=today, expires_on__lte=renewal_horizon(today)) & renewal_pending_q()
    )


def certificate_list(
    *, user, filters: CertificateFilters | None = None, today: dt.date
) -> QuerySet[HnteCertificate]:
    """Certificates in scope: valid ones first, soonest expiry first; then the expired ones, latest first."""
    f = filters or CertificateFilters()
    qs = scoped(HnteCertificate, user).select_related("enterprise__district", "enterprise__township")
    if f.invalid:
        return qs.none()
    if f.state == CERT_VALID:
        qs = qs.filter(expires_on__gte=today)
    elif f.state == CERT_EXPIRING:
        qs = qs.filter(expires_on__gte=today, expires_on__lte=renewal_horizon(today))
    elif f.state == CERT_EXPIRED:
        qs = qs.filter(expires_on__lt=today)
    elif f.state == CERT_RENEW:
        qs = qs.filter(renewal_q(today))
    if f.year:
        qs = qs.filter(issued_on__year=f.year)
    if f.renew_on:
        qs = qs.filter(expiring_q(f.renew_on))
    qs = _in_area(qs, f.district, f.township)
    if f.q:
        cond = _firm_search(f.q)
        if f.q.strip().upper().startswith("G"):
            cond |= Q(number__startswith=f.q.strip().upper())
        qs = qs.filter(cond)
    expired = Case(When(expires_on__lt=today, then=Value(1)), default=Value(0), output_field=IntegerField())
    return qs.annotate(is_expired=expired).order_by(
        "is_expired",
        Case(When(expires_on__gte=today, then=F("expires_on"))).asc(),
        F("expires_on").desc(),
        "enterprise__name",
        "id",
    )


def renewal_due(*, user, today: dt.date) -> QuerySet[HnteCertificate]:
    return certificate_list(user=user, filters=CertificateFilters(state=CERT_RENEW), today=today)


def renewal_due_count(*, user, today: dt.date) -> int:
    return scoped(HnteCertificate, user).filter(renewal_q(today)).count()


def renewal_due_summary(*, user, today: dt.date) -> tuple[int, dt.date | None]:
    """How many certificates in scope call for 重新认定, and the soonest of their expiry dates (one query)."""
    found = scoped(HnteCertificate, user).filter(renewal_q(today)).aggregate(n=Count("id"), soonest=Min("expires_on"))
    return found["n"], found["soonest"]


def renewal_due_preview(*, user, today: dt.date, limit: int = 8) -> list[CertificateRow]:
    """The first ``limit`` certificates due for 重新认定 (the certificate list's reminder box)."""
    return certificate_rows(list(renewal_due(user=user, today=today)[:limit]), today=today)


@dataclass(frozen=True)
class RenewalState:
    """What is being done about one certificate's renewal (for the rows of the certificate list)."""

    due: bool  # 需组织重新认定
    later: HnteCertificate | None  # a newer certificate of the firm
    open_application: HnteApplication | None  # an application in a batch still open


def renewal_states(certificates: list[HnteCertificate], *, today: dt.date) -> dict[int, RenewalState]:
    """For the certificates on one page (already in scope): whether each calls for 重新认定 and why not."""
    firms = {c.enterprise_id for c in certificates}
    if not firms:
        return {}
    newest: dict[int, HnteCertificate] = {}
    for c in HnteCertificate.objects.filter(enterprise_id__in=firms).order_by("issued_on", "id"):
        newest[c.enterprise_id] = c
    open_apps = {
        a.enterprise_id: a
        for a in HnteApplication.objects.filter(enterprise_id__in=firms).exclude(status__in=APP_FINAL)
        .select_related("batch").order_by("batch__year", "batch__seq")
    }
    horizon = renewal_horizon(today)
    out = {}
    for c in certificates:
        latest = newest.get(c.enterprise_id)
        later = latest if latest is not None and latest.issued_on > c.issued_on else None
        app = open_apps.get(c.enterprise_id)
        expiring = today <= c.expires_on <= horizon
        out[c.pk] = RenewalState(due=expiring and later is None and app is None, later=later, open_application=app)
    return out


@dataclass(frozen=True)
class CertificateRow:
    cert: HnteCertificate
    state: str  # 有效 / 即将到期 / 已过期
    days_left: int | None  # None once expired
    renewal: RenewalState | None  # for the certificates 即将到期

    @property
    def renewal_text(self) -> str:
        r = self.renewal
        if r is None:
            return ""
        if r.later is not None:
            return f"已取得新证书 {r.later.number}"
        if r.open_application is not None:
            a = r.open_application
            return f"已申报{a.batch}（{a.get_status_display()}）"
        return "需组织重新认定" if r.due else ""


def certificate_rows(certificates: list[HnteCertificate], *, today: dt.date) -> list[CertificateRow]:
    horizon = renewal_horizon(today)
    states = renewal_states(certificates, today=today)
    rows = []
    for c in certificates:
        if c.expires_on < today:
            rows.append(CertificateRow(c, "已过期", None, None))
        elif c.expires_on <= horizon:
            rows.append(CertificateRow(c, "即将到期", (c.expires_on - today).days, states.get(c.pk)))
        else:
            rows.append(CertificateRow(c, "有效", (c.expires_on - today).days, None))
    return rows


def certificate_years(*, user) -> list[int]:
    return sorted({d.year for d in scoped(HnteCertificate, user).dates("issued_on", "year")}, reverse=True)


# --- 培育库 ----------------------------------------------------------------------------------------------------


def pool_list(*, user, today: dt.date) -> QuerySet[CultivationPool]:
    """The pools in scope with their counts: in the pool now, entered this year, left as 认定, ever entered."""
    return (
        scoped(CultivationPool, user)
        .select_related("district")
        .annotate(
            n_in=Count("members", filter=Q(members__exited_on__isnull=True)),
            n_entered_year=Count("members", filter=Q(members__entered_on__year=today.year)),
            n_recognised=Count("members", filter=Q(members__exit_reason=ExitReason.RECOGNISED)),
            n_total=Count("members"),
        )
        .order_by("-start_year", "-end_year", "district__code", "name")
    )


def pool_get(*, user, pk: Any, write: bool = False) -> CultivationPool:
    return get_for_user(CultivationPool.objects.select_related("district"), user, pk, write=write)


def current_pools(*, user, year: int) -> QuerySet[CultivationPool]:
    """The pools in scope whose years include ``year`` (the ones firms can join now)."""
    return scoped(CultivationPool, user).filter(start_year__lte=year, end_year__gte=year).order_by("district__code")


def pool_counts(*, pool: CultivationPool, today: dt.date) -> dict[str, int]:
    return pool.members.aggregate(
        n_in=Count("id", filter=Q(exited_on__isnull=True)),
        n_out=Count("id", filter=Q(exited_on__isnull=False)),
        n_entered_year=Count("id", filter=Q(entered_on__year=today.year)),
        n_recognised=Count("id", filter=Q(exit_reason=ExitReason.RECOGNISED)),
        n_total=Count("id"),
    )


MEMBER_IN, MEMBER_OUT, MEMBER_ALL = "in", "out", "all"
MEMBER_STATES = [(MEMBER_IN, "在库"), (MEMBER_OUT, "已出库"), (MEMBER_ALL, "全部")]


@dataclass(frozen=True)
class MemberFilters:
    state: str = MEMBER_IN
    q: str = ""
    district: int | None = None
    township: int | None = None
    # Filters that figures link to (培育库在库企业 at a period's end, 认定出库 within a period)
    on: dt.date | None = None  # in a pool on that day
    exit_reason: str = ""
    exited_since: dt.date | None = None
    exited_until: dt.date | None = None
    entered_since: dt.date | None = None
    entered_until: dt.date | None = None
    invalid: bool = False


def pool_members(
    *, user, pool: CultivationPool | None = None, filters: MemberFilters | None = None
) -> QuerySet[PoolMember]:
    """Members of ``pool`` (or of every pool in the user's scope) with the date of each firm's last tutoring
    visit: those in the pool first, newest entry first."""
    f = filters or MemberFilters()
    last_visit = TutoringVisit.objects.filter(enterprise=OuterRef("enterprise")).order_by("-visited_on", "-id")
    qs = (
        scoped(PoolMember, user)
        .select_related("pool", "enterprise__district", "enterprise__township")
        .annotate(last_visit=Subquery(last_visit.values("visited_on")[:1]))
    )
    if pool is not None:
        qs = qs.filter(pool=pool)
    if f.invalid:
        return qs.none()
    if f.state == MEMBER_IN:
        qs = qs.filter(exited_on__isnull=True)
    elif f.state == MEMBER_OUT:
        qs = qs.filter(exited_on__isnull=False)
    if f.on:
        qs = qs.filter(Q(entered_on__lte=f.on) & (Q(exited_on__isnull=True) | Q(exited_on__gt=f.on)))
    if f.exit_reason:
        qs = qs.filter(exit_reason=f.exit_reason)
    if f.exited_since:
        qs = qs.filter(exited_on__gte=f.exited_since)
    if f.exited_until:
        qs = qs.filter(exited_on__lte=f.exited_until)
    if f.entered_since:
        qs = qs.filter(entered_on__gte=f.entered_since)
    if f.entered_until:
        qs = qs.filter(entered_on__lte=f.entered_until)
    qs = _in_area(qs, f.district, f.township)
    if f.q:
        qs = qs.filter(_firm_search(f.q))
    gone = Case(When(exited_on__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.annotate(gone=gone).order_by("gone", "-entered_on", "enterprise__name", "id")


# --- 科小入库 --------------------------------------------------------------------------------------------------

SME_VALID, SME_REMOVED = "valid", "removed"
SME_STATES = [(SME_VALID, "当前有效"), (SME_REMOVED, "已移出")]


@dataclass(frozen=True)
class SmeFilters:
    year: int | None = None
    state: str = ""
    district: int | None = None
    township: int | None = None
    q: str = ""
    registered_since: dt.date | None = None  # (figures link to the records 入库 within a period)
    registered_until: dt.date | None = None
    invalid: bool = False


@dataclass(frozen=True)
class VisitFilters:
    topic: str = ""
    district: int | None = None
    township: int | None = None
    q: str = ""
    visited_since: dt.date | None = None  # (the summary's 辅导走访 figure links to a period's visits)
    visited_until: dt.date | None = None
    invalid: bool = False


def visit_list(*, user, filters: VisitFilters | None = None) -> QuerySet[TutoringVisit]:
    """辅导走访 records in scope, latest first."""
    f = filters or VisitFilters()
    qs = scoped(TutoringVisit, user).select_related("enterprise__district", "enterprise__township", "created_by")
    if f.invalid:
        return qs.none()
    if f.topic:
        qs = qs.filter(topic=f.topic)
    if f.visited_since:
        qs = qs.filter(visited_on__gte=f.visited_since)
    if f.visited_until:
        qs = qs.filter(visited_on__lte=f.visited_until)
    qs = _in_area(qs, f.district, f.township)
    if f.q:
        qs = qs.filter(_firm_search(f.q) | Q(tutor__icontains=f.q.strip()))
    return qs.order_by("-visited_on", "-id")


def sme_list(*, user, filters: SmeFilters | None = None, today: dt.date) -> QuerySet[TechSmeRecord]:
    """科小 入库 records in scope: newest evaluation year first, then by 入库 date (latest first)."""
    f = filters or SmeFilters()
    qs = scoped(TechSmeRecord, user).select_related("enterprise__district", "enterprise__township")
    if f.invalid:
        return qs.none()
    if f.year:
        qs = qs.filter(year=f.year)
    if f.state == SME_VALID:
        qs = qs.filter(year=today.year, registered_on__lte=today).filter(
            Q(removed_on__isnull=True) | Q(removed_on__gt=today)
        )
    elif f.state == SME_REMOVED:
        qs = qs.filter(removed_on__isnull=False)
    if f.registered_since:
        qs = qs.filter(registered_on__gte=f.registered_since)
    if f.registered_until:
        qs = qs.filter(registered_on__lte=f.registered_until)
    qs = _in_area(qs, f.district, f.township)
    if f.q:
        cond = _firm_search(f.q) | Q(number__startswith=f.q.strip().upper())
        qs = qs.filter(cond)
    return qs.order_by("-year", "-registered_on", "enterprise__name", "id")


def sme_year_counts(*, user, filters: SmeFilters | None = None, today: dt.date) -> list[tuple[int, int]]:
    """(year, records) under every filter but the year: newest year first."""
    f = replace(filters or SmeFilters(), year=None)
    rows = sme_list(user=user, filters=f, today=today).order_by().values_list("year").annotate(n=Count("id"))
    return sorted(rows, reverse=True)


def sme_years(*, user) -> list[int]:
    return sorted(set(scoped(TechSmeRecord, user).values_list("year", flat=True).distinct()), reverse=True)

