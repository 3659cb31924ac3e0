"""Writes of 科技活动: an event with its materials and firms (one form, one transaction, one history row per
changed row), its photos (all checked before any is stored) and its deletion.

Every function takes the acting user (``actor``; None for imports run by the system, the demo and tests) and
refuses what the bureau may not record: a township outside the event's district, a firm of another district, a
kind that is not in the dictionary 科技活动类型, an end before the start."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction

from keguan.core import dictionary
from keguan.core.errors import ServiceError
from keguan.core.history import stamp
from keguan.core.images import Photo, prepare_photos, remove_stored, store_photo
from keguan.core.versioning import claim
from keguan.enterprises.models import Enterprise
from keguan.regions.models import Region, RegionLevel

from ..models import Event, EventFirm, EventMaterial, EventPhoto, EventRole, FirmRole, MaterialKind

MAX_COUNT = 10_000_000  # a count above this is a typing mistake
MAX_FIRMS = 200
MAX_DAYS = 92  # an event lasts at most a quarter (lets the list find a month's events by a range on starts_on)
PHOTO_FOLDER = "events"


@dataclass(frozen=True)
class FirmEntry:
    """A firm taking part, as typed: its name or credit code, how it took part, what came of it."""

    text: str
    role: str = FirmRole.ATTEND
    outcome: str = ""
    slot: str = "firms"  # the form field an error about this firm is shown beside


@dataclass(frozen=True)
class EventData:
    kind: str
    title: str
    starts_on: dt.date
    role: str = EventRole.HOST
    ends_on: dt.date | None = None
    township: Region | None = None
    theme: str = ""
    place: str = ""
    organisers: str = ""
    co_organisers: str = ""
    participants: int = 0
    trainees: int = 0
    questions: int = 0
    write_up: str = ""


FIELDS = ("kind", "role", "title", "theme", "starts_on", "ends_on", "township", "place", "organisers",
          "co_organisers", "participants", "trainees", "questions", "write_up")


def _is_choice(choices, value: str) -> bool:
    return value in choices.values


def _check(region: Region, data: EventData) -> None:
    codes = {i.code for i in dictionary.items("event_kind")}
    if data.kind not in codes:
        raise ServiceError("请选择数据字典“科技活动类型”中的活动类型", field="kind")
    if not _is_choice(EventRole, data.role):
        raise ServiceError("请选择本局角色", field="role")
    if not data.title.strip():
        raise ServiceError("请填写活动名称", field="title")
    if data.ends_on is not None and data.ends_on < data.starts_on:
        raise ServiceError("结束日期不能早于开始日期", field="ends_on")
    if data.ends_on is not None and (data.ends_on - data.starts_on).days >= MAX_DAYS:
        raise ServiceError(f"一项活动最长{MAX_DAYS}天；持续更久的工作请按阶段分别登记", field="ends_on")
    if data.township is not None and (data.township.parent_id != region.pk or data.township.level != RegionLevel.TOWNSHIP):
        raise ServiceError(f"乡镇/街道须为{region.name}的乡镇/街道", field="township")
    for name, label in (("participants", "参与人数"), ("trainees", "培训人数"), ("questions", "解答咨询")):
        value = getattr(data, name)
        if value is None or value < 0 or value > MAX_COUNT:
            raise ServiceError(f"{label}须在0到{MAX_COUNT}之间", field=name)


def _materials(materials: dict[str, int | None] | None) -> dict[str, int]:
    out: dict[str, int] = {}
    for kind, count in (materials or {}).items():
        if kind not in MaterialKind.values:
            raise ServiceError(f"没有这种资料类型：{kind}", field="materials")
        if count in (None, 0):
            continue
        if count < 0 or count > MAX_COUNT:
            raise ServiceError(f"{MaterialKind(kind).label}的数量须在0到{MAX_COUNT}之间", field=f"material_{kind}")
        out[kind] = int(count)
    return out


def firms_resolve(*, district: Region, entries: Sequence[FirmEntry]) -> list[tuple[Enterprise, str, str]]:
    """The district's firms named by ``entries`` (an exact credit code, or an exact name): refused, naming the
    entry, when one is not among the district's firms (a firm of another district reads as unknown), repeats or
    has an unknown role."""
    texts = [e.text.strip() for e in entries if e.text.strip()]
    if len(texts) > MAX_FIRMS:
        raise ServiceError(f"一次最多登记{MAX_FIRMS}家企业", field="firms")
    firms = Enterprise.objects.filter(district=district)
    found: dict[str, Enterprise] = {}
    upper = [t.upper() for t in texts]
    for e in firms.filter(credit_code__in=upper):
        found[e.credit_code] = e
    for e in firms.filter(name__in=texts):
        found.setdefault(e.name, e)
    out: list[tuple[Enterprise, str, str]] = []
    seen: set[int] = set()
    for entry in entries:
        text = entry.text.strip()
        if not text:
            continue
        ent = found.get(text.upper()) or found.get(text)
        if ent is None:
            raise ServiceError(f"“{text}”不是{district.name}企业库中的企业（请填写准确的企业名称或统一社会信用代码）",
                               field=entry.slot)
        if ent.pk in seen:
            raise ServiceError(f"企业“{ent.name}”重复填写", field=entry.slot)
        if not _is_choice(FirmRole, entry.role):
            raise ServiceError(f"企业“{ent.name}”的参与方式不正确", field=entry.slot)
        if len(entry.outcome) > 200:
            raise ServiceError(f"企业“{ent.name}”的成效最多200字", field=entry.slot)
        seen.add(ent.pk)
        out.append((ent, entry.role, entry.outcome.strip()))
    return out


def _set_children(event: Event, actor, materials: dict[str, int], firms: list[tuple[Enterprise, str, str]],
                  reason: str) -> None:
    """The event's materials and firms become exactly these; rows that did not change are left alone."""
    current = {m.kind: m for m in event.materials.all()}
    for kind, m in current.items():
        if kind not in materials:
            stamp(m, actor, reason)
            m.delete()
    for kind, count in materials.items():
        m = current.get(kind)
        if m is None:
            m = EventMaterial(event=event, kind=kind, count=count)
        elif m.count == count:
            continue
        m.count = count
        stamp(m, actor, reason)
        m.save()
    taking = {f.enterprise_id: f for f in event.firms.all()}
    wanted = {ent.pk for ent, _r, _o in firms}
    for pk, f in taking.items():
        if pk not in wanted:
            stamp(f, actor, reason)
            f.delete()
    for ent, role, outcome in firms:
        f = taking.get(ent.pk)
        if f is None:
            f = EventFirm(event=event, enterprise=ent)
        elif (f.role, f.outcome) == (role, outcome):
            continue
        f.role, f.outcome = role, outcome
        stamp(f, actor, reason)
        f.save()


@transaction.atomic
def event_create(*, actor, region: Region, data: EventData, materials: dict[str, int | None] | None = None,
                 firms: Sequence[FirmEntry] = (), photos: Iterable = ()) -> Event:
    """A new event of the bureau of ``region`` (a district) with its materials, firms and photos. Everything
    is checked first (every photo by its content): a refused photo leaves no event and no file."""
    _check(region, data)
    counts = _materials(materials)
    resolved = firms_resolve(district=region, entries=firms)
    prepared = prepare_photos(list(photos or ()), per="每个活动")
    event = Event(region=region, created_by=actor, **{f: getattr(data, f) for f in FIELDS})
    event.title, event.theme = event.title.strip(), event.theme.strip()
    stamp(event, actor, "登记科技活动")
    event.save()
    _set_children(event, actor, counts, resolved, "登记科技活动")
    _store(event, actor, prepared, "")
    return event


@transaction.atomic
def event_update(*, actor, event: Event, data: EventData, materials: dict[str, int | None] | None = None,
                 firms: Sequence[FirmEntry] = (), version: int | None = None) -> Event:
    """Save an edited event; refused when it changed since the form was read (``version``)."""
    claim(event, version)
    _check(event.region, data)
    counts = _materials(materials)
    resolved = firms_resolve(district=event.region, entries=firms)
    for f in FIELDS:
        setattr(event, f, getattr(data, f))
    event.title, event.theme = event.title.strip(), event.theme.strip()
    stamp(event, actor, "修改科技活动")
    event.save()
    _set_children(event, actor, counts, resolved, "修改科技活动")
    return event


@transaction.atomic
def event_delete(*, actor, event: Event) -> None:
    """Delete an event with its materials, firms and photos (the stored files go after the rows)."""
    claim(event, None)
    paths = list(event.photos.values_list("file", flat=True))
    for child in (*event.materials.all(), *event.firms.all()):
        stamp(child, actor, "删除科技活动")
        child.delete()
    event.photos.all().delete()
    for need in event.needs.all():  # (a need raised at the event keeps its record, without the link)
        need.event = None
        stamp(need, actor, "删除来源活动")
        need.save(update_fields=["event"])
    stamp(event, actor, "删除科技活动")
    event.delete()
    transaction.on_commit(lambda: remove_stored(paths))


@transaction.atomic
def event_photos_add(*, actor, event: Event, files: Iterable, caption: str = "") -> list[EventPhoto]:
    """Check every photo first (images by their content, at most ``MAX_PHOTOS`` per event); a refused file
    stores nothing, neither file nor row."""
    claim(event, None)
    photos = prepare_photos(list(files), already=event.photos.count(), per="每个活动")
    if not photos:
        raise ServiceError("请选择要上传的照片", field="photos")
    out = _store(event, actor, photos, caption)
    stamp(event, actor, f"上传活动照片{len(out)}张")
    event.save(update_fields=["version"])
    return out


def _store(event: Event, actor, photos: list[Photo], caption: str) -> list[EventPhoto]:
    """Store checked photos and their rows; the files stored so far are removed when one fails."""
    stored: list[str] = []
    out = []
    try:
        for p in photos:
            path = store_photo(f"outreach/{PHOTO_FOLDER}/{event.pk}", p)
            stored.append(path)
            out.append(EventPhoto.objects.create(event=event, file=path, width=p.width, height=p.height,
                                                 size=len(p.content), caption=caption.strip()[:100],
                                                 uploaded_by=actor))
    except Exception:
        remove_stored(stored)
        raise
    return out


@transaction.atomic
def event_photo_remove(*, actor, photo: EventPhoto) -> None:
    event = photo.event
    claim(event, None)
    path = photo.file
    photo.delete()
    stamp(event, actor, "删除活动照片")
    event.save(update_fields=["version"])
    transaction.on_commit(lambda: remove_stored([path]))
