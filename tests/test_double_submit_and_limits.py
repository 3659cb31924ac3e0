"""No HTTP 500 from a form sent twice (a new firm, a new year row) or from extreme numbers and texts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from keguan.enterprises import services as enterprise_services
from keguan.enterprises.figures import MONEY_FIELDS
from keguan.enterprises.models import Enterprise, EnterpriseYear
from keguan.enterprises.services import DuplicateEnterprise, enterprise_create, year_figures_save
from keguan.exchange.engine import check_file
from keguan.exchange.kinds import Context
from keguan.indicators import registry
from keguan.indicators.exchange import C_CODE, C_NAME, TARGETS, header
from keguan.indicators.models import Target
from keguan.reports.models import ReportVersion
from tests.conftest import credit_code, workbook

THIS_YEAR = timezone.localdate().year
YEAR = THIS_YEAR - 1
FIGURES = {  # as typed in the form: money in 万元
    "employees": "80", "st_staff": "20", "sales_revenue": "3000", "total_cost": "2500",
    "rd_domestic": "150", "rd_abroad": "0", "total_assets": "4000", "net_assets": "2000",
    "hightech_income": "2000", "ip_class1": "1", "ip_class2": "3",
}


def new_firm(world, **over) -> dict:
    return {"name": "重复提交科技有限公司", "credit_code": credit_code("450103", 777), "district": world.a.pk,
            "township": world.a_town.pk, **over}


# --- a new firm sent twice ---------------------------------------------------------------------------------


def test_new_firm_posted_twice_shows_the_firm_once(world, login):
    c = login(world.staff)
    data = new_firm(world)
    first = c.post(reverse("enterprises:create"), data)
    firm = Enterprise.objects.get(credit_code=data["credit_code"])
    assert first.status_code == 302 and first.url == reverse("enterprises:detail", args=[firm.pk])
    second = c.post(reverse("enterprises:create"), data)
    assert second.status_code == 302 and second.url == first.url
    assert "该企业已登记（可能是重复提交）" in [str(m) for m in get_messages(second.wsgi_request)]
    assert Enterprise.objects.filter(credit_code=data["credit_code"]).count() == 1


def test_same_code_with_other_data_or_by_another_user_is_the_inline_duplicate_error(world, login):
    data = new_firm(world)
    login(world.staff).post(reverse("enterprises:create"), data)
    other = login(world.staff).post(reverse("enterprises:create"), {**data, "name": "另一家有限公司"})
    assert other.status_code == 200 and "同一企业不能重复录入" in other.content.decode()
    by_leader = login(world.leader).post(reverse("enterprises:create"), data)
    assert by_leader.status_code == 200 and "同一企业不能重复录入" in by_leader.content.decode()
    assert Enterprise.objects.filter(credit_code=data["credit_code"]).count() == 1


def test_an_old_firm_is_not_taken_for_a_double_submit(world, login):
    data = new_firm(world)
    c = login(world.staff)
    c.post(reverse("enterprises:create"), data)
    firm = Enterprise.objects.get(credit_code=data["credit_code"])
    firm.history.update(history_date=timezone.now() - dt.timedelta(minutes=11))
    again = c.post(reverse("enterprises:create"), data)
    assert again.status_code == 200 and "同一企业不能重复录入" in again.content.decode()


def test_a_concurrent_create_of_the_same_code_is_a_service_error_not_an_integrity_error(world, monkeypatch):
    code = credit_code("450103", 778)
    enterprise_create(actor=world.staff, name="并发一有限公司", credit_code=code, district=world.a)
    # The second request checked before the first committed: its duplicate check saw nothing.
    monkeypatch.setattr(enterprise_services.Enterprise.objects, "filter", _blind_filter(Enterprise.objects.filter))
    try:
        enterprise_create(actor=world.staff, name="并发一有限公司", credit_code=code, district=world.a)
    except DuplicateEnterprise as exc:
        assert exc.resubmitted and exc.existing.credit_code == code and exc.field == "credit_code"
    else:
        raise AssertionError("expected DuplicateEnterprise")
    monkeypatch.undo()
    assert Enterprise.objects.filter(credit_code=code).count() == 1


def _blind_filter(real):
    """Enterprise.objects.filter that finds nothing on its first call (the pre-check), then works."""
    calls = {"n": 0}

    def filter(*args, **kwargs):  # noqa: A001
        calls["n"] += 1
        return real(pk__in=[]) if calls["n"] == 1 else real(*args, **kwargs)

    return filter


# --- a new year row sent twice -----------------------------------------------------------------------------


def test_new_year_posted_twice_saves_once(world, login):
    c = login(world.staff)
    url = reverse("enterprises:year_create", args=[world.ent_a.pk])
    data = {"year": YEAR, **FIGURES}
    assert not world.ent_a.years.filter(year=YEAR).exists()
    first = c.post(url, data)
    assert first.status_code == 302
    second = c.post(url, data)
    assert second.status_code == 302 and second.url == reverse("enterprises:detail", args=[world.ent_a.pk])
    row = EnterpriseYear.objects.get(enterprise=world.ent_a, year=YEAR)
    assert row.history.count() == 1  # the second submit changed nothing
    stale = c.post(url, {**data, "employees": "90"})
    assert stale.status_code == 200
    assert f"{YEAR}年数据已存在，请在年度数据中修改" in stale.content.decode()
    row.refresh_from_db()
    assert row.employees == 80


def test_a_concurrent_new_year_row_is_not_an_integrity_error(world, monkeypatch):
    values = {k: Decimal(v) * 10000 if k in MONEY_FIELDS else int(v) for k, v in FIGURES.items()}
    year_figures_save(enterprise=world.ent_a, actor=world.staff, year=YEAR, new=True, **values)
    monkeypatch.setattr(enterprise_services, "_stored_year", lambda enterprise, year: None)
    same = year_figures_save(enterprise=world.ent_a, actor=world.staff, year=YEAR, new=True, **values)
    assert same.employees == 80
    try:
        year_figures_save(enterprise=world.ent_a, actor=world.staff, year=YEAR, new=True, **{**values, "employees": 99})
    except enterprise_services.ServiceError as exc:
        assert exc.field == "year" and "已存在" in exc.message
    else:
        raise AssertionError("expected ServiceError")
    assert EnterpriseYear.objects.get(enterprise=world.ent_a, year=YEAR).employees == 80


def test_year_figures_out_of_range_are_inline_errors(world, login):
    c = login(world.staff)
    url = reverse("enterprises:year_create", args=[world.ent_a.pk])
    big = {"year": YEAR, **FIGURES, "employees": "100000000000000000000", "st_staff": "1",
           "total_assets": "10000000000000000", "net_assets": "1"}
    r = c.post(url, big)
    assert r.status_code == 200
    html = r.content.decode()
    assert "从业人员（人）不能超过 1000 万" in html and "资产总额超出上限（约 100 万亿元），请核对金额单位" in html
    assert not world.ent_a.years.filter(year=YEAR).exists()


# --- extreme targets -----------------------------------------------------------------------------------------


def test_a_huge_target_in_the_grid_is_a_cell_error(world, login):
    c = login(world.city_user)
    key = f"t-ent_new_hnte-{world.a.pk}"
    for value in ("1e16", "10000000000000000", "1000000000001"):
        r = c.post(reverse("indicators:targets"), {"year": THIS_YEAR, key: value})
        assert r.status_code == 200 and "不能超过 1 万亿" in r.content.decode(), value
    assert not Target.objects.exists()
    assert c.post(reverse("indicators:targets"), {"year": THIS_YEAR, key: "1000000000000"}).status_code == 302


def test_a_huge_target_in_the_import_names_the_limit(world):
    ind = next(i for i in registry.all_indicators() if i.targetable)
    ctx = Context(user=world.city_user, region=world.city, params={"year": str(THIS_YEAR)})
    data = workbook([[world.a.code, "", 1e16], [world.b.code, "", 2e12]], headers=[C_CODE, C_NAME, header(ind)])
    checked = check_file(TARGETS, data, "目标.xlsx", ctx)
    messages = [m for _, _, m in checked.errors]
    assert len(messages) == 2 and all("1000000000000" in m for m in messages), messages
    assert not Target.objects.exists()


# --- a huge work-summary paragraph ------------------------------------------------------------------------


def test_a_huge_summary_paragraph_is_refused_inline(world, login):
    c = login(world.staff)
    c.post(reverse("reports:home"), {"period": str(THIS_YEAR)})
    v1 = ReportVersion.objects.get()
    url = reverse("reports:version_edit", args=[v1.pk])
    r = c.post(url, {"opening": "很长" * 100_000})
    assert r.status_code == 200
    html = r.content.decode()
    assert "每段最多 5000 字" in html and "is-invalid" in html
    assert ReportVersion.objects.count() == 1
    assert c.post(url, {"opening": "短" * 5000}).status_code == 302
