"""Photos that staff and commissioners upload (a service log's, an event's): checked to be an image from the
content, never the name; shrunk and re-encoded as JPEG (no EXIF: a phone's GPS position and the camera's
serial number are not kept); stored under ``DATA_DIR/media/<area>/`` with a name of our own.

``prepare_photos(files)`` checks and shrinks every file first and raises ``ServiceError`` naming the first bad
one, so a caller that stores afterwards, inside its transaction, never keeps half of an upload.
"""

from __future__ import annotations

import io
import os
import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from .errors import ServiceError

MAX_BYTES = 10 * 1024 * 1024  # per photo, as uploaded
MAX_PHOTOS = 6
LONG_SIDE = 1600
QUALITY = 82
FORMATS = {"JPEG": "JPG", "PNG": "PNG", "WEBP": "WebP"}
ALLOWED = "JPG、PNG、WebP 图片"
MAX_PIXELS = 60_000_000  # a "photo" larger than this is refused before decoding (a decompression bomb)


@dataclass(frozen=True)
class Photo:
    name: str  # as uploaded (for messages)
    content: bytes  # the shrunk JPEG
    width: int
    height: int


def _read(upload) -> tuple[str, bytes]:
    if isinstance(upload, tuple):
        return upload
    return os.path.basename(getattr(upload, "name", "") or "")[:150], upload.read()


def prepare_photo(name: str, content: bytes, *, field: str = "photos") -> Photo:
    """The photo shrunk to ``LONG_SIDE`` and re-encoded, or ``ServiceError`` naming the file."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    shown = name or "未命名文件"
    if not content:
        raise ServiceError(f"照片“{shown}”是空文件", field=field)
    if len(content) > MAX_BYTES:
        raise ServiceError(f"照片“{shown}”超过{MAX_BYTES // 1048576}MB，请换一张或压缩后再上传", field=field)
    try:
        with Image.open(io.BytesIO(content)) as probe:
            kind = probe.format
            if kind not in FORMATS:
                raise ServiceError(f"“{shown}”不是允许的图片格式（{kind or '未知'}），只能上传{ALLOWED}", field=field)
            if probe.width * probe.height > MAX_PIXELS:
                raise ServiceError(f"照片“{shown}”的像素过大（{probe.width}×{probe.height}），请缩小后再上传", field=field)
            probe.verify()
        with Image.open(io.BytesIO(content)) as img:
            img = ImageOps.exif_transpose(img)
            img.thumbnail((LONG_SIDE, LONG_SIDE))
            if img.mode not in ("RGB", "L"):
                background = Image.new("RGB", img.size, "white")
                background.paste(img, mask=img.convert("RGBA").getchannel("A"))
                img = background
            out = io.BytesIO()
            img.convert("RGB").save(out, "JPEG", quality=QUALITY, optimize=True)
            return Photo(shown, out.getvalue(), img.width, img.height)
    except ServiceError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ServiceError(f"“{shown}”不是图片或已损坏，只能上传{ALLOWED}", field=field) from exc


def prepare_photos(files, *, field: str = "photos", already: int = 0) -> list[Photo]:
    """Every upload checked and shrunk (uploaded files or (name, bytes) pairs); ``already``: photos the record
    has, counted against ``MAX_PHOTOS``."""
    items = [_read(f) for f in files or []]
    if already + len(items) > MAX_PHOTOS:
        raise ServiceError(f"每条记录最多{MAX_PHOTOS}张照片（已有{already}张，本次选择了{len(items)}张）", field=field)
    return [prepare_photo(name, content, field=field) for name, content in items]


def store_photo(area: str, folder: str, photo: Photo) -> str:
    """Save the shrunk photo under ``<area>/<folder>/``; the stored path."""
    return default_storage.save(f"{area}/{folder}/{uuid.uuid4().hex}.jpg", ContentFile(photo.content))


def remove_stored(paths) -> None:
    """Delete stored files (after the rows that named them are gone); missing ones are ignored."""
    for path in paths:
        try:
            default_storage.delete(path)
        except OSError:
            pass
