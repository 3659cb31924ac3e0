"""The only code that writes 服务需求 (needs posted by a village or an enterprise) and moves them through
``keguan.rules.demand_flow``: 待派单 → 已派 → 服务中 → 已完成, or 已撤销 with a reason. Every move is saved with
its history row (simple_history: who, when, and the move as the change reason)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from keguan.core import dictionary
from keguan.core.errors import ServiceError
from keguan.core.history import stamp
from keguan.core.versioning import claim
from keguan.enterprises.models import Enterprise
from keguan.regions.models import Region, RegionLevel
from keguan.rules import demand_flow as flow

from ..models import Commissioner, Demand, DemandDecline, DemandStatus, Satisfaction, ServiceLog


def _refuse(action: str, demand: Demand, side: str) -> None:
    why = flow.refusal(action, demand.status, side)
    if why is not None:
        raise ServiceError(why)


def demand_create(*, actor, district: Region, title: str, description: str, posted_on: dt.date,
                  village: Region | None = None, enterprise: Enterprise | None = None, field: str = "",
                  contact: str = "", phone: str = "", today: dt.date | None = None) -> Demand:
    """A need of a village (of ``district``) or of an enterprise (of ``district``). Who may post for which
    village or firm is the view's business (a liaison: its township's villages; a firm: itself)."""
    today = today or timezone.localdate()
    title, description = (title or "").strip(), (description or "").strip()
    if not title:
        raise ServiceError("请填写需求标题", field="title")
    if not description:
        raise ServiceError("请填写需求描述", field="description")
    if posted_on > today:
        raise ServiceError("提出日期不能晚于今天", field="posted_on")
    if (village is None) == (enterprise is None):
        raise ServiceError("请选择提出需求的村/社区或企业（二选一）", field="place")
    if village is not None:
        if village.level != RegionLevel.VILLAGE or not village.path.startswith(district.path):
            raise ServiceError(f"所选村/社区不在{district.name}辖区内", field="place")
        township = village.parent
    else:
        if enterprise.district_id != district.pk:
            raise ServiceError(f"所选企业不在{district.name}辖区内", field="place")
        township = enterprise.township
    demand = Demand(district=district, township=township, village=village, enterprise=enterprise, title=title,
                    description=description, field=field or "", contact=contact.strip(), phone=phone.strip(),
                    posted_on=posted_on, posted_by=actor)
    stamp(demand, actor, "提出服务需求")
    demand.save()
    return demand


@transaction.atomic
def demand_dispatch(*, demand: Demand, actor, commissioner: Commissioner, expected_version: int | None = None,
                    today: dt.date | None = None) -> Demand:
    """派单 (or 改派 while not yet accepted) to a commissioner of the need's district in service."""
    today = today or timezone.localdate()
    claim(demand, expected_version)
    demand.refresh_from_db(fields=["status", "commissioner"])
    _refuse(flow.DISPATCH, demand, flow.STAFF)
    if commissioner.district_id != demand.district_id:
        raise ServiceError("只能派给本区县的科技特派员", field="commissioner")
    if commissioner.start_on > today or (commissioner.end_on is not None and commissioner.end_on < today):
        raise ServiceError(f"{commissioner.name}不在服务期内，不能派单", field="commissioner")
    again = demand.status == DemandStatus.DISPATCHED
    if again and demand.commissioner_id == commissioner.pk:
        raise ServiceError(f"该需求已派给{commissioner.name}", field="commissioner")
    previous = demand.commissioner.name if again and demand.commissioner_id else ""
    demand.status, demand.commissioner = DemandStatus.DISPATCHED, commissioner
    demand.dispatched_on, demand.dispatched_by = today, actor
    stamp(demand, actor, f"改派：{previous} → {commissioner.name}" if again else f"派单给{commissioner.name}")
    demand.save()
    return demand


@transaction.atomic
def demand_start(*, demand: Demand, actor, today: dt.date | None = None) -> Demand:
    """The commissioner accepts the need and starts serving (已派 → 服务中)."""
    claim(demand, None)
    demand.refresh_from_db(fields=["status"])
    _refuse(flow.START, demand, flow.COMMISSIONER)
    demand.status, demand.started_on = DemandStatus.SERVING, today or timezone.localdate()
    stamp(demand, actor, "接单，开始服务")
    demand.save()
    return demand


@transaction.atomic
def demand_complete(*, demand: Demand, actor, side: str, done_on: dt.date, log: ServiceLog | None = None,
                    today: dt.date | None = None) -> Demand:
    """服务中 → 已完成, by the commissioner (or the bureau); ``log``: the service log of the visit, which must be
    the same commissioner's."""
    today = today or timezone.localdate()
    claim(demand, None)
    demand.refresh_from_db(fields=["status", "started_on"])
    _refuse(flow.COMPLETE, demand, side)
    if done_on > today:
        raise ServiceError("完成日期不能晚于今天", field="done_on")
    if demand.started_on and done_on < demand.started_on:
        raise ServiceError(f"完成日期不能早于开始服务日期（{demand.started_on:%Y-%m-%d}）", field="done_on")
    if log is not None:
        if log.commissioner_id != demand.commissioner_id:
            raise ServiceError("只能关联接单特派员本人的服务日志", field="log")
        if log.demand_id not in (None, demand.pk):
            raise ServiceError("该服务日志已关联其他需求", field="log")
        stamp(log, actor, f"关联需求“{demand.title}”")
        log.demand = demand
        log.save(update_fields=["demand"])
    demand.status, demand.done_on = DemandStatus.DONE, done_on
    stamp(demand, actor, "服务完成" + (f"（服务日志 {log.served_on:%Y-%m-%d}）" if log else ""))
    demand.save()
    return demand


@transaction.atomic
def demand_decline(*, demand: Demand, actor, reason: str, note: str = "") -> DemandDecline:
    """The commissioner sends a need dispatched to it back (已派 → 待派单) with a reason of the bureau's list
    (“其他” with words): the decline is recorded (who, when, why), the need's history says so, and the bureau
    dispatches it anew (its 待办 counts needs sent back)."""
    claim(demand, None)
    demand.refresh_from_db(fields=["status", "commissioner", "dispatched_on"])
    _refuse(flow.DECLINE, demand, flow.COMMISSIONER)
    note = (note or "").strip()
    known = {code for code, _ in dictionary.choices("demand_decline_reason")}
    problem = flow.decline_problem(reason, note, known)
    if problem is not None:
        raise ServiceError(problem[1], field=problem[0])
    commissioner = demand.commissioner
    decline = DemandDecline.objects.create(demand=demand, commissioner=commissioner, reason=reason, note=note,
                                           dispatched_on=demand.dispatched_on, declined_by=actor)
    words = decline.words
    demand.status, demand.commissioner = DemandStatus.NEW, None
    demand.dispatched_on = demand.dispatched_by = None
    stamp(demand, actor, f"{commissioner.name}退回派单：{words}"[:100])
    demand.save()
    return decline


@transaction.atomic
def demand_cancel(*, demand: Demand, actor, side: str, reason: str) -> Demand:
    claim(demand, None)
    demand.refresh_from_db(fields=["status"])
    _refuse(flow.CANCEL, demand, side)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请填写撤销原因", field="reason")
    demand.status, demand.cancel_reason = DemandStatus.CANCELLED, reason[:200]
    stamp(demand, actor, f"撤销：{reason[:100]}")
    demand.save()
    return demand


@transaction.atomic
def demand_feedback(*, demand: Demand, actor, satisfaction: str, feedback: str) -> Demand:
    """The requester's 满意度 and words, once the need is done (it may correct them later)."""
    claim(demand, None)
    demand.refresh_from_db(fields=["status"])
    if demand.status != DemandStatus.DONE:
        raise ServiceError(f"需求完成后才能评价（当前为“{demand.get_status_display()}”）")
    if satisfaction not in Satisfaction.values:
        raise ServiceError("请选择满意度", field="satisfaction")
    again = bool(demand.satisfaction)
    demand.satisfaction, demand.feedback = satisfaction, (feedback or "").strip()[:500]
    stamp(demand, actor, "修改评价" if again else f"需求方评价：{demand.get_satisfaction_display()}")
    demand.save()
    return demand
