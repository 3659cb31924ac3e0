"""Reads of the R&D reporting rounds; every one starts from the user's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum

from keguan.core.scope import get_for_user, scoped
from keguan.enterprises.models import Enterprise, EnterpriseLabel, EnterpriseYear, LabelKind
from keguan.indicators.models import Target
from keguan.regions.models import Region, RegionLevel
from keguan.rules.identifiers import normalize_credit_code

from .models import RdCall, RdFirm, RdRound

WAN = Decimal(10000)
# The city's yearly target a round is measured against: the district's R&D target (市定目标, 万元).
TARGET_INDICATOR = "rd_reported"


def eligible_enterprises(*, district_ids: list[int], year: int) -> QuerySet[Enterprise]:
    """The firms a round of fiscal ``year`` concerns: 规上企业 (the label, of any year) of the districts with
    R&D activity (研发费用 > 0 in their yearly figures of ``year`` or the year before)."""
    labelled = EnterpriseLabel.objects.filter(enterprise=OuterRef("pk"), kind=LabelKind.ABOVE_SIZE)
    active = EnterpriseYear.objects.filter(enterprise=OuterRef("pk"), year__in=[year, year - 1]).filter(
        Q(rd_domestic__gt=0) | Q(rd_abroad__gt=0)
    )
    return Enterprise.objects.filter(district_id__in=district_ids).filter(Exists(labelled), Exists(active))


# --- rounds ---------------------------------------------------------------------------------------------


def round_list(*, user, year: int | None = None, district: int | None = None) -> QuerySet[RdRound]:
    qs = scoped(RdRound, user).select_related("district")
    if year:
        qs = qs.filter(year=year)
    if district:
        qs = qs.filter(district_id=district)
    return qs.annotate(
        n_firms=Count("firms"), n_reported=Count("firms__amount"), total=Sum("firms__amount")
    ).order_by("-year", "district__code", "id")


def round_years(*, user) -> list[int]:
    return sorted(set(scoped(RdRound, user).values_list("year", flat=True)), reverse=True)


def round_get(*, user, pk: Any, write: bool = False) -> RdRound:
    return get_for_user(RdRound.objects.select_related("district", "created_by"), user, pk, write=write)


@dataclass(frozen=True)
class RoundSummary:
    firms: int
    reported: int
    total: Decimal  # yuan
    target: Decimal | None  # 万元

    @property
    def missing(self) -> int:
        return self.firms - self.reported

    @property
    def total_wan(self) -> Decimal:
        return self.total / WAN

    @property
    def completion(self) -> Decimal | None:
        if not self.target:
            return None
        return self.total_wan / self.target

    @property
    def reported_share(self) -> Decimal | None:
        return Decimal(self.reported) / Decimal(self.firms) if self.firms else None


def round_target(rd_round: RdRound) -> Decimal | None:
    row = Target.objects.filter(indicator=TARGET_INDICATOR, region_id=rd_round.district_id, year=rd_round.year).first()
    return row.value if row else None


def round_targets(rounds: list[RdRound]) -> dict[tuple[int, int], Decimal]:
    """The targets of several rounds, by (district id, year), in one query."""
    if not rounds:
        return {}
    rows = Target.objects.filter(
        indicator=TARGET_INDICATOR, region_id__in={r.district_id for r in rounds}, year__in={r.year for r in rounds}
    )
    return {(t.region_id, t.year): t.value for t in rows}


def round_summary(rd_round: RdRound) -> RoundSummary:
    agg = RdFirm.objects.filter(round=rd_round).aggregate(n=Count("id"), done=Count("amount"), total=Sum("amount"))
    return RoundSummary(
        firms=agg["n"], reported=agg["done"], total=agg["total"] or Decimal(0), target=round_target(rd_round)
    )


def township_progress(rd_round: RdRound) -> list[dict[str, Any]]:
    """Per township of the firms: firms, reported, total (yuan); firms without a township last."""
    rows = (
        RdFirm.objects.filter(round=rd_round)
        .values("enterprise__township_id", "enterprise__township__name")
        .annotate(n=Count("id"), done=Count("amount"), total=Sum("amount"))
        .order_by("enterprise__township__code")
    )
    out = [
        {"township_id": r["enterprise__township_id"], "name": r["enterprise__township__name"] or "未填乡镇/街道",
         "firms": r["n"], "reported": r["done"], "missing": r["n"] - r["done"], "total": r["total"] or Decimal(0)}
        for r in rows
    ]
    out.sort(key=lambda r: r["township_id"] is None)
    return out


# --- firms of a round ----------------------------------------------------------------------------------

STATUS_REPORTED, STATUS_MISSING = "reported", "missing"
STATUS_CHOICES = [("", "全部"), (STATUS_MISSING, "未填报"), (STATUS_REPORTED, "已填报")]
SORTS: dict[str, tuple[Any, ...]] = {
    "name": ("enterprise__name", "id"),
    "-amount": (F("amount").desc(nulls_last=True), "enterprise__name", "id"),
    "township": (F("enterprise__township__code").asc(nulls_last=True), "enterprise__name", "id"),
    "last_call": (F("last_call_on").asc(nulls_first=True), "enterprise__name", "id"),
}
SORT_LABELS = {"name": "企业名称", "township": "乡镇/街道", "-amount": "填报金额 ↓", "last_call": "最久未跟进"}


@dataclass(frozen=True)
class FirmFilters:
    status: str = ""
    township: int | None = None
    q: str = ""
    sort: str = "name"
    invalid: bool = False


def _with_reference(qs: QuerySet[RdFirm], year: int) -> QuerySet[RdFirm]:
    """Each firm's accounting 研发费用 of the round's year (from its yearly figures), its last call and the
    number of calls."""
    figures = EnterpriseYear.objects.filter(enterprise=OuterRef("enterprise"), year=year)
    last = RdCall.objects.filter(firm=OuterRef("pk")).order_by("-called_on", "-id")
    return qs.annotate(
        ref_rd=Subquery(figures.annotate(t=F("rd_domestic") + F("rd_abroad")).values("t")[:1]),
        last_call_on=Subquery(last.values("called_on")[:1]),
        last_call_outcome=Subquery(last.values("outcome")[:1]),
        last_call_note=Subquery(last.values("note")[:1]),
        n_calls=Subquery(
            RdCall.objects.filter(firm=OuterRef("pk")).order_by().values("firm").annotate(c=Count("id")).values("c")[:1]
        ),
    )


def round_firms(*, rd_round: RdRound, filters: FirmFilters | None = None) -> QuerySet[RdFirm]:
    f = filters or FirmFilters()
    qs = RdFirm.objects.filter(round=rd_round).select_related("enterprise", "enterprise__township", "recorded_by")
    if f.invalid:
        return qs.none()
    if f.status == STATUS_REPORTED:
        qs = qs.filter(amount__isnull=False)
    elif f.status == STATUS_MISSING:
        qs = qs.filter(amount__isnull=True)
    if f.township:
        qs = qs.filter(enterprise__township_id=f.township)
    if f.q:
        cond = Q(enterprise__name__icontains=f.q)
        code = normalize_credit_code(f.q)
        if code.isalnum() and len(code) >= 6:
            cond |= Q(enterprise__credit_code__startswith=code)
        qs = qs.filter(cond)
    qs = _with_reference(qs, rd_round.year)
    return qs.order_by(*SORTS.get(f.sort, SORTS["name"]))


def round_townships(rd_round: RdRound) -> QuerySet[Region]:
    return Region.objects.filter(parent_id=rd_round.district_id, level=RegionLevel.TOWNSHIP).order_by("code")


def firm_get(*, user, pk: Any, write: bool = False) -> RdFirm:
    qs = RdFirm.objects.select_related("round", "round__district", "enterprise", "enterprise__township", "recorded_by")
    return get_for_user(qs, user, pk, write=write)


def firm_row(firm: RdFirm) -> RdFirm:
    """``firm`` as a row of the round's table (with the reference figure and its last call)."""
    return _with_reference(RdFirm.objects.filter(pk=firm.pk), firm.round.year).select_related(
        "enterprise", "enterprise__township", "recorded_by", "round"
    ).get()


def firm_calls(firm: RdFirm) -> QuerySet[RdCall]:
    return firm.calls.select_related("called_by").order_by("-called_on", "-id")


def firm_reference_years(firm: RdFirm) -> list[EnterpriseYear]:
    """The firm's accounting 研发费用 of the round's year and the year before, for reference."""
    return list(firm.enterprise.years.filter(year__in=[firm.round.year, firm.round.year - 1]).order_by("-year"))


def district_enterprise_lookup(*, rd_round: RdRound, text: str) -> Enterprise | None:
    """A firm of the round's district named by its credit code or its exact name."""
    text = (text or "").strip()
    if not text:
        return None
    base = Enterprise.objects.filter(district_id=rd_round.district_id)
    code = normalize_credit_code(text)
    found = base.filter(credit_code=code).first() if len(code) == 18 else None
    if found is None:
        matches = list(base.filter(name=text)[:2])
        found = matches[0] if len(matches) == 1 else None
    return found


def default_year(today: dt.date) -> int:
    """The fiscal year a round opened today usually reports: last year."""
    return today.year - 1


# --- 待办 --------------------------------------------------------------------------------------------------


def open_rounds(user, today: dt.date) -> QuerySet[RdRound]:
    """The rounds in scope still being collected: opened by ``today``, of last year's figures or later."""
    return scoped(RdRound, user).filter(opened_on__lte=today, year__gte=default_year(today))


def unreported_by_round(*, user, today: dt.date) -> list[RdRound]:
    """The open rounds in scope with firms not yet reported, each with ``missing`` (one query)."""
    return list(
        open_rounds(user, today).select_related("district")
        .annotate(missing=Count("firms", filter=Q(firms__amount__isnull=True)))
        .filter(missing__gt=0).order_by("year", "district__code")
    )


def own_unreported(*, enterprise_id: int, today: dt.date) -> list[RdFirm]:
    """An enterprise's lines in open rounds that it has not reported yet."""
    return list(
        RdFirm.objects.filter(enterprise_id=enterprise_id, amount__isnull=True, round__opened_on__lte=today,
                              round__year__gte=default_year(today)).select_related("round")
    )
