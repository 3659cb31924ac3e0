"""The writes of 通知公告 and 我的消息 (with their change history)."""

from __future__ import annotations

import os
from collections.abc import Iterable

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from keguan.core.errors import ServiceError
from keguan.core.permissions import may
from keguan.core.versioning import claim
from keguan.regions.models import Region

from .models import AUDIENCE_GROUPS, Message, Notice, NoticeAttachment, NoticeRead, NoticeStatus

MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_SIZE = 20 * 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# extension → what its content must start with (docx/xlsx are zip files with their own part inside)
ALLOWED_TYPES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".docx": (ZIP_MAGIC,),
    ".xlsx": (ZIP_MAGIC,),
    ".zip": (ZIP_MAGIC, b"PK\x05\x06"),
    ".doc": (OLE_MAGIC,),
    ".xls": (OLE_MAGIC,),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}
OFFICE_PART = {".docx": "word/", ".xlsx": "xl/"}
ALLOWED_TEXT = "PDF、Word（doc、docx）、Excel（xls、xlsx）、图片（jpg、png）或 zip 压缩包"


def check_attachment(name: str, content: bytes) -> None:
    """Refuse a file whose type is not allowed, judged by its content as well as its name."""
    ext = os.path.splitext(name)[1].lower()
    if ext not in ALLOWED_TYPES:
        raise ServiceError(f"附件“{name}”的类型不允许，只能上传{ALLOWED_TEXT}", field="files")
    if len(content) > MAX_ATTACHMENT_SIZE:
        raise ServiceError(f"附件“{name}”超过{MAX_ATTACHMENT_SIZE // 1048576}MB", field="files")
    if not content:
        raise ServiceError(f"附件“{name}”是空文件", field="files")
    if not content.startswith(ALLOWED_TYPES[ext]):
        raise ServiceError(f"附件“{name}”的内容与扩展名不符（不是真正的{ext[1:]}文件），请检查后重新上传", field="files")
    if ext in OFFICE_PART:
        import io
        import zipfile

        try:
            names = zipfile.ZipFile(io.BytesIO(content)).namelist()
        except zipfile.BadZipFile:
            names = []
        if not any(n.startswith(OFFICE_PART[ext]) for n in names):
            raise ServiceError(f"附件“{name}”的内容与扩展名不符（不是真正的{ext[1:]}文件），请检查后重新上传",
                               field="files")


def _check_publisher(actor, region: Region) -> None:
    if actor is not None and (not may(actor, "notices.publish") or actor.region_id != region.pk):
        raise ServiceError("只有发布单位可以修改本通知")


def _check_audience(region: Region, groups: list[str], regions: list[Region]) -> list[Region]:
    if not groups or any(g not in AUDIENCE_GROUPS for g in groups):
        raise ServiceError("请选择发送对象", field="groups")
    for r in regions:
        if not r.is_within(region):
            raise ServiceError(f"“{r.name}”不在本单位管辖范围内，不能发送", field="regions")
    return regions or [region]


def _attach(notice: Notice, files: Iterable[UploadedFile]) -> None:
    files = list(files)
    if notice.attachments.count() + len(files) > MAX_ATTACHMENTS:
        raise ServiceError(f"每条通知最多{MAX_ATTACHMENTS}个附件", field="files")
    checked = []
    for f in files:
        content = f.read()
        check_attachment(f.name, content)
        checked.append((f, content))
    for f, content in checked:
        from django.core.files.base import ContentFile

        a = NoticeAttachment(notice=notice, name=os.path.basename(f.name)[:150], size=len(content))
        a.file.save(f"{timezone.now():%Y%m%d%H%M%S}-{len(content)}{os.path.splitext(f.name)[1].lower()}",
                    ContentFile(content), save=False)
        a.save()


def _set_status(notice: Notice, status: str) -> None:
    notice.status = status
    if status == NoticeStatus.PUBLISHED and notice.published_at is None:
        notice.published_at = timezone.now()


@transaction.atomic
def notice_create(*, actor, region: Region, title: str, body: str, groups: list[str], regions: list[Region] = (),
                  pinned: bool = False, publish: bool = False, files: Iterable[UploadedFile] = ()) -> Notice:
    _check_publisher(actor, region)
    targets = _check_audience(region, list(groups), list(regions))
    notice = Notice(title=title.strip(), body=body.strip(), region=region, audience="," + ",".join(groups) + ",",
                    pinned=pinned, created_by=actor)
    _set_status(notice, NoticeStatus.PUBLISHED if publish else NoticeStatus.DRAFT)
    notice._history_user = actor
    notice._change_reason = "发布" if publish else "起草"
    notice.save()
    notice.regions.set(targets)
    _attach(notice, files)
    return notice


@transaction.atomic
def notice_update(*, notice: Notice, actor, version: int | None, title: str, body: str, groups: list[str],
                  regions: list[Region] = (), pinned: bool = False, publish: bool = False,
                  files: Iterable[UploadedFile] = (), remove: Iterable[int] = ()) -> Notice:
    _check_publisher(actor, notice.region)
    targets = _check_audience(notice.region, list(groups), list(regions))
    claim(notice, version, fields=["title", "body", "audience", "status", "pinned"])
    notice.title, notice.body, notice.pinned = title.strip(), body.strip(), pinned
    notice.audience = "," + ",".join(groups) + ","
    if publish:
        _set_status(notice, NoticeStatus.PUBLISHED)
    notice._history_user = actor
    notice._change_reason = "发布" if publish else "修改"
    notice.save()
    notice.regions.set(targets)
    for a in notice.attachments.filter(pk__in=list(remove)):
        a.file.delete(save=False)
        a.delete()
    _attach(notice, files)
    return notice


@transaction.atomic
def notice_set_status(*, notice: Notice, actor, status: str) -> Notice:
    """Publish a draft (or a withdrawn notice again), or withdraw a published one."""
    _check_publisher(actor, notice.region)
    claim(notice, None)
    _set_status(notice, status)
    notice._history_user = actor
    notice._change_reason = {NoticeStatus.PUBLISHED: "发布", NoticeStatus.WITHDRAWN: "撤回"}.get(status, "改为草稿")
    notice.save()
    return notice


def notice_mark_read(*, notice: Notice, user) -> bool:
    """Record that ``user`` opened ``notice`` (the first time only). True when this is the first time."""
    _, created = NoticeRead.objects.get_or_create(notice=notice, user=user)
    return created


def send_message(users, text: str, url: str = "", *, kind: str = "") -> list[Message]:
    """A system message to each of ``users`` (a user or several), shown in their 我的消息 with ``url``."""
    if not isinstance(users, (list, tuple, set, frozenset)) and not hasattr(users, "model"):
        users = [users]
    return Message.objects.bulk_create([Message(user=u, text=text[:300], url=url[:300], kind=kind)
                                        for u in users if u is not None])


def message_open(message: Message) -> Message:
    if message.read_at is None:
        message.read_at = timezone.now()
        Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=message.read_at)
    return message
