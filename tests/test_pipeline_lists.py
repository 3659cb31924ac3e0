"""The district-level pipeline pages: 高企申报 by batch (counts per status, filters, export, new batch), 高企证书
with the 重新认定 reminders (the six-month edge), 培育库 and their members, 科小入库 with the all-or-nothing import;
who may see and change them."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from keguan.enterprises.models import Stage
from keguan.enterprises.services import enterprise_create
from keguan.exchange.engine import check_file
from keguan.exchange.kinds import Context
from keguan.exchange.models import ImportRun, RunStatus
from keguan.pipeline import services
from keguan.pipeline.exchange import SME_RECORDS
from keguan.pipeline.models import AppStatus, HnteBatch, HnteCertificate, PoolMember, TechSmeRecord
from keguan.pipeline.selectors import (
    CertificateFilters,
    add_months,
    certificate_list,
    renewal_due,
    renewal_due_count,
    renewal_horizon,
)
from keguan.rules.explain import add_years
from tests.conftest import credit_code, workbook

TODAY = timezone.localdate()
YEAR = TODAY.year
READERS = ("city_user", "leader", "staff")
REFUSED = ("town", "expert", "ent_user")
PAGES = ("applications", "applications_export", "certificates", "certificates_export", "pools", "sme_records",
         "sme_export")


def as_(user) -> Client:
    """A client signed in as ``user`` (its own: the shared ``login`` fixture re-uses one client)."""
    c = Client()
    c.force_login(user)
    return c


def xlsx_rows(response) -> list[tuple]:
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    wb = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    return list(wb.worksheets[0].iter_rows(values_only=True))


def names(response) -> list[str]:
    return [x.enterprise.name for x in response.context["page"].object_list]


def firm(world, n: int, name: str, district=None, township=None, stage=Stage.ATTRACTED):
    district = district or world.a
    return enterprise_create(actor=None, name=name, credit_code=credit_code(district.code, 500 + n),
                             district=district, township=township, industry_code="39", stage=stage)


# --- 高企申报 ---------------------------------------------------------------------------------------------------


@pytest.fixture
def batches(world):
    """Two batches; in the newer one 甲区 has four applications at different statuses and 乙区 one."""
    old = services.batch_create(year=YEAR - 1, seq=1)
    new = services.batch_create(year=YEAR, seq=1)
    day = TODAY
    a3 = firm(world, 3, "甲三光电有限公司", township=world.a_town)
    a4 = firm(world, 4, "甲四生物有限公司", township=world.a_town2)
    services.application_create(enterprise=world.ent_a2, actor=None, batch=old, on=day)  # an older batch
    app_a = services.application_create(enterprise=world.ent_a, actor=None, batch=new, on=day)
    services.application_move(application=app_a, actor=None, status=AppStatus.SUBMITTED, on=day)
    services.application_move(application=app_a, actor=None, status=AppStatus.DISTRICT, on=day)
    app3 = services.application_create(enterprise=a3, actor=None, batch=new, on=day)
    services.application_move(application=app3, actor=None, status=AppStatus.SUBMITTED, on=day)
    app4 = services.application_create(enterprise=a4, actor=None, batch=new, on=day)
    services.application_move(application=app4, actor=None, status=AppStatus.REJECTED, on=day)
    services.application_create(enterprise=world.ent_b, actor=None, batch=new, on=day)
    return {"old": old, "new": new, "a3": a3, "a4": a4}


def test_applications_open_on_the_newest_batch_with_counts_per_status(world, batches):
    c = as_(world.staff)
    response = c.get(reverse("pipeline:applications"))
    assert response.status_code == 200
    assert response.context["batch"] == batches["new"]
    assert set(names(response)) == {world.ent_a.name, "甲三光电有限公司", "甲四生物有限公司"}
    counts = {value: n for value, _label, n in response.context["counts"]}
    assert counts == {"planned": 0, "submitted": 1, "district": 1, "city": 0, "province": 0, "publicised": 0,
                      "recognised": 0, "rejected": 1}
    text = response.content.decode()
    assert world.ent_b.name not in text and world.ent_a2.name not in text
    # the rows follow the statuses' order; the counts row links each status under the same batch
    assert names(response) == ["甲三光电有限公司", world.ent_a.name, "甲四生物有限公司"]
    assert f'?batch={batches["new"].pk}&status=rejected' in text
    # a status narrows the rows but not the counts row
    response = c.get(reverse("pipeline:applications"), {"batch": batches["new"].pk, "status": "submitted"})
    assert names(response) == ["甲三光电有限公司"]
    assert sum(n for *_, n in response.context["counts"]) == 3
    # all batches, search, township
    response = c.get(reverse("pipeline:applications"), {"batch": ""})
    assert len(names(response)) == 4 and response.context["batch"] is None
    assert names(c.get(reverse("pipeline:applications"), {"batch": "", "q": "光电"})) == ["甲三光电有限公司"]
    response = c.get(reverse("pipeline:applications"), {"batch": "", "township": world.a_town2.pk})
    assert set(names(response)) == {"甲四生物有限公司", world.ent_a2.name}
    # another district's township is not a filter the user may set: nothing, never everything
    response = c.get(reverse("pipeline:applications"), {"township": world.b_town.pk})
    assert names(response) == [] and "查询条件有误" in response.content.decode()


def test_applications_for_city_staff_cover_every_district(world, batches):
    c = as_(world.city_user)
    response = c.get(reverse("pipeline:applications"))
    assert world.ent_b.name in names(response) and len(names(response)) == 4
    assert dict((v, n) for v, _, n in response.context["counts"])["planned"] == 1
    response = c.get(reverse("pipeline:applications"), {"batch": batches["new"].pk, "district": world.b.pk})
    assert names(response) == [world.ent_b.name]
    assert "江南区" in response.content.decode()  # the district column
    assert ">办理<" not in response.content.decode()  # (city staff read: each row links to 查看)


def test_applications_export_is_the_filtered_list(world, batches):
    c = as_(world.staff)
    for params in ({}, {"batch": batches["new"].pk, "status": "submitted"}, {"batch": "", "q": "甲"}):
        page = c.get(reverse("pipeline:applications"), params)
        rows = xlsx_rows(c.get(reverse("pipeline:applications_export"), params))
        assert rows[0][:3] == ("申报批次", "企业名称", "统一社会信用代码")
        assert [r[1] for r in rows[1:]] == names(page)
        assert world.ent_b.name not in [r[1] for r in rows]
    rows = xlsx_rows(c.get(reverse("pipeline:applications_export"), {"batch": batches["new"].pk, "status": "rejected"}))
    assert rows[1][0] == f"{YEAR}年第一批" and rows[1][5] == "未通过" and rows[1][8].date() == TODAY


def test_batch_create(world):
    c = as_(world.staff)
    response = c.post(reverse("pipeline:batch_create"), {"year": YEAR, "seq": 2, "deadline": "", "note": "第二批"})
    batch = HnteBatch.objects.get(year=YEAR, seq=2)
    assert response.status_code == 302 and response["Location"].endswith(f"?batch={batch.pk}")
    # the same batch again: the form comes back with the service's message at the field
    response = c.post(reverse("pipeline:batch_create"), {"year": YEAR, "seq": 2})
    assert response.status_code == 200
    assert f"{YEAR}年第二批已存在" in response.content.decode()
    assert response.context["batch_form"].errors["seq"] and response.context["batch_form_open"]
    assert HnteBatch.objects.count() == 1
    response = c.post(reverse("pipeline:batch_create"), {"year": 1999, "seq": 1})
    assert response.status_code == 200 and response.context["batch_form"].errors["year"]
    # city staff may create a batch too (batches are the province's, shared by all districts)
    assert as_(world.city_user).post(reverse("pipeline:batch_create"), {"year": YEAR, "seq": 3}).status_code == 302
    for persona in REFUSED:
        assert as_(getattr(world, persona)).post(reverse("pipeline:batch_create"), {"year": YEAR, "seq": 4}).status_code == 403
    assert HnteBatch.objects.count() == 2
    assert c.get(reverse("pipeline:batch_create")).status_code == 405


def test_empty_states(world):
    c = as_(world.staff)
    text = c.get(reverse("pipeline:applications")).content.decode()
    assert "还没有申报批次" in text and "新建申报批次" in text
    services.batch_create(year=YEAR, seq=1)
    text = c.get(reverse("pipeline:applications")).content.decode()
    assert f"{YEAR}年第一批暂无申报记录" in text
    assert "暂无高企证书记录" in c.get(reverse("pipeline:certificates")).content.decode()
    assert "暂无需组织重新认定的企业" in c.get(reverse("pipeline:certificates")).content.decode()
    assert "暂无培育库" in c.get(reverse("pipeline:pools")).content.decode()
    assert "暂无科小入库记录" in c.get(reverse("pipeline:sme_records")).content.decode()


@pytest.mark.parametrize("persona", REFUSED)
def test_township_commissioner_and_enterprise_users_are_refused(world, persona):
    c = as_(getattr(world, persona))
    for name in PAGES:
        assert c.get(reverse(f"pipeline:{name}")).status_code == 403, name
    for name in ("kind", "template"):
        assert c.get(reverse(f"exchange:{name}", args=["sme_records"])).status_code == 403, name
    assert c.post(reverse("pipeline:pool_create"), {"start_year": YEAR, "end_year": YEAR}).status_code == 403
    menu = c.get(reverse("core:home"), follow=True).content.decode()
    assert reverse("pipeline:applications") not in menu and reverse("pipeline:pools") not in menu


@pytest.mark.parametrize("persona", READERS)
def test_bureau_users_see_the_pages_in_the_menu(world, persona):
    c = as_(getattr(world, persona))
    text = c.get(reverse("core:home")).content.decode()
    for name, label in (("applications", "高企申报"), ("certificates", "高企证书"), ("pools", "培育库"),
                        ("sme_records", "科小入库")):
        assert f'href="{reverse("pipeline:" + name)}"' in text and label in text
        assert c.get(reverse(f"pipeline:{name}")).status_code == 200


# --- 高企证书 and 重新认定 -------------------------------------------------------------------------------------


def test_add_months_and_the_horizon():
    assert add_months(dt.date(2024, 8, 31), 6) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2023, 8, 31), 6) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2024, 12, 15), 6) == dt.date(2025, 6, 15)
    assert renewal_horizon(dt.date(2024, 8, 15)) == dt.date(2025, 2, 15)
    assert renewal_horizon(dt.date(2024, 9, 30)) == dt.date(2025, 3, 31)  # month end → month end
    assert renewal_horizon(dt.date(2025, 2, 28)) == dt.date(2025, 8, 31)


def test_the_qualifications_page_reminds_from_the_same_horizon(world):
    """A firm's own page reminds exactly when the list does: the certificate ends by the horizon."""
    from keguan.pipeline.selectors import enterprise_records

    horizon = renewal_horizon(dt.date.today())
    edge, beyond = firm(world, 21, "甲提醒边界科技有限公司"), firm(world, 22, "甲提醒之外科技有限公司")
    _cert(edge, 21, _issued_for_expiry(horizon))
    _cert(beyond, 22, _issued_for_expiry(horizon + dt.timedelta(days=1)))
    assert enterprise_records(edge, pools=None).remind
    assert not enterprise_records(beyond, pools=None).remind


def _cert(e, number: int, issued: dt.date) -> HnteCertificate:
    return services.certificate_add(enterprise=e, actor=None, number=f"GR{issued.year}{number:08d}", issued_on=issued)


def _issued_for_expiry(expires: dt.date) -> dt.date:
    """The latest issue date whose certificate ends on ``expires`` (or, where no issue date ends on that day
    — 28 February of a leap year — the day before)."""
    issued = add_years(expires + dt.timedelta(days=1), -3)
    while HnteCertificate.expiry_for(issued) > expires:
        issued -= dt.timedelta(days=1)
    return issued


@pytest.mark.parametrize("on", [dt.date(2024, 8, 15), dt.date(2024, 9, 30), dt.date(2024, 2, 29)])
def test_reminder_at_the_six_month_edge(world, on):
    horizon = renewal_horizon(on)
    edge = firm(world, 11, "甲边界科技有限公司")
    beyond = firm(world, 12, "甲超出科技有限公司")
    gone = firm(world, 13, "甲已过期科技有限公司")
    today_ = firm(world, 14, "甲今日到期科技有限公司")
    _cert(edge, 1, _issued_for_expiry(horizon))
    _cert(beyond, 2, _issued_for_expiry(horizon + dt.timedelta(days=1)))
    _cert(gone, 3, _issued_for_expiry(on - dt.timedelta(days=1)))
    _cert(today_, 4, _issued_for_expiry(on))
    due = {c.enterprise.name for c in renewal_due(user=world.staff, today=on)}
    assert due == {"甲边界科技有限公司", "甲今日到期科技有限公司"}
    assert renewal_due_count(user=world.staff, today=on) == 2
    # the 即将到期 filter has the same edge; 已过期 starts the day after the last valid day
    expiring = certificate_list(user=world.staff, filters=CertificateFilters(state="expiring"), today=on)
    assert {c.enterprise.name for c in expiring} == due
    expired = certificate_list(user=world.staff, filters=CertificateFilters(state="expired"), today=on)
    assert {c.enterprise.name for c in expired} == {"甲已过期科技有限公司"}
    # invisible to another district
    assert renewal_due_count(user=world.outsider, today=on) == 0
    assert renewal_due_count(user=world.city_user, today=on) == 2


def test_reminder_leaves_out_firms_with_a_later_certificate_or_an_open_application(world):
    on = dt.date(2024, 8, 15)
    horizon = renewal_horizon(on)
    renewed = firm(world, 21, "甲已换证科技有限公司")
    applying = firm(world, 22, "甲申报中科技有限公司")
    refused = firm(world, 23, "甲未通过科技有限公司")
    for i, e in enumerate((renewed, applying, refused)):
        _cert(e, 10 + i, _issued_for_expiry(horizon - dt.timedelta(days=30)))
    _cert(renewed, 20, on - dt.timedelta(days=10))  # recognised again: a later certificate
    batch = services.batch_create(year=2024, seq=1)
    services.application_create(enterprise=applying, actor=None, batch=batch, on=dt.date(2024, 5, 1))
    app = services.application_create(enterprise=refused, actor=None, batch=batch, on=dt.date(2024, 5, 1))
    services.application_move(application=app, actor=None, status=AppStatus.REJECTED, on=dt.date(2024, 7, 1))
    assert [c.enterprise.name for c in renewal_due(user=world.staff, today=on)] == ["甲未通过科技有限公司"]


def test_certificates_page_panel_filters_and_home_card(world):
    horizon = renewal_horizon(TODAY)
    due = firm(world, 31, "甲待续认定科技有限公司", township=world.a_town)
    fresh = firm(world, 32, "甲新证科技有限公司", township=world.a_town2)
    old = firm(world, 33, "甲旧证科技有限公司")
    _cert(due, 1, _issued_for_expiry(horizon - dt.timedelta(days=3)))
    _cert(fresh, 2, TODAY - dt.timedelta(days=20))
    _cert(old, 3, _issued_for_expiry(TODAY - dt.timedelta(days=100)))
    _cert(world.ent_b, 4, _issued_for_expiry(horizon - dt.timedelta(days=3)))  # another district
    c = as_(world.staff)
    response = c.get(reverse("pipeline:certificates"))
    assert response.status_code == 200
    assert response.context["due_count"] == 1
    assert [r.cert.enterprise.name for r in response.context["due_rows"]] == ["甲待续认定科技有限公司"]
    # valid first (soonest expiry first), then the expired
    assert names(response) == ["甲待续认定科技有限公司", "甲新证科技有限公司", "甲旧证科技有限公司"]
    rows = {r.cert.enterprise.name: r for r in response.context["rows"]}
    assert rows["甲待续认定科技有限公司"].state == "即将到期" and rows["甲待续认定科技有限公司"].renewal.due
    assert rows["甲待续认定科技有限公司"].days_left == (horizon - dt.timedelta(days=3) - TODAY).days
    assert rows["甲旧证科技有限公司"].state == "已过期" and rows["甲旧证科技有限公司"].days_left is None
    text = response.content.decode()
    assert "需组织重新认定" in text and world.ent_b.name not in text
    for state, expected in (("valid", ["甲待续认定科技有限公司", "甲新证科技有限公司"]),
                            ("expiring", ["甲待续认定科技有限公司"]), ("expired", ["甲旧证科技有限公司"]),
                            ("renew", ["甲待续认定科技有限公司"])):
        assert names(c.get(reverse("pipeline:certificates"), {"state": state})) == expected, state
    fresh_year = (TODAY - dt.timedelta(days=20)).year
    assert names(c.get(reverse("pipeline:certificates"), {"year": fresh_year})) == ["甲新证科技有限公司"]
    assert names(c.get(reverse("pipeline:certificates"), {"township": world.a_town2.pk})) == ["甲新证科技有限公司"]
    assert names(c.get(reverse("pipeline:certificates"), {"q": "GR"})) == names(response)
    # export: the filtered rows with the days left and what is being done
    rows = xlsx_rows(c.get(reverse("pipeline:certificates_export"), {"state": "expiring"}))
    assert rows[0][0] == "企业名称" and [r[0] for r in rows[1:]] == ["甲待续认定科技有限公司"]
    assert rows[1][8] == "即将到期" and rows[1][9] == "需组织重新认定" and rows[1][7] == (horizon - dt.timedelta(days=3) - TODAY).days
    # the home page card links to the reminders
    def renewals(client) -> list[int]:
        url = reverse("pipeline:certificates") + "?state=renew"
        return [r.count for r in client.get(reverse("core:home")).context["reminders"] if r.url == url]

    home = c.get(reverse("core:home"))
    assert renewals(c) == [1]
    assert reverse("pipeline:certificates") + "?state=renew" in home.content.decode()
    assert renewals(as_(world.city_user)) == [2]
    assert renewals(as_(world.town)) == []  # township liaisons do not see the district lists


# --- 培育库 ----------------------------------------------------------------------------------------------------


def test_pools_create_list_and_members(world):
    c = as_(world.staff)
    response = c.post(reverse("pipeline:pool_create"), {"start_year": YEAR - 1, "end_year": YEAR + 1, "name": "",
                                                        "note": "首期"})
    pool = world.a.cultivation_pools.get()
    assert response.status_code == 302 and response["Location"] == reverse("pipeline:pool_detail", kwargs={"pool_pk": pool.pk})
    assert pool.name == f"{YEAR - 1}-{YEAR + 1}年高企培育库"
    # the same period again, and years out of order: the form comes back with the message at the field
    response = c.post(reverse("pipeline:pool_create"), {"start_year": YEAR - 1, "end_year": YEAR + 1})
    assert response.status_code == 200 and response.context["pool_form"].errors["start_year"]
    assert "已建立" in response.content.decode()
    response = c.post(reverse("pipeline:pool_create"), {"start_year": YEAR, "end_year": YEAR - 1})
    assert response.context["pool_form"].errors["end_year"] == ["截止年度不能早于起始年度"]
    assert as_(world.city_user).post(reverse("pipeline:pool_create"), {"start_year": YEAR, "end_year": YEAR}).status_code == 403
    # members: two in, one recognised (left), one visited
    a3 = firm(world, 41, "甲三培育科技有限公司", township=world.a_town)
    a4 = firm(world, 42, "甲四培育科技有限公司", township=world.a_town2)
    for e in (world.ent_a2, a3, a4):
        services.pool_add(pool=pool, enterprise=e, actor=None, on=dt.date(YEAR, 1, 1), reason="预审接近高企条件")
    services.visit_add(enterprise=a3, actor=None, visited_on=TODAY, topic="hnte", tutor="区科技局", content="辅导研发辅助账")
    batch = services.batch_create(year=YEAR, seq=1)
    app = services.application_create(enterprise=a4, actor=None, batch=batch, on=TODAY)
    services.application_move(application=app, actor=None, status=AppStatus.RECOGNISED, on=TODAY,
                              certificate_no=f"GR{YEAR}45000077")
    other = services.pool_create(district=world.b, actor=None, start_year=YEAR, end_year=YEAR + 2, name="乙区培育库")
    services.pool_add(pool=other, enterprise=world.ent_b, actor=None, on=dt.date(YEAR, 1, 1), reason="乙区")

    response = c.get(reverse("pipeline:pools"))
    [row] = response.context["pools"]
    assert (row.n_in, row.n_entered_year, row.n_recognised, row.n_total) == (2, 3, 1, 3)
    assert "乙区培育库" not in response.content.decode()
    city = as_(world.city_user).get(reverse("pipeline:pools"))
    assert {p.name for p in city.context["pools"]} == {pool.name, "乙区培育库"}

    url = reverse("pipeline:pool_detail", kwargs={"pool_pk": pool.pk})
    response = c.get(url)
    assert set(names(response)) == {world.ent_a2.name, "甲三培育科技有限公司"}
    visits = {m.enterprise.name: m.last_visit for m in response.context["page"].object_list}
    assert visits["甲三培育科技有限公司"] == TODAY and visits[world.ent_a2.name] is None
    assert response.context["counts"]["n_in"] == 2
    assert names(c.get(url, {"state": "out"})) == ["甲四培育科技有限公司"]
    assert "认定为高新技术企业" in c.get(url, {"state": "out"}).content.decode()
    assert len(names(c.get(url, {"state": "all"}))) == 3
    assert names(c.get(url, {"state": "all", "q": "甲三"})) == ["甲三培育科技有限公司"]
    rows = xlsx_rows(c.get(reverse("pipeline:pool_export", kwargs={"pool_pk": pool.pk}), {"state": "out"}))
    assert [r[0] for r in rows[1:]] == ["甲四培育科技有限公司"] and rows[1][9] == "认定为高新技术企业"
    rows = xlsx_rows(c.get(reverse("pipeline:pool_export", kwargs={"pool_pk": pool.pk})))
    assert {r[0] for r in rows[1:]} == {world.ent_a2.name, "甲三培育科技有限公司"}
    # another district's pool is not there
    for name in ("pipeline:pool_detail", "pipeline:pool_export"):
        assert c.get(reverse(name, kwargs={"pool_pk": other.pk})).status_code == 404
    assert as_(world.city_user).get(reverse("pipeline:pool_detail", kwargs={"pool_pk": other.pk})).status_code == 200
    # pools of ended cycles are listed on request
    old = services.pool_create(district=world.a, actor=None, start_year=YEAR - 4, end_year=YEAR - 2)
    assert [p.pk for p in c.get(reverse("pipeline:pools")).context["pools"]] == [pool.pk]
    response = c.get(reverse("pipeline:pools"), {"all": "1"})
    assert [p.pk for p in response.context["pools"]] == [pool.pk, old.pk]
    assert response.context["totals"]["n_total"] == 3


# --- 科小入库 --------------------------------------------------------------------------------------------------


def xlsx_bytes(rows: list[list]) -> bytes:
    return workbook(rows)


def xlsx_upload(rows: list[list], name: str = "入库名单.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(rows))


HEAD = ["统一社会信用代码", "企业名称", "评价年度", "入库登记编号", "入库日期"]


def test_sme_list_by_year_with_counts_and_export(world):
    services.sme_record_add(enterprise=world.ent_a2, actor=None, year=YEAR, number=f"{YEAR}45010300001",
                            registered_on=dt.date(YEAR, 1, 1))
    services.sme_record_add(enterprise=world.ent_a2, actor=None, year=YEAR - 1, number=f"{YEAR - 1}45010300001",
                            registered_on=dt.date(YEAR - 1, 5, 1))
    services.sme_record_add(enterprise=world.ent_a, actor=None, year=YEAR - 1, number=f"{YEAR - 1}45010300002",
                            registered_on=dt.date(YEAR - 1, 6, 1))
    services.sme_record_add(enterprise=world.ent_b, actor=None, year=YEAR, number=f"{YEAR}45010500001",
                            registered_on=dt.date(YEAR, 1, 1))
    c = as_(world.staff)
    response = c.get(reverse("pipeline:sme_records"))
    assert response.context["year_counts"] == [(YEAR, 1), (YEAR - 1, 2)]
    assert len(names(response)) == 3 and world.ent_b.name not in response.content.decode()
    response = c.get(reverse("pipeline:sme_records"), {"year": YEAR - 1})
    assert set(names(response)) == {world.ent_a.name, world.ent_a2.name}
    assert response.context["year_counts"] == [(YEAR, 1), (YEAR - 1, 2)]  # (the year row is not narrowed by the year)
    assert names(c.get(reverse("pipeline:sme_records"), {"state": "valid"})) == [world.ent_a2.name]
    assert names(c.get(reverse("pipeline:sme_records"), {"q": f"{YEAR - 1}45010300002"})) == [world.ent_a.name]
    rows = xlsx_rows(c.get(reverse("pipeline:sme_export"), {"year": YEAR - 1}))
    assert rows[0] == ("企业名称", "统一社会信用代码", "所属区县", "所属乡镇/街道", "评价年度", "入库登记编号", "入库日期",
                       "状态", "移出日期", "移出原因")
    assert [r[0] for r in rows[1:]] == names(response) and {r[7] for r in rows[1:]} == {"年度已过"}
    city = as_(world.city_user).get(reverse("pipeline:sme_records"), {"year": YEAR})
    assert set(names(city)) == {world.ent_a2.name, world.ent_b.name}


def sme_upload(c: Client, upload: SimpleUploadedFile) -> ImportRun:
    """Upload to the engine's 科小入库名单 page: the checked run (nothing written yet)."""
    response = c.post(reverse("exchange:kind", args=["sme_records"]), {"file": upload})
    run = ImportRun.objects.filter(kind="sme_records").order_by("-pk").first()
    assert response.status_code == 302 and response["Location"] == reverse("exchange:run", args=[run.pk])
    return run


def sme_confirm(c: Client, run: ImportRun) -> ImportRun:
    assert c.post(reverse("exchange:confirm", args=[run.pk])).status_code == 302
    run.refresh_from_db()
    return run


def test_sme_import_registers_each_row_and_moves_the_stage(world):
    a3 = firm(world, 51, "甲三（南宁）科技有限公司")
    c = as_(world.staff)
    template = xlsx_rows(c.get(reverse("exchange:template", args=["sme_records"])))
    assert list(template[0]) == HEAD
    page = c.get(reverse("exchange:kind", args=["sme_records"]))
    assert page.status_code == 200 and "导入科小入库名单" in page.content.decode()
    upload = xlsx_upload([
        HEAD,
        [world.ent_a2.credit_code, world.ent_a2.name, YEAR, f"{YEAR}4501030A0001", dt.datetime(YEAR, 1, 1)],
        [a3.credit_code, "甲三(南宁)科技有限公司", f"{YEAR}年", f"{YEAR}4501030a0002", f"{YEAR}-01-01"],
    ])
    run = sme_upload(c, upload)
    assert run.status == RunStatus.READY and (run.added, run.updated, run.unchanged) == (2, 0, 0)
    text = c.get(reverse("exchange:run", args=[run.pk])).content.decode()
    assert "将新增 2、更新 0、不变 0" in text and f'href="{reverse("pipeline:sme_records")}"' in text  # 返回科小入库
    assert not TechSmeRecord.objects.exists()  # (checked, not written)
    run = sme_confirm(c, run)
    assert run.status == RunStatus.DONE and (run.added, run.updated, run.unchanged) == (2, 0, 0)
    assert TechSmeRecord.objects.filter(year=YEAR).count() == 2
    assert TechSmeRecord.objects.get(enterprise=a3).number == f"{YEAR}4501030A0002"  # (as stored: upper case)
    assert TechSmeRecord.objects.get(enterprise=a3).history.first().history_user == world.staff
    a3.refresh_from_db()
    assert a3.stage == Stage.SME and "科小入库" in a3.stage_changes.order_by("-id").first().note


def test_sme_import_is_all_or_nothing_with_row_and_column_errors(world):
    c = as_(world.staff)
    services.sme_record_add(enterprise=world.ent_a, actor=None, year=YEAR, number=f"{YEAR}4501030A0009",
                            registered_on=dt.date(YEAR, 1, 1))
    upload = xlsx_upload([
        HEAD,
        [world.ent_a2.credit_code, world.ent_a2.name, YEAR, f"{YEAR}4501030A0001", f"{YEAR}-01-01"],  # good
        ["91450103123", "某公司", YEAR, f"{YEAR}4501030A0002", f"{YEAR}-01-01"],  # bad code
        [world.ent_a2.credit_code, "错名有限公司", YEAR - 1, f"{YEAR - 1}4501030A0003", f"{YEAR - 1}-01-01"],  # name
        [world.ent_b.credit_code, world.ent_b.name, YEAR, f"{YEAR}4501050A0004", f"{YEAR}-01-01"],  # other district
        [world.ent_a.credit_code, world.ent_a.name, YEAR, f"{YEAR}4501030A0005", f"{YEAR}-01-01"],  # already this year
        [world.ent_a.credit_code, world.ent_a.name, 2010, "12", "明天"],  # year, number, date
        [world.ent_a.credit_code, world.ent_a.name, YEAR - 1, f"{YEAR}4501030A0009", f"{YEAR - 2}-03-01"],  # number taken; date
        [world.ent_a2.credit_code, world.ent_a2.name, YEAR - 2, f"{YEAR}4501030A0001", f"{YEAR - 2}-01-01"],  # number twice
    ])
    run = sme_upload(c, upload)
    assert run.status == RunStatus.FAILED
    errors = {(row, col) for row, col, _msg in run.errors}
    assert errors == {
        (3, "统一社会信用代码"), (4, "企业名称"), (5, "统一社会信用代码"), (6, "评价年度"), (7, "评价年度"),
        (7, "入库登记编号"), (7, "入库日期"), (8, "入库日期"), (9, "入库登记编号"),
    }
    messages = {(row, col): msg for row, col, msg in run.errors}
    assert "不在您辖区的企业库中" in messages[(5, "统一社会信用代码")]
    assert f"“{world.ent_a2.name}”不一致" in messages[(4, "企业名称")]
    assert f"该企业{YEAR}年的科小入库记录已登记" in messages[(6, "评价年度")]
    assert f"评价年度应在{services.SME_FIRST_YEAR}至{YEAR}之间" == messages[(7, "评价年度")]
    assert "8至32位" in messages[(7, "入库登记编号")] and "有效日期" in messages[(7, "入库日期")]
    assert "应在评价年度" in messages[(8, "入库日期")] and "与第2行的入库登记编号重复" == messages[(9, "入库登记编号")]
    text = c.get(reverse("exchange:run", args=[run.pk])).content.decode()
    assert "未导入任何数据" in text and "第5行" in text and "确认导入</button>" not in text
    assert world.ent_b.name not in messages[(5, "统一社会信用代码")]
    c.post(reverse("exchange:confirm", args=[run.pk]))
    assert TechSmeRecord.objects.count() == 1  # nothing stored
    # once the date is right, the taken number is reported against its column
    upload = xlsx_upload([HEAD, [world.ent_a.credit_code, world.ent_a.name, YEAR - 1, f"{YEAR}4501030A0009",
                                 f"{YEAR - 1}-03-01"]])
    errors = sme_upload(c, upload).errors
    assert [(r, col) for r, col, _ in errors] == [(2, "入库登记编号")] and "已被登记" in errors[0][2]


def test_sme_import_refuses_a_file_that_is_not_a_spreadsheet(world):
    c = as_(world.staff)
    for upload, expected in (
        (SimpleUploadedFile("名单.docx", b"PK\x03\x04 not a sheet"), "只支持 .xlsx、.xls 或 .csv 文件"),
        (SimpleUploadedFile("名单.xlsx", "这不是表格".encode()), "不是有效的 Excel 文件"),
        (xlsx_upload([["企业", "代码"], ["甲", "1"]]), "没有找到表头"),
        (xlsx_upload([["统一社会信用代码", "企业名称"], [world.ent_a.credit_code, world.ent_a.name]]),
         "缺少必填列：评价年度、入库登记编号、入库日期"),
    ):
        run = sme_upload(c, upload)
        assert run.status == RunStatus.FAILED
        assert any(expected in msg for _r, _c, msg in run.errors), (expected, run.errors)
    assert not TechSmeRecord.objects.exists()
    assert as_(world.city_user).get(reverse("exchange:kind", args=["sme_records"])).status_code == 403


def test_sme_reimport_of_a_registered_record_is_unchanged_and_a_different_one_is_refused(world):
    """Re-importing a list: a record already registered as written is 不变; one that differs from the stored
    record of that firm and year is an error naming the stored values (an import never changes a record)."""
    services.sme_record_add(enterprise=world.ent_a, actor=None, year=YEAR, number=f"{YEAR}4501030A0009",
                            registered_on=dt.date(YEAR, 1, 1))
    ctx = Context(user=world.staff, region=world.a)
    same = [world.ent_a.credit_code, world.ent_a.name, YEAR, f"{YEAR}4501030A0009", dt.date(YEAR, 1, 1)]
    checked = check_file(SME_RECORDS, xlsx_bytes([HEAD, same]), "名单.xlsx", ctx)
    assert checked.ok and (checked.added, checked.updated, checked.unchanged) == (0, 0, 1)
    other_date = [*same[:4], dt.date(YEAR - 1, 12, 1)]
    other_number = [*same[:3], f"{YEAR}4501030A0010", dt.date(YEAR, 1, 1)]
    checked = check_file(SME_RECORDS, xlsx_bytes([HEAD, other_number]), "名单.xlsx", Context(user=world.staff,
                                                                                             region=world.a))
    assert [(r, c) for r, c, _ in checked.errors] == [(2, "评价年度")]
    assert f"已登记的入库登记编号为{YEAR}4501030A0009" in checked.errors[0][2]
    checked = check_file(SME_RECORDS, xlsx_bytes([HEAD, other_date]), "名单.xlsx", Context(user=world.staff,
                                                                                           region=world.a))
    assert not checked.ok and TechSmeRecord.objects.count() == 1


def test_sme_template_round_trip(world):
    """The template, filled in, imports; the export of the list imports again as all unchanged."""
    a3 = firm(world, 52, "甲三科技有限公司")
    c = as_(world.staff)
    template = c.get(reverse("exchange:template", args=["sme_records"]))
    wb = openpyxl.load_workbook(io.BytesIO(template.content))
    ws = wb.worksheets[0]
    assert [cell.value for cell in ws[1]] == HEAD and str(ws["A2"].value).startswith("说明：")
    for r, values in enumerate([
        [world.ent_a2.credit_code, world.ent_a2.name, YEAR, f"{YEAR}4501030A0001", dt.date(YEAR, 1, 2)],
        [a3.credit_code, a3.name, YEAR - 1, f"{YEAR - 1}4501030A0002", dt.date(YEAR - 1, 5, 20)],
    ], start=3):
        for i, value in enumerate(values, start=1):
            ws.cell(row=r, column=i, value=value)
    buf = io.BytesIO()
    wb.save(buf)
    run = sme_confirm(c, sme_upload(c, SimpleUploadedFile("模板.xlsx", buf.getvalue())))
    assert run.status == RunStatus.DONE and (run.added, run.updated, run.unchanged) == (2, 0, 0)
    exported = c.get(reverse("exchange:export", args=["sme_records"]))
    assert exported.status_code == 200
    assert [r[:4] for r in xlsx_rows(exported)[1:]] == [
        (world.ent_a2.credit_code, world.ent_a2.name, YEAR, f"{YEAR}4501030A0001"),
        (a3.credit_code, a3.name, YEAR - 1, f"{YEAR - 1}4501030A0002"),
    ]
    run = sme_upload(c, SimpleUploadedFile("导出.xlsx", exported.content))
    assert run.status == RunStatus.READY and (run.added, run.updated, run.unchanged) == (0, 0, 2)
    run = sme_confirm(c, run)
    assert run.status == RunStatus.DONE and TechSmeRecord.objects.count() == 2


def test_the_sme_list_links_to_the_import_pages(world):
    text = as_(world.staff).get(reverse("pipeline:sme_records")).content.decode()
    assert f'href="{reverse("exchange:kind", args=["sme_records"])}"' in text and "导入入库名单" in text
    assert f'href="{reverse("exchange:template", args=["sme_records"])}"' in text
    text = as_(world.city_user).get(reverse("pipeline:sme_records")).content.decode()  # (no import permission)
    assert reverse("exchange:kind", args=["sme_records"]) not in text


def test_pool_member_counts_ignore_other_pools(world):
    """(A firm leaves one pool for the next one: it counts in the pool it is in now.)"""
    first = services.pool_create(district=world.a, actor=None, start_year=YEAR - 3, end_year=YEAR - 1)
    second = services.pool_create(district=world.a, actor=None, start_year=YEAR, end_year=YEAR + 2)
    m = services.pool_add(pool=first, enterprise=world.ent_a2, actor=None, on=dt.date(YEAR - 2, 3, 1), reason="首期")
    services.pool_exit(member=m, actor=None, on=dt.date(YEAR, 1, 1), reason="transferred")
    services.pool_add(pool=second, enterprise=world.ent_a2, actor=None, on=dt.date(YEAR, 1, 1), reason="转入")
    from keguan.pipeline.selectors import pool_list

    rows = {p.pk: p for p in pool_list(user=world.staff, today=TODAY)}
    assert (rows[first.pk].n_in, rows[first.pk].n_total) == (0, 1)
    assert (rows[second.pk].n_in, rows[second.pk].n_entered_year) == (1, 1)
    assert PoolMember.objects.count() == 2


# --- the pages the indicators' figures link to -----------------------------------------------------------------


def test_date_ranges_that_figures_link_to(world):
    batch = services.batch_create(year=YEAR, seq=1)
    a3 = firm(world, 61, "甲六一科技有限公司")
    app_a = services.application_create(enterprise=world.ent_a, actor=None, batch=batch, on=dt.date(YEAR, 1, 1))
    services.application_move(application=app_a, actor=None, status=AppStatus.SUBMITTED, on=dt.date(YEAR, 1, 1))
    services.application_create(enterprise=world.ent_a2, actor=None, batch=batch, on=dt.date(YEAR, 1, 1))
    app3 = services.application_create(enterprise=a3, actor=None, batch=batch, on=dt.date(YEAR, 1, 1))
    services.application_move(application=app3, actor=None, status=AppStatus.RECOGNISED, on=dt.date(YEAR, 1, 1),
                              certificate_no=f"GR{YEAR}45000061")
    c = as_(world.staff)
    url = reverse("pipeline:applications")
    since, until = dt.date(YEAR, 1, 1).isoformat(), dt.date(YEAR, 12, 31).isoformat()
    response = c.get(url, {"district": world.a.pk, "submitted_since": since, "submitted_until": until})
    assert set(names(response)) == {world.ent_a.name, "甲六一科技有限公司"}  # (拟申报 has handed in nothing)
    assert f"材料提交日期在{since}至{until}之间" in response.content.decode()
    assert 'name="submitted_since"' in response.content.decode()  # kept when the user narrows the list further
    response = c.get(url, {"decided_since": since, "decided_until": until, "status": "recognised"})
    assert names(response) == ["甲六一科技有限公司"]
    rows = xlsx_rows(c.get(reverse("pipeline:applications_export"), {"decided_since": since, "status": "recognised"}))
    assert [r[1] for r in rows[1:]] == ["甲六一科技有限公司"]
    # 科小 by 入库 date
    services.sme_record_add(enterprise=world.ent_a2, actor=None, year=YEAR - 1, number=f"{YEAR - 1}45010300061",
                            registered_on=dt.date(YEAR - 1, 3, 1))
    services.sme_record_add(enterprise=world.ent_a2, actor=None, year=YEAR, number=f"{YEAR}45010300061",
                            registered_on=dt.date(YEAR, 1, 1))
    response = c.get(reverse("pipeline:sme_records"), {"registered_since": since, "registered_until": until})
    assert [r.year for r in response.context["page"].object_list] == [YEAR]
    # 培育库企业 on a day, and the exits recognised within a period
    pool = services.pool_create(district=world.a, actor=None, start_year=YEAR - 1, end_year=YEAR + 1)
    m = services.pool_add(pool=pool, enterprise=world.ent_a2, actor=None, on=dt.date(YEAR - 1, 2, 1), reason="预审")
    services.pool_exit(member=m, actor=None, on=dt.date(YEAR, 1, 1), reason="recognised")
    services.pool_add(pool=pool, enterprise=world.ent_a, actor=None, on=dt.date(YEAR, 1, 1), reason="预审")
    url = reverse("pipeline:pool_members")
    assert names(as_(world.staff).get(url)) == [world.ent_a.name]  # in a pool now
    assert names(c.get(url, {"on": dt.date(YEAR - 1, 12, 31).isoformat()})) == [world.ent_a2.name]
    response = c.get(url, {"exit_reason": "recognised", "exited_since": since, "exited_until": until})
    assert names(response) == [world.ent_a2.name] and response.context["state"] == "all"
    assert "出库原因为“认定为高新技术企业”" in response.content.decode()
    rows = xlsx_rows(c.get(reverse("pipeline:pool_members_export"), {"on": dt.date(YEAR - 1, 12, 31).isoformat()}))
    assert [r[0] for r in rows[1:]] == [world.ent_a2.name]


def test_every_pipeline_figure_links_to_as_many_firms(world):
    """Each pipeline indicator counted in firms (家) links to a list holding exactly those firms."""
    from keguan.indicators import registry
    from keguan.rules.periods import Period

    batch = services.batch_create(year=YEAR, seq=1)
    pool = services.pool_create(district=world.a, actor=None, start_year=YEAR - 1, end_year=YEAR + 1)
    for i, name in enumerate(("甲七一科技有限公司", "甲七二科技有限公司", "甲七三科技有限公司")):
        e = firm(world, 71 + i, name)
        services.sme_record_add(enterprise=e, actor=None, year=YEAR, number=f"{YEAR}4501037100{i}",
                                registered_on=dt.date(YEAR, 1, 1))
        services.pool_add(pool=pool, enterprise=e, actor=None, on=dt.date(YEAR, 1, 1), reason="预审")
        app = services.application_create(enterprise=e, actor=None, batch=batch, on=dt.date(YEAR, 1, 1))
        if i:
            services.application_move(application=app, actor=None, status=AppStatus.SUBMITTED, on=dt.date(YEAR, 1, 1))
        if i == 2:
            services.application_move(application=app, actor=None, status=AppStatus.RECOGNISED, on=TODAY,
                                      certificate_no=f"GR{YEAR}45000071")
    period = Period.parse(str(YEAR))
    checked = 0
    for ind in registry.all_indicators():
        if not ind.code.startswith("pl_") or ind.records_url is None or ind.measure != "家":
            continue
        want = ind.by_district([world.a.pk], period).get(world.a.pk, 0)
        response = as_(world.staff).get(ind.records_url(world.a, period))
        assert response.status_code == 200, ind.code
        firms = {x.enterprise_id for x in response.context["page"].object_list}
        assert response.context["page"].paginator.count == len(firms) == want, (ind.code, want, firms)
        checked += 1
    assert checked >= 4


def test_visits_list_by_period_and_the_renewal_figure_links_to_its_certificates(world):
    """The summary's 辅导走访 figure lists the period's visits; its 一年内到期 figure the certificates behind it."""
    from keguan.indicators import registry
    from keguan.rules.periods import Period

    e = world.ent_a2
    for day in (dt.date(YEAR, 2, 3), dt.date(YEAR, 5, 6), dt.date(YEAR, 8, 9)):
        services.visit_add(enterprise=e, actor=world.staff, visited_on=day, topic="hnte", tutor="区科技局",
                           content=f"{day:%m}月辅导")
    period = Period.parse(f"{YEAR}H1")
    ind = registry.get("pl_visits")
    assert ind.by_district([world.a.pk], period)[world.a.pk] == 2
    page = as_(world.staff).get(ind.records_url(world.a, period))
    assert page.context["page"].paginator.count == 2
    html = page.content.decode()
    assert "02月辅导" in html and "05月辅导" in html and "08月辅导" not in html and "辅导日期" in html
    assert as_(world.outsider).get(ind.records_url(world.a, period)).context["page"].paginator.count == 0
    # a certificate valid at the period's end and expiring within a year, nobody renewing: the figure's row
    services.certificate_add(enterprise=e, actor=world.staff, number=f"GR{YEAR - 3}45000099",
                             issued_on=dt.date(YEAR - 3, 12, 1))
    exp = registry.get("pl_hnte_expiring")
    assert exp.by_district([world.a.pk], period)[world.a.pk] == 1
    listed = as_(world.staff).get(exp.records_url(world.a, period))
    assert listed.context["page"].paginator.count == 1 and "此后12个月内到期" in listed.content.decode()
