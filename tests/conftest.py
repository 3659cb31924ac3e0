"""Shared fixtures: a small city with two districts' worth of records and a persona for every role.

Personas (named as in STYLE.md): city (市局人员), leader (区局领导), staff (区局科员), town (乡镇专干),
expert (科技特派员), ent_user (企业用户) — all in district A — and outsider (区局科员 of sibling district B).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from hypothesis import HealthCheck, settings

from keguan.accounts.models import Role
from keguan.accounts.services import user_create
from keguan.enterprises.models import Stage
from keguan.enterprises.services import enterprise_create, year_figures_save
from keguan.regions.models import Region
from keguan.regions.services import regions_load_national
from keguan.rules.identifiers import credit_code_check_char

# Hypothesis checks properties, not speed: on a shared two-core CI machine a busy moment made its timing checks
# (an example's deadline, slow input generation) fail a property that holds. Speed is measured in bench/.
settings.register_profile("keguan", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("keguan")

PASSWORD = "Kejiju@2024"
CITY = "450100"
DISTRICT_A = "450103"  # 青秀区
DISTRICT_B = "450105"  # 江南区


def workbook(rows, headers=None) -> bytes:
    """An .xlsx holding ``headers`` (when given) then ``rows``: the files the import tests upload."""
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    if headers is not None:
        ws.append(list(headers))
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def credit_code(district: str, n: int) -> str:
    first17 = f"91{district}{n:08d}0"
    return first17 + credit_code_check_char(first17)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        regions_load_national(within="4501")
    yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: the top bar's 待办 count is kept a minute per user id, and ids
    come round again once a test's rows are rolled back."""
    cache.clear()
    yield


@pytest.fixture(scope="session")
def password_hash(django_db_blocker):
    return make_password(PASSWORD)


class World:
    """The records and personas of one test."""

    def __init__(self, password_hash: str) -> None:
        self.city = Region.objects.get(code=CITY)
        self.a = Region.objects.get(code=DISTRICT_A)
        self.b = Region.objects.get(code=DISTRICT_B)
        self.a_town = Region.objects.filter(parent=self.a, level=4).order_by("code").first()
        self.a_town2 = Region.objects.filter(parent=self.a, level=4).order_by("code")[1]
        self.b_town = Region.objects.filter(parent=self.b, level=4).order_by("code").first()
        h = password_hash

        def mk(username, role, region, **kw):
            return user_create(actor=None, username=username, password=PASSWORD, role=role, region=region,
                               full_name=username, hashed_password=h, **kw)

        self.ent_a = enterprise_create(
            actor=None, name="青秀测试科技有限公司", credit_code=credit_code(DISTRICT_A, 1), district=self.a,
            township=self.a_town, industry_code="39", tech_field="electronic", stage=Stage.HNTE,
            contact_phone="13800000001", registered_on=dt.date(2015, 3, 1),
        )
        self.ent_a2 = enterprise_create(
            actor=None, name="青秀第二材料有限公司", credit_code=credit_code(DISTRICT_A, 2), district=self.a,
            township=self.a_town2, industry_code="30", tech_field="materials", stage=Stage.SME,
        )
        self.ent_b = enterprise_create(
            actor=None, name="江南邻区机械有限公司", credit_code=credit_code(DISTRICT_B, 3), district=self.b,
            township=self.b_town, industry_code="34", stage=Stage.POOL,
        )
        for e in (self.ent_a, self.ent_a2, self.ent_b):
            year_figures_save(
                enterprise=e, actor=None, year=2024, employees=100, st_staff=20,
                sales_revenue=Decimal("30000000"), total_cost=Decimal("25000000"), rd_domestic=Decimal("1500000"),
                rd_abroad=Decimal("0"), total_assets=Decimal("40000000"), net_assets=Decimal("20000000"),
                hightech_income=Decimal("20000000"), ip_class1=1, ip_class2=3,
            )
        self.city_user = mk("city", Role.CITY_STAFF, self.city)
        self.leader = mk("leader", Role.DISTRICT_LEADER, self.a)
        self.staff = mk("staff", Role.DISTRICT_STAFF, self.a)
        self.town = mk("town", Role.TOWNSHIP_LIAISON, self.a_town)
        self.expert = mk("expert", Role.COMMISSIONER, self.a)
        self.ent_user = mk("ent", Role.ENTERPRISE, self.a, enterprise=self.ent_a)
        self.outsider = mk("outsider", Role.DISTRICT_STAFF, self.b)
        self.outsider_ent = mk("outsider_ent", Role.ENTERPRISE, self.b, enterprise=self.ent_b)

    @property
    def personas(self):
        return {
            "city": self.city_user,
            "leader": self.leader,
            "staff": self.staff,
            "town": self.town,
            "expert": self.expert,
            "ent_user": self.ent_user,
            "outsider": self.outsider,
        }


@pytest.fixture
def world(db, password_hash) -> World:
    return World(password_hash)


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login
