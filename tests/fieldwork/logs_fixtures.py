"""Fixtures of the logs tests: villages in district A's two townships and in B, commissioners (the ``expert``
persona's own record, a colleague, one in B), an assignment, and images made with Pillow."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pytest
from django.test import override_settings
from PIL import Image

from keguan.accounts.models import Role
from keguan.accounts.services import user_create
from keguan.fieldwork.models import Assignment, Commissioner, Kind, Level
from keguan.regions.models import Region
from keguan.regions.services import villages_create

TODAY = dt.date.today()


def jpeg(size=(2400, 1800), color=(30, 140, 60), exif: bool = False) -> bytes:
    image = Image.new("RGB", size, color)
    buf = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "TestCam"  # Make
        data[0x8825] = {2: (22.0, 48.0, 0.0)}  # GPSInfo: latitude
        image.save(buf, "JPEG", exif=data.tobytes())
    else:
        image.save(buf, "JPEG")
    return buf.getvalue()


def png(size=(800, 600), alpha: bool = True) -> bytes:
    image = Image.new("RGBA" if alpha else "RGB", size, (200, 10, 10, 128) if alpha else (200, 10, 10))
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def webp(size=(500, 400)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (0, 0, 255)).save(buf, "WEBP")
    return buf.getvalue()


def gif() -> bytes:
    buf = io.BytesIO()
    Image.new("P", (50, 50)).save(buf, "GIF")
    return buf.getvalue()


@dataclass
class Field:
    world: object
    v1: Region  # a_town
    v2: Region  # a_town
    v3: Region  # a_town2
    vb: Region  # B
    me: Commissioner  # the expert persona's
    colleague: Commissioner  # another of A, with its own account
    other_b: Commissioner
    colleague_user: object


def make_commissioner(district, name, *, user=None, field="", start=None, phone="", kind=Kind.AGRICULTURE):
    return Commissioner.objects.create(district=district, name=name, level=Level.COUNTY, kind=kind, field=field,
                                       start_on=start or TODAY - dt.timedelta(days=400), user=user, phone=phone)


@pytest.fixture(name="media")
def media_fixture(tmp_path):
    root = tmp_path / "media"
    storages = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": root}},
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(STORAGES=storages):
        yield root


@pytest.fixture(name="field")
def field_fixture(world, media, password_hash) -> Field:
    w = world
    t1, t2, tb = w.a_town, w.a_town2, w.b_town
    v1, v2 = villages_create(township=t1, villages=[(f"{t1.code}201", "石岭村"), (f"{t1.code}202", "那马村")],
                             source="测试")
    (v3,) = villages_create(township=t2, villages=[(f"{t2.code}201", "石岭村")], source="测试")
    (vb,) = villages_create(township=tb, villages=[(f"{tb.code}201", "江南村")], source="测试")
    colleague_user = user_create(actor=None, username="expert2", password="x", role=Role.COMMISSIONER, region=w.a,
                                 full_name="李四", hashed_password=password_hash)
    me = make_commissioner(w.a, "张三", user=w.expert, field="crops", phone="13900000001")
    colleague = make_commissioner(w.a, "李四", user=colleague_user, field="fruit_tea")
    other_b = make_commissioner(w.b, "王五")
    Assignment.objects.create(district=w.a, township=t1, commissioner=me, village=v2,
                              start_on=TODAY - dt.timedelta(days=100))
    return Field(w, v1, v2, v3, vb, me, colleague, other_b, colleague_user)
