"""The pipeline stage follows from the qualification records.

On a day, an enterprise that has any qualification record (科小 入库, 高企 certificate, pool membership) is:

* 创新型领军企业 if it holds the 创新型领军企业 label (of that year or before),
* else 高新技术企业 if a 高企 certificate is valid that day,
* else 高企培育库 if it is a member of a cultivation pool that day,
* else 科技型中小企业 if its 科小 入库 record of that year is valid that day,
* else 招引企业.

An expired certificate therefore falls back to whatever else still holds. Firms without any qualification
record (registered before keguan, or by import) keep the stage staff gave them. Each change is written through
``enterprise_change_stage``, so the dated stage history (and every indicator counted from it) stays one chain.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from keguan.enterprises.models import STAGE_ORDER, Enterprise, LabelKind, Stage

from .models import HnteCertificate, PoolMember, TechSmeRecord, certificate_valid_on, sme_record_valid_on


@dataclass(frozen=True)
class Derived:
    stage: str
    since: dt.date | None  # when the qualification behind it began (or the lost one ended)
    reason: str


def has_records(enterprise: Enterprise) -> bool:
    return (
        enterprise.sme_records.exists()
        or enterprise.hnte_certificates.exists()
        or enterprise.pool_memberships.exists()
    )


STAGE_LOCKED = "该企业已有科小入库、高企证书或培育库记录，培育阶段由这些记录自动确定；请登记或修改相应记录"


def stage_lock(enterprise: Enterprise) -> str | None:
    """The registry's hook (``keguan.enterprises.hooks``): a firm with records takes its stage from them."""
    return STAGE_LOCKED if has_records(enterprise) else None


def stage_locks(enterprise_ids: list[int]) -> dict[int, str]:
    """``stage_lock`` for many firms (an import): three queries, in chunks."""
    locked: set[int] = set()
    for start in range(0, len(enterprise_ids), 2000):
        chunk = enterprise_ids[start:start + 2000]
        for model in (TechSmeRecord, HnteCertificate, PoolMember):
            locked.update(model.objects.filter(enterprise_id__in=chunk).values_list("enterprise_id", flat=True))
    return dict.fromkeys(locked, STAGE_LOCKED)


def derive(enterprise: Enterprise, day: dt.date) -> Derived:
    certs = list(enterprise.hnte_certificates.filter(issued_on__lte=day).order_by("issued_on"))
    members = list(enterprise.pool_memberships.filter(entered_on__lte=day).select_related("pool").order_by("entered_on"))
    records = list(enterprise.sme_records.filter(registered_on__lte=day).order_by("registered_on"))
    ended: list[tuple[dt.date, str]] = []  # (day after the end, what ended) of qualifications lost by ``day``
    ended += [(c.expires_on + dt.timedelta(days=1), f"高企证书{c.number}已于{c.expires_on:%Y-%m-%d}到期")
              for c in certs if not c.valid_on(day)]
    ended += [(m.exited_on, f"{m.exited_on:%Y-%m-%d}退出{m.pool.name}") for m in members if m.exited_on and m.exited_on <= day]
    ended += [(r.valid_until + dt.timedelta(days=1), f"{r.year}年科小入库登记已失效") for r in records if not r.valid_on(day)]
    last_end = max(ended, default=None)

    leader = enterprise.labels.filter(kind=LabelKind.INNOVATION_LEADER, year__lte=day.year).order_by("year").first()
    valid_certs = [c for c in certs if c.valid_on(day)]
    member = next((m for m in members if m.in_pool_on(day)), None)
    record = next((r for r in records if r.valid_on(day)), None)
    if leader is not None:
        return Derived(Stage.LEADER, dt.date(leader.year, 1, 1), f"{leader.year}年认定为创新型领军企业")
    if valid_certs:
        cert = valid_certs[0]  # the earliest still valid: the stage holds from its issue date
        return Derived(Stage.HNTE, cert.issued_on, f"高企证书{cert.number}（{cert.issued_on:%Y-%m-%d}发证）")
    if member is not None:
        return Derived(Stage.POOL, member.entered_on, f"{member.entered_on:%Y-%m-%d}入选{member.pool.name}")
    if record is not None:
        since = record.registered_on
        reason = f"{record.year}年科小入库（{record.number}）"
        if last_end is not None and last_end[0] > since:
            since, reason = last_end[0], f"{last_end[1]}，{reason}"
        return Derived(Stage.SME, since, reason)
    if last_end is not None:
        return Derived(Stage.ATTRACTED, last_end[0], last_end[1])
    return Derived(Stage.ATTRACTED, None, "无有效资质记录")


def sync_stage(enterprise: Enterprise, *, actor, today: dt.date | None = None) -> bool:
    """Bring the enterprise's stage in line with its records as of ``today``. Returns whether it changed."""
    from keguan.enterprises.services import enterprise_change_stage

    today = today or timezone.localdate()
    if not has_records(enterprise):
        return False
    enterprise.refresh_from_db(fields=["stage", "stage_since"])
    derived = derive(enterprise, today)
    if derived.stage == enterprise.stage:
        return False
    last = enterprise.stage_changes.order_by("-changed_on", "-id").values_list("changed_on", flat=True).first()
    on = derived.since or today
    if last is not None and on < last:
        on = last
    on = min(on, today)
    direction = "回落" if STAGE_ORDER[derived.stage] < STAGE_ORDER[enterprise.stage] else "晋级"
    enterprise_change_stage(
        enterprise=enterprise, actor=actor, stage=derived.stage, on=on, note=f"按资质记录{direction}：{derived.reason}"[:200],
        by_records=True,
    )
    return True


def stage_sync_due(*, today: dt.date | None = None, actor=None) -> int:
    """Firms whose records say their stage has lapsed (certificate expired, pool left, 科小 year over) or began
    (a certificate issued with a future date has started): synchronise them. Run daily (``keguan sync-stages``)."""
    today = today or timezone.localdate()
    valid_cert = HnteCertificate.objects.filter(certificate_valid_on(today), enterprise=OuterRef("pk"))
    open_member = PoolMember.objects.filter(enterprise=OuterRef("pk"), entered_on__lte=today).filter(
        Q(exited_on__isnull=True) | Q(exited_on__gt=today)
    )
    valid_sme = TechSmeRecord.objects.filter(sme_record_valid_on(today), enterprise=OuterRef("pk"))
    any_record = Q(Exists(HnteCertificate.objects.filter(enterprise=OuterRef("pk")))) | Q(
        Exists(PoolMember.objects.filter(enterprise=OuterRef("pk")))
    ) | Q(Exists(TechSmeRecord.objects.filter(enterprise=OuterRef("pk"))))
    lapsed = (
        Q(stage=Stage.HNTE) & ~Q(Exists(valid_cert))
        | Q(stage=Stage.POOL) & ~Q(Exists(open_member))
        | Q(stage=Stage.SME) & ~Q(Exists(valid_sme))
        | ~Q(stage=Stage.HNTE) & ~Q(stage=Stage.LEADER) & Q(Exists(valid_cert))
    )
    changed = 0
    for enterprise in Enterprise.objects.filter(any_record).filter(lapsed).order_by("pk").iterator(chunk_size=500):
        changed += sync_stage(enterprise, actor=actor, today=today)
    return changed


def sync_at_start() -> str | None:
    """``keguan serve`` at start (``Area.on_start``): firms whose records lapsed or began since the last run."""
    changed = stage_sync_due()
    return f"已按资质记录核定 {changed} 家企业的培育阶段（证书到期、出库等）" if changed else None
