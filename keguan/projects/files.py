"""Uploaded files of 科技项目 (a call's attachments, an applicant's): the type is read from the content, never
from the name, and must agree with the name. Stored under ``DATA_DIR/media/projects/`` (the default storage),
served only through the area's views after a scope check."""

from __future__ import annotations

import io
import os
import uuid
import zipfile

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from keguan.core.errors import ServiceError

MAX_SIZE = 20 * 1024 * 1024
MAX_FILES = 10
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# kind → (the names it may carry, what it is called in messages)
KINDS: dict[str, tuple[tuple[str, ...], str]] = {
    "pdf": ((".pdf",), "PDF"),
    "docx": ((".docx",), "Word"),
    "doc": ((".doc",), "Word"),
    "xlsx": ((".xlsx",), "Excel"),
    "xls": ((".xls",), "Excel"),
    "png": ((".png",), "PNG图片"),
    "jpg": ((".jpg", ".jpeg"), "JPG图片"),
}
ALLOWED_TEXT = "PDF、Word（doc、docx）、Excel（xls、xlsx）、图片（jpg、png）"
CONTENT_TYPES = {
    "pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def sniff(content: bytes) -> str | None:
    """What the bytes are (one of ``KINDS``), or None. A docx/xlsx is a zip with its own part inside; an OLE
    file (doc/xls) is told apart by the stream names it holds."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if content.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(content)).namelist()
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" not in names:
            return None
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        return None
    if content.startswith(OLE_MAGIC):
        head = content[:65536]
        if "WordDocument".encode("utf-16-le") in head:
            return "doc"
        if "Workbook".encode("utf-16-le") in head or "Book".encode("utf-16-le") in head:
            return "xls"
    return None


def check_file(name: str, content: bytes, field: str = "files") -> str:
    """The file's kind, or a ServiceError naming the file: a type not allowed, too big, empty, or content
    that is not what the name says (a zip named .pdf)."""
    shown = os.path.basename(name or "")[:150] or "未命名文件"
    ext = os.path.splitext(shown)[1].lower()
    if not content:
        raise ServiceError(f"附件“{shown}”是空文件", field=field)
    if len(content) > MAX_SIZE:
        raise ServiceError(f"附件“{shown}”超过{MAX_SIZE // 1048576}MB，请压缩后再上传", field=field)
    named = next((k for k, (exts, _) in KINDS.items() if ext in exts), None)
    if named is None:
        raise ServiceError(f"附件“{shown}”的类型不允许，只能上传{ALLOWED_TEXT}", field=field)
    kind = sniff(content)
    if kind is None or KINDS[kind][1] != KINDS[named][1]:
        what = f"实际是{KINDS[kind][1]}文件" if kind else "不是可识别的文件"
        raise ServiceError(f"附件“{shown}”的内容与文件名不符（名为{KINDS[named][1]}，{what}），请检查后重新上传",
                           field=field)
    return kind


def store(folder: str, name: str, content: bytes) -> str:
    """Save the bytes under ``projects/<folder>/`` with a name of our own; the stored path."""
    ext = os.path.splitext(name)[1].lower()[:6]
    return default_storage.save(f"projects/{folder}/{uuid.uuid4().hex}{ext}", ContentFile(content))


def open_stored(path: str):
    """The stored file, or 404 with a Chinese message when it is gone from the disk (a restore without the
    media folder, a file removed by hand): never a server error."""
    from django.http import Http404

    try:
        return default_storage.open(path, "rb")
    except (FileNotFoundError, OSError):
        raise Http404("附件文件已不在服务器上（可能在恢复数据时未包含附件目录），请联系管理员或重新上传") from None
