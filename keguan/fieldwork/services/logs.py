"""The only code that writes service logs (服务日志) and their photos. Each service runs in one transaction and
stamps the history (who, why); a refused photo stores nothing: the photos are checked and shrunk before the
log is written, and the files written are removed again when the transaction fails."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from keguan.core.errors import ServiceError
from keguan.core.history import stamp
from keguan.core.images import Photo, prepare_photos, remove_stored, store_photo
from keguan.core.versioning import claim
from keguan.enterprises.models import Enterprise
from keguan.regions.models import Region, RegionLevel

from ..models import Commissioner, LogPhoto, ServiceKind, ServiceLog

MAX_SERVED = 100_000
MAX_INTRODUCED = 1_000
EARLIEST = dt.date(2000, 1, 1)


def _check(*, commissioner: Commissioner, served_on: dt.date, village: Region | None,
           enterprise: Enterprise | None, kind: str, content: str, served: int, introduced: int,
           today: dt.date) -> Region | None:
    """The log's rules; returns the township the log is filed under."""
    if served_on > today:
        raise ServiceError("服务日期不能晚于今天", field="served_on")
    if served_on < EARLIEST:
        raise ServiceError("服务日期过早，请核对", field="served_on")
    if kind not in ServiceKind.values:
        raise ServiceError("请选择服务方式", field="kind")
    if not (content or "").strip():
        raise ServiceError("请填写服务内容", field="content")
    if served is None or served < 0 or served > MAX_SERVED:
        raise ServiceError(f"服务人数应在 0 到 {MAX_SERVED:,} 之间", field="served")
    if introduced is None or introduced < 0 or introduced > MAX_INTRODUCED:
        raise ServiceError(f"引进新品种/新技术个数应在 0 到 {MAX_INTRODUCED} 之间", field="introduced")
    if (village is None) == (enterprise is None):
        raise ServiceError("请选择服务的村/社区或企业（二选一）", field="place")
    district = commissioner.district
    if village is not None:
        if village.level != RegionLevel.VILLAGE or not village.path.startswith(district.path):
            raise ServiceError(f"所选村/社区不在{district.name}辖区内", field="place")
        return village.parent
    if enterprise.district_id != commissioner.district_id:
        raise ServiceError(f"所选企业不在{district.name}辖区内", field="place")
    return enterprise.township


def entered_by(actor, commissioner: Commissioner):
    """Who entered a log on ``commissioner``'s behalf: ``actor`` unless it is the commissioner's own account."""
    if actor is None or not getattr(actor, "pk", None) or actor.pk == commissioner.user_id:
        return None
    return actor


def _store(log: ServiceLog, photos: list[Photo], written: list[str]) -> None:
    for photo in photos:
        path = store_photo(f"fieldwork/logs/{log.pk}", photo)
        written.append(path)
        LogPhoto.objects.create(log=log, file=path, width=photo.width, height=photo.height, size=len(photo.content))


def log_create(*, actor, commissioner: Commissioner, served_on: dt.date, kind: str, content: str, served: int,
               introduced: int = 0, village: Region | None = None, enterprise: Enterprise | None = None,
               photos: Iterable[tuple[str, bytes]] = (), reason: str = "填报服务日志",
               today: dt.date | None = None) -> ServiceLog:
    """One service of ``commissioner``; ``photos`` as (file name, bytes), checked and shrunk here.

    Entered by anyone but the commissioner's own account (a clerk typing in a report sent by WeChat, an
    import), the log records that person as ``entered_by`` (代为登记); it stays the commissioner's log."""
    today = today or timezone.localdate()
    township = _check(commissioner=commissioner, served_on=served_on, village=village, enterprise=enterprise,
                      kind=kind, content=content, served=served, introduced=introduced, today=today)
    prepared = prepare_photos(list(photos), per="每条服务日志")  # before anything is written
    written: list[str] = []
    try:
        with transaction.atomic():
            log = ServiceLog(district_id=commissioner.district_id, township=township, commissioner=commissioner,
                             served_on=served_on, village=village, enterprise=enterprise, kind=kind,
                             content=content.strip(), served=served, introduced=introduced, created_by=actor,
                             entered_by=entered_by(actor, commissioner))
            stamp(log, actor, reason)
            log.save()
            _store(log, prepared, written)
    except BaseException:
        remove_stored(written)
        raise
    return log


def log_update(*, log: ServiceLog, actor, expected_version: int | None, served_on: dt.date, kind: str, content: str,
               served: int, introduced: int, village: Region | None = None, enterprise: Enterprise | None = None,
               add_photos: Iterable[tuple[str, bytes]] = (), remove_photos: Iterable[int] = (),
               today: dt.date | None = None) -> ServiceLog:
    """Correct a log; add photos and take some off. Taken-off photos' files are removed once the change is
    committed; added ones are removed again if it fails."""
    today = today or timezone.localdate()
    township = _check(commissioner=log.commissioner, served_on=served_on, village=village, enterprise=enterprise,
                      kind=kind, content=content, served=served, introduced=introduced, today=today)
    remove_ids = set(remove_photos)
    gone = list(log.photos.filter(pk__in=remove_ids))
    if len(gone) != len(remove_ids):
        raise ServiceError("要删除的照片已不在本日志中，请刷新页面后再试", field="photos")
    kept = log.photos.count() - len(gone)
    prepared = prepare_photos(list(add_photos), already=kept, per="每条服务日志")
    written: list[str] = []
    try:
        with transaction.atomic():
            claim(log, expected_version, fields=["served_on", "village", "enterprise", "kind", "content", "served",
                                                 "introduced"])
            log.served_on, log.kind, log.content = served_on, kind, content.strip()
            log.served, log.introduced, log.village, log.enterprise = served, introduced, village, enterprise
            log.township = township
            changed = []
            if gone:
                changed.append(f"删除照片{len(gone)}张")
            if prepared:
                changed.append(f"上传照片{len(prepared)}张")
            stamp(log, actor, "修改服务日志" + (f"（{'，'.join(changed)}）" if changed else ""))
            log.save()
            LogPhoto.objects.filter(pk__in=[p.pk for p in gone]).delete()
            _store(log, prepared, written)
            paths = [p.file for p in gone]
            transaction.on_commit(lambda: remove_stored(paths))
    except BaseException:
        remove_stored(written)
        raise
    return log


def log_delete(*, log: ServiceLog, actor) -> None:
    """Remove a log entered by mistake, with its photos (files removed once committed)."""
    if log.demand_id is not None and log.demand.status == "done":
        raise ServiceError("该日志是已完成派单的服务记录，不能删除；如有错误请修改")
    paths = list(log.photos.values_list("file", flat=True))
    with transaction.atomic():
        stamp(log, actor, "删除服务日志")
        log.delete()
        transaction.on_commit(lambda: remove_stored(paths))
