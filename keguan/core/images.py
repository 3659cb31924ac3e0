"""Photos that staff and commissioners upload (a service log's, an event's): images only, checked from the
content with Pillow (never from the name), each at most ``MAX_BYTES`` before shrinking and at most
``MAX_PHOTOS`` per record; shrunk to ``LONG_SIDE`` px on the long side and re-encoded as JPEG (which drops EXIF:
a phone's GPS position is not kept), stored under ``DATA_DIR/media/<folder>/`` with a name of our own and
served only by the areas' views after their scope check.

``prepare_photos`` checks and shrinks every upload in memory and raises ``ServiceError`` naming the first
refused file before anything is stored; the caller stores them (``store_photo``) inside its transaction and
removes what it wrote if anything after fails (``remove_stored``), so a refused or failed upload leaves neither
a record nor a file behind.
"""

from __future__ import annotations

import io
import os
import uuid
import warnings
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import ServiceError

MAX_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 6
LONG_SIDE = 1600
MAX_PIXELS = 60_000_000  # a decompression bomb (a small file that expands to gigabytes) is refused
JPEG_QUALITY = 82
FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
ALLOWED_TEXT = "JPEG、PNG、WebP 格式的图片"


@dataclass(frozen=True)
class Photo:
    """A photo ready to store: the shrunk JPEG and its size."""

    name: str  # the uploaded file's name (for messages)
    content: bytes
    width: int
    height: int


def shown_name(name: str | None) -> str:
    return os.path.basename(name or "")[:120] or "未命名文件"


def prepare_photo(name: str, content: bytes, *, field: str = "photos") -> Photo:
    """One upload checked and shrunk, or a ``ServiceError`` that names the file."""
    shown = shown_name(name)
    if not content:
        raise ServiceError(f"照片“{shown}”是空文件，请重新选择", field=field)
    if len(content) > MAX_BYTES:
        mb = len(content) / 1048576
        raise ServiceError(f"照片“{shown}”有 {mb:.1f}MB，超过每张 {MAX_BYTES // 1048576}MB 的上限，请压缩后再上传",
                           field=field)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as probe:
                kind = probe.format
                if kind not in FORMATS:
                    raise ServiceError(f"照片“{shown}”不是{ALLOWED_TEXT}（实际为{kind}格式），请换一张", field=field)
                if probe.width * probe.height > MAX_PIXELS:
                    raise ServiceError(f"照片“{shown}”的像素过大（{probe.width}×{probe.height}），请缩小后再上传",
                                       field=field)
                probe.verify()  # a truncated or corrupt file fails here
            with Image.open(io.BytesIO(content)) as image:
                image.load()
                image = ImageOps.exif_transpose(image)  # a phone's rotation, before the EXIF is dropped
                image = _rgb(image)
                image.thumbnail((LONG_SIDE, LONG_SIDE), Image.Resampling.LANCZOS)
                out = io.BytesIO()
                image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)  # no exif=: none is written
                return Photo(shown, out.getvalue(), image.width, image.height)
    except ServiceError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ServiceError(f"照片“{shown}”不是图片文件（只能上传{ALLOWED_TEXT}），请换一张", field=field) from None
    except (OSError, SyntaxError, ValueError):
        raise ServiceError(f"照片“{shown}”已损坏或不完整，无法读取，请换一张", field=field) from None


def _rgb(image: Image.Image) -> Image.Image:
    """JPEG has no transparency: transparent parts become white."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB") if image.mode != "RGB" else image


def prepare_photos(files, *, already: int = 0, field: str = "photos", per: str = "每条记录") -> list[Photo]:
    """Every upload checked and shrunk (nothing stored): a ``ServiceError`` for too many photos or for the
    first file refused. ``files``: uploaded files or (name, bytes) pairs; ``already``: photos the record has;
    ``per``: what the limit is per, in the message ("每条服务日志")."""
    files = [_read(f) for f in files or []]
    if already + len(files) > MAX_PHOTOS:
        left = MAX_PHOTOS - already
        more = f"还可上传 {left} 张" if left > 0 else "已满，请先删除再上传"
        raise ServiceError(f"{per}最多 {MAX_PHOTOS} 张照片（已有 {already} 张，本次选择了 {len(files)} 张，{more}）",
                           field=field)
    return [prepare_photo(name, content, field=field) for name, content in files]


def store_photo(folder: str, photo: Photo) -> str:
    """Write one prepared photo under ``folder`` ("fieldwork/logs/12"); the stored path (relative to the media
    folder). A caller that stores several removes those it wrote when a later step fails (``remove_stored``)."""
    return default_storage.save(f"{folder}/{uuid.uuid4().hex}.jpg", ContentFile(photo.content))


def remove_stored(paths) -> None:
    """Delete stored files (after the rows that named them are gone); missing ones are ignored."""
    for path in paths:
        try:
            default_storage.delete(path)
        except OSError:
            pass


def open_stored(path: str):
    """The stored file, or 404 with a Chinese message when it is gone from the disk: never a server error."""
    from django.http import Http404

    try:
        return default_storage.open(path, "rb")
    except (FileNotFoundError, OSError):
        raise Http404("照片文件已不在服务器上（可能在恢复数据时未包含照片目录），请联系管理员") from None


def _read(upload) -> tuple[str, bytes]:
    if isinstance(upload, tuple):
        return upload
    return getattr(upload, "name", "") or "", upload.read()
