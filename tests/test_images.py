"""Uploaded photos (keguan.core.images): images only, judged by content; shrunk, re-encoded, EXIF dropped;
bad files named in the message."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from keguan.core.errors import ServiceError
from keguan.core.images import LONG_SIDE, MAX_PHOTOS, prepare_photo, prepare_photos


def image_bytes(fmt="JPEG", size=(3000, 2000), mode="RGB", exif=False) -> bytes:
    img = Image.new(mode, size, "green")
    out = io.BytesIO()
    kwargs = {}
    if exif:
        e = Image.Exif()
        e[0x010F] = "PhoneMaker"  # Make
        kwargs["exif"] = e.tobytes()
    img.save(out, fmt, **kwargs)
    return out.getvalue()


def test_a_large_photo_is_shrunk_and_its_exif_dropped():
    p = prepare_photo("田间.jpg", image_bytes(exif=True))
    assert max(p.width, p.height) == LONG_SIDE and (p.width, p.height) == (1600, 1067)
    with Image.open(io.BytesIO(p.content)) as img:
        assert img.format == "JPEG" and not img.getexif()


@pytest.mark.parametrize("fmt,mode", [("PNG", "RGBA"), ("WEBP", "RGB"), ("PNG", "P")])
def test_png_and_webp_become_jpeg(fmt, mode):
    p = prepare_photo("x.img", image_bytes(fmt, (200, 100), mode))
    assert p.content.startswith(b"\xff\xd8") and (p.width, p.height) == (200, 100)


@pytest.mark.parametrize("content,match", [
    (b"%PDF-1.4 not an image", "不是图片文件"),
    (b"", "是空文件"),
    (image_bytes("GIF", (10, 10), "P"), "实际为GIF格式"),
    (image_bytes()[:200], "已损坏或不完整"),
])
def test_not_an_image_is_refused_naming_the_file(content, match):
    with pytest.raises(ServiceError, match=match) as exc:
        prepare_photo("现场照片.jpg", content)
    assert "现场照片.jpg" in str(exc.value)


def test_too_many_or_too_big(monkeypatch):
    with pytest.raises(ServiceError, match=f"每条活动最多 {MAX_PHOTOS} 张照片"):
        prepare_photos([("a.jpg", b"x")] * 3, already=MAX_PHOTOS - 2, per="每条活动")
    monkeypatch.setattr("keguan.core.images.MAX_BYTES", 100)
    with pytest.raises(ServiceError, match="超过"):
        prepare_photo("big.jpg", image_bytes(size=(50, 50)))


def test_one_bad_file_refuses_the_whole_upload_before_anything_is_kept():
    with pytest.raises(ServiceError, match="b.txt"):
        prepare_photos([("a.jpg", image_bytes(size=(20, 20))), ("b.txt", b"hello")])
