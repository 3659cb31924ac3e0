"""Reads of 服务需求, from the user's scope: staff their region's, a township liaison its township's, a firm
its own, a commissioner those dispatched to it. ``suggest`` ranks the commissioners a need could go to."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from keguan.core import dictionary
from keguan.core.scope import get_for_user, scoped
from keguan.rules import demand_flow as flow

from ..models import Assignment, Commissioner, Demand, DemandDecline, DemandStatus, ServiceLog
from .logs import current, in_service

RETURNED = "returned"  # the list's status filter: 待派单 needs a commissioner sent back


def returned(qs: QuerySet[Demand]) -> QuerySet[Demand]:
    """The needs of ``qs`` waiting for dispatch again after a commissioner sent them back."""
    return qs.filter(Exists(DemandDecline.objects.filter(demand=OuterRef("pk"))), status=DemandStatus.NEW)


@dataclass(frozen=True)
class DemandFilters:
    status: str = ""
    township: int | None = None
    commissioner: int | None = None
    feedback_missing: bool = False
    q: str = ""
    done_since: dt.date | None = None  # a figure's period (needs completed)
    done_until: dt.date | None = None
    invalid: bool = False


def demand_list(*, user, filters: DemandFilters | None = None) -> QuerySet[Demand]:
    f = filters or DemandFilters()
    qs = scoped(Demand, user)
    if f.invalid:
        return qs.none()
    if f.status == "open":
        qs = qs.filter(status__in=flow.OPEN)
    elif f.status == RETURNED:
        qs = returned(qs)
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.township:
        qs = qs.filter(township_id=f.township)
    if f.commissioner:
        qs = qs.filter(commissioner_id=f.commissioner)
    if f.done_since:
        qs = qs.filter(done_on__gte=f.done_since)
    if f.done_until:
        qs = qs.filter(done_on__lte=f.done_until)
    if f.feedback_missing:
        qs = qs.filter(status=DemandStatus.DONE, satisfaction="")
    if f.q:
        qs = qs.filter(Q(title__contains=f.q) | Q(description__contains=f.q))
    return qs.select_related("district", "township", "village", "enterprise", "commissioner").order_by("-posted_on", "-id")


def returned_ids(demands) -> set[int]:
    """Which of ``demands`` (a page) a commissioner ever sent back."""
    pks = [d.pk for d in demands]
    return set(DemandDecline.objects.filter(demand_id__in=pks).values_list("demand_id", flat=True)) if pks else set()


def demand_get(*, user, pk: Any) -> Demand:
    qs = Demand.objects.select_related("district", "township", "village", "enterprise", "commissioner",
                                       "commissioner__user", "dispatched_by", "posted_by")
    return get_for_user(qs, user, pk)


def demand_logs(demand: Demand) -> QuerySet[ServiceLog]:
    return demand.logs.select_related("commissioner").order_by("-served_on")


def demand_history(demand: Demand) -> list[dict]:
    """Each saved move: when, who, what (the change reason), the status after."""
    rows = demand.history.select_related("history_user").order_by("history_date", "history_id")
    labels = dict(DemandStatus.choices)
    return [{"when": r.history_date, "who": r.history_user.display_name if r.history_user else "系统",
             "what": r.history_change_reason or "", "status": labels.get(r.status, r.status)} for r in rows]


def demand_declines(demand: Demand) -> list[DemandDecline]:
    """Every time the need was sent back: by whom, when, why (oldest first)."""
    return list(demand.declines.select_related("commissioner", "declined_by").order_by("declined_at", "id"))


def linkable_logs(demand: Demand, today: dt.date) -> QuerySet[ServiceLog]:
    """The commissioner's logs a completion may point at: not linked elsewhere, since the need was posted."""
    if demand.commissioner_id is None:
        return ServiceLog.objects.none()
    return (ServiceLog.objects.filter(commissioner_id=demand.commissioner_id, served_on__gte=demand.posted_on,
                                      served_on__lte=today)
            .filter(Q(demand__isnull=True) | Q(demand=demand)).select_related("village", "enterprise")
            .order_by("-served_on", "-id"))


# --- suggestions ---------------------------------------------------------------------------------------------


@dataclass
class Suggestion:
    commissioner: Commissioner
    assigned: bool
    same_township: bool
    same_field: bool
    open_demands: int
    reasons: list[str] = field(default_factory=list)
    declined: str = ""  # why it sent this need back before ("" if it never did)

    @property
    def rank(self) -> tuple:
        return (bool(self.declined), not self.assigned, not self.same_township, not self.same_field, self.open_demands,
                self.commissioner.name, self.commissioner.pk)


def suggest(demand: Demand, today: dt.date, *, limit: int = 8) -> list[Suggestion]:
    """Commissioners of the need's district in service, best first: assigned now to its village or firm, then
    serving in its township, then of its field, then with fewer open needs; those that sent this need back
    come last, marked “已退回” with their reason. Each with the reasons in words."""
    people = list(in_service(Commissioner.objects.filter(district_id=demand.district_id), today)
                  .annotate(n_open=Count("demands", filter=Q(demands__status__in=(DemandStatus.DISPATCHED,
                                                                                 DemandStatus.SERVING))))
                  .order_by("name", "id"))
    now = current(Assignment.objects.filter(district_id=demand.district_id), today)
    place = Q(village_id=demand.village_id) if demand.village_id else Q(enterprise_id=demand.enterprise_id)

    def holders(qs) -> set[int]:
        direct = set(qs.exclude(commissioner__isnull=True).values_list("commissioner_id", flat=True))
        via_team = set(qs.exclude(team__isnull=True).values_list("team__members__commissioner_id", flat=True))
        return (direct | via_team) - {None}

    assigned = holders(now.filter(place))
    in_town = holders(now.filter(township_id=demand.township_id)) if demand.township_id else set()
    field_label = dictionary.label("service_field", demand.field) if demand.field else ""
    where = demand.village.name if demand.village_id else (demand.enterprise.name if demand.enterprise_id else "")
    town = demand.township.name if demand.township_id else ""
    declined: dict[int, str] = {}
    for x in demand.declines.order_by("declined_at", "id"):  # the latest reason of each
        declined[x.commissioner_id] = x.words
    out = []
    for c in people:
        s = Suggestion(c, c.pk in assigned, c.pk in in_town, bool(demand.field) and c.field == demand.field, c.n_open,
                       declined=declined.get(c.pk, ""))
        if s.declined:
            s.reasons.append(f"已退回：{s.declined}")
        if s.assigned:
            s.reasons.append(f"现结对服务{where}")
        elif s.same_township:
            s.reasons.append(f"在{town}有结对村/企业")
        if s.same_field:
            s.reasons.append(f"服务领域相同（{field_label}）")
        elif c.field:
            s.reasons.append(f"服务领域：{dictionary.label('service_field', c.field)}")
        s.reasons.append(f"在办需求 {s.open_demands} 件" if s.open_demands else "暂无在办需求")
        out.append(s)
    out.sort(key=lambda s: s.rank)
    return out[:limit]


def dispatchable(demand: Demand, today: dt.date) -> QuerySet[Commissioner]:
    """Every commissioner the need may go to (the form's full list)."""
    return in_service(Commissioner.objects.filter(district_id=demand.district_id), today).order_by("name", "id")


# --- 待办 ------------------------------------------------------------------------------------------------------


def count_new(*, user) -> int:
    """待派单 needs never sent back (those sent back are counted by ``count_returned``)."""
    return (scoped(Demand, user).filter(~Exists(DemandDecline.objects.filter(demand=OuterRef("pk"))),
                                        status=DemandStatus.NEW).count())


def count_returned(*, user) -> int:
    return returned(scoped(Demand, user)).count()


def count_to_do(*, commissioner: Commissioner) -> int:
    return Demand.objects.filter(commissioner=commissioner,
                                 status__in=(DemandStatus.DISPATCHED, DemandStatus.SERVING)).count()


def count_feedback_missing(*, user) -> int:
    return scoped(Demand, user).filter(status=DemandStatus.DONE, satisfaction="").count()
