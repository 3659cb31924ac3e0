"""Enterprise registry: services (create, update, stage change, yearly figures, history) and the pages
that use them (create/edit forms, detail 变更记录, list search/filters/sorting/pagination, .xlsx export)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import IntegrityError
from django.urls import reverse

from keguan.core.errors import ServiceError
from keguan.enterprises.exports import EXPORT_HEADERS
from keguan.enterprises.history import history_entries
from keguan.enterprises.models import Enterprise, EnterpriseYear, Stage, StageChange
from keguan.enterprises.services import (
    enterprise_change_stage,
    enterprise_create,
    enterprise_update,
    label_add,
    year_figures_save,
)
from tests.conftest import DISTRICT_A, DISTRICT_B, credit_code

TODAY = dt.date.today()


def make(world, n: int, *, name: str | None = None, district=None, **kw) -> Enterprise:
    district = district or world.a
    return enterprise_create(
        actor=world.staff,
        name=name or f"测试企业{n:03d}有限公司",
        credit_code=credit_code(district.code, 100 + n),
        district=district,
        **kw,
    )


FIGURES = dict(
    employees=100,
    st_staff=20,
    sales_revenue=Decimal("30000000"),
    total_cost=Decimal("25000000"),
    rd_domestic=Decimal("1500000"),
    rd_abroad=Decimal("0"),
    total_assets=Decimal("40000000"),
    net_assets=Decimal("20000000"),
    hightech_income=Decimal("20000000"),
    ip_class1=1,
    ip_class2=3,
)


def figures(**over):
    return {**FIGURES, **over}


def year_form_data(values: dict) -> dict:
    """Year figures as typed in the form: money in 万元."""
    from keguan.enterprises.figures import MONEY_FIELDS

    return {k: str(v / 10000 if k in MONEY_FIELDS else v) for k, v in values.items()}


def form_data(e: Enterprise, **over) -> dict:
    data = {
        "name": e.name,
        "credit_code": e.credit_code,
        "legal_rep": e.legal_rep,
        "registered_on": e.registered_on.isoformat() if e.registered_on else "",
        "address": e.address,
        "district": e.district_id,
        "township": e.township_id or "",
        "industry_code": e.industry_code,
        "tech_field": e.tech_field,
        "size_class": e.size_class,
        "contact_name": e.contact_name,
        "contact_phone": e.contact_phone,
    }
    data.update(over)
    return data


def names(response) -> list[str]:
    return [e.name for e in response.context["page"].object_list]


# --- enterprise_create / enterprise_update ---------------------------------------------------------


def test_create_normalises_credit_code_and_records_first_stage(world):
    e = enterprise_create(
        actor=world.staff,
        name="规范化测试有限公司",
        credit_code=" 9144 0300 7152 6726 xg ",
        district=world.a,
        stage=Stage.SME,
        stage_since=dt.date(2022, 6, 1),
    )
    e.refresh_from_db()
    assert e.credit_code == "9144030071526726XG"
    assert e.stage == Stage.SME and e.stage_since == dt.date(2022, 6, 1)
    (first,) = e.stage_changes.all()
    assert (first.from_stage, first.to_stage, first.changed_on) == ("", Stage.SME, dt.date(2022, 6, 1))
    assert first.created_by == world.staff


def test_create_refuses_invalid_credit_code(world):
    before = Enterprise.objects.count()
    cases = [
        ("914403001922038217", "校验位错误：第18位应为 6，实际为 7"),
        ("91440300192203821O", "不允许的字符：O"),
        ("9144030019220382", "当前为16位"),
        ("", "不能为空"),
    ]
    for code, fragment in cases:
        with pytest.raises(ServiceError) as exc:
            enterprise_create(actor=world.staff, name="坏代码有限公司", credit_code=code, district=world.a)
        assert exc.value.field == "credit_code"
        assert "统一社会信用代码" in exc.value.message
        assert fragment in exc.value.message
    assert Enterprise.objects.count() == before
    assert not StageChange.objects.filter(enterprise__name="坏代码有限公司").exists()


def test_create_refuses_duplicate_credit_code_naming_the_other_firm(world):
    code = world.ent_a.credit_code
    for variant in (code, code.lower() + " ", " ".join(code), code.replace("9", "９")):
        with pytest.raises(ServiceError) as exc:
            enterprise_create(
                actor=world.staff, name="重复录入有限公司", credit_code=variant, district=world.a
            )
        assert exc.value.field == "credit_code"
        assert "青秀测试科技有限公司" in exc.value.message
        assert code in exc.value.message and "重复" in exc.value.message
    assert not Enterprise.objects.filter(name="重复录入有限公司").exists()


def test_duplicate_across_districts_is_still_refused(world):
    # the other firm is in district B, outside the actor's scope: still a duplicate
    with pytest.raises(ServiceError) as exc:
        enterprise_create(
            actor=world.staff, name="跨区重复有限公司", credit_code=world.ent_b.credit_code, district=world.a
        )
    assert "江南邻区机械有限公司" in exc.value.message


def test_update_refuses_other_firms_credit_code_but_keeps_its_own(world):
    with pytest.raises(ServiceError) as exc:
        enterprise_update(enterprise=world.ent_a2, actor=world.staff, credit_code=world.ent_a.credit_code)
    assert exc.value.field == "credit_code"
    assert world.ent_a.name in exc.value.message
    world.ent_a2.refresh_from_db()
    assert world.ent_a2.credit_code == credit_code(DISTRICT_A, 2)
    # its own code (even typed in lower case with spaces) is fine
    enterprise_update(
        enterprise=world.ent_a, actor=world.staff, credit_code=" " + world.ent_a.credit_code.lower()
    )
    world.ent_a.refresh_from_db()
    assert world.ent_a.credit_code == credit_code(DISTRICT_A, 1)


def test_create_refuses_township_outside_district(world):
    with pytest.raises(ServiceError) as exc:
        enterprise_create(
            actor=world.staff,
            name="错乡镇有限公司",
            credit_code=credit_code(DISTRICT_A, 50),
            district=world.a,
            township=world.b_town,
        )
    assert exc.value.field == "township"
    assert world.b_town.name in exc.value.message
    assert "不属于" in exc.value.message and "青秀区" in exc.value.message
    assert not Enterprise.objects.filter(name="错乡镇有限公司").exists()


def test_update_refuses_township_outside_district(world):
    with pytest.raises(ServiceError) as exc:
        enterprise_update(enterprise=world.ent_a, actor=world.staff, township=world.b_town)
    assert exc.value.field == "township"
    # moving the district away from the kept township is refused too
    with pytest.raises(ServiceError) as exc:
        enterprise_update(enterprise=world.ent_a, actor=world.staff, district=world.b)
    assert exc.value.field == "township"
    assert "江南区" in exc.value.message
    world.ent_a.refresh_from_db()
    assert world.ent_a.district == world.a and world.ent_a.township == world.a_town
    # moving both together is fine
    enterprise_update(enterprise=world.ent_a, actor=world.staff, district=world.b, township=world.b_town)
    world.ent_a.refresh_from_db()
    assert world.ent_a.district == world.b


def test_township_must_be_a_township_and_district_a_district(world):
    with pytest.raises(ServiceError) as exc:
        enterprise_update(enterprise=world.ent_a, actor=world.staff, township=world.a)
    assert exc.value.field == "township"
    with pytest.raises(ServiceError) as exc:
        enterprise_update(enterprise=world.ent_a, actor=world.staff, district=world.city, township=None)
    assert exc.value.field == "district"
    assert "区/县" in exc.value.message


def test_phone_is_normalised(world):
    for raw, stored in [
        ("+86 139 0000 0009", "13900000009"),
        ("0771 5551234", "07715551234"),
        ("0771－5551234", "0771-5551234"),
    ]:
        enterprise_update(enterprise=world.ent_a, actor=world.staff, contact_phone=raw)
        world.ent_a.refresh_from_db()
        assert world.ent_a.contact_phone == stored
    e = make(world, 9, contact_phone="+86-771-5551234")
    assert e.contact_phone == "0771-5551234"


def test_bad_phone_is_refused(world):
    for bad in ["12345", "1380000000", "0771-55"]:
        with pytest.raises(ServiceError) as exc:
            enterprise_update(enterprise=world.ent_a, actor=world.staff, contact_phone=bad)
        assert exc.value.field == "contact_phone"
        assert (
            "联系电话" in exc.value.message and bad in exc.value.message and "格式不正确" in exc.value.message
        )
        world.ent_a.refresh_from_db()
        assert world.ent_a.contact_phone == "13800000001"
    with pytest.raises(ServiceError) as exc:
        make(world, 9, contact_phone="555")
    assert exc.value.field == "contact_phone"


def test_future_registration_date_is_refused(world):
    with pytest.raises(ServiceError) as exc:
        enterprise_update(
            enterprise=world.ent_a, actor=world.staff, registered_on=TODAY + dt.timedelta(days=1)
        )
    assert exc.value.field == "registered_on"
    assert "注册日期" in exc.value.message


def test_unknown_fields_are_a_programming_error(world):
    with pytest.raises(TypeError):
        enterprise_update(enterprise=world.ent_a, actor=world.staff, stage=Stage.LEADER)


# --- stage changes ---------------------------------------------------------------------------------


@pytest.fixture
def old_firm(world):
    return make(world, 1, stage=Stage.ATTRACTED, stage_since=dt.date(2020, 1, 10))


def test_stage_change_records_from_to_and_date(world, old_firm):
    change = enterprise_change_stage(
        enterprise=old_firm, actor=world.staff, stage=Stage.SME, on=dt.date(2021, 5, 1), note="入库登记"
    )
    assert (change.from_stage, change.to_stage, change.changed_on) == (
        Stage.ATTRACTED,
        Stage.SME,
        dt.date(2021, 5, 1),
    )
    assert change.created_by == world.staff and change.note == "入库登记"
    old_firm.refresh_from_db()
    assert old_firm.stage == Stage.SME and old_firm.stage_since == dt.date(2021, 5, 1)
    enterprise_change_stage(enterprise=old_firm, actor=world.leader, stage=Stage.HNTE, on=dt.date(2021, 5, 1))
    timeline = list(old_firm.stage_changes.order_by("changed_on", "id").values_list("from_stage", "to_stage"))
    assert timeline == [("", Stage.ATTRACTED), (Stage.ATTRACTED, Stage.SME), (Stage.SME, Stage.HNTE)]


def test_stage_change_refuses_date_before_last_change(world, old_firm):
    enterprise_change_stage(enterprise=old_firm, actor=world.staff, stage=Stage.SME, on=dt.date(2021, 5, 1))
    with pytest.raises(ServiceError) as exc:
        enterprise_change_stage(
            enterprise=old_firm, actor=world.staff, stage=Stage.POOL, on=dt.date(2021, 4, 30)
        )
    assert exc.value.field == "on"
    assert "2021-05-01" in exc.value.message and "不能早于" in exc.value.message
    old_firm.refresh_from_db()
    assert old_firm.stage == Stage.SME
    assert old_firm.stage_changes.count() == 2


def test_stage_change_refuses_date_before_creation_entry(world, old_firm):
    with pytest.raises(ServiceError) as exc:
        enterprise_change_stage(
            enterprise=old_firm, actor=world.staff, stage=Stage.SME, on=dt.date(2019, 12, 31)
        )
    assert "2020-01-10" in exc.value.message


def test_stage_change_refuses_future_date(world, old_firm):
    with pytest.raises(ServiceError) as exc:
        enterprise_change_stage(
            enterprise=old_firm, actor=world.staff, stage=Stage.SME, on=TODAY + dt.timedelta(days=1)
        )
    assert exc.value.field == "on"
    assert "晚于今天" in exc.value.message
    assert old_firm.stage_changes.count() == 1
    # today itself is fine
    enterprise_change_stage(enterprise=old_firm, actor=world.staff, stage=Stage.SME, on=TODAY)
    assert old_firm.stage_changes.count() == 2


def test_stage_change_refuses_same_or_unknown_stage(world, old_firm):
    with pytest.raises(ServiceError) as exc:
        enterprise_change_stage(enterprise=old_firm, actor=world.staff, stage=Stage.ATTRACTED, on=TODAY)
    assert "招引企业" in exc.value.message
    with pytest.raises(ServiceError) as exc:
        enterprise_change_stage(enterprise=old_firm, actor=world.staff, stage="unicorn", on=TODAY)
    assert exc.value.field == "stage"
    assert old_firm.stage_changes.count() == 1


def test_stage_change_view_shows_refusal_and_timeline(world, login, old_firm):
    c = login(world.staff)
    url = reverse("enterprises:stage_change", args=[old_firm.pk])
    r = c.post(url, {"stage": Stage.SME, "on": "2019-01-01", "note": ""}, follow=True)
    assert "阶段变更未保存" in r.content.decode() and "不能早于" in r.content.decode()
    r = c.post(url, {"stage": Stage.SME, "on": "2021-03-02", "note": "评价入库"}, follow=True)
    html = r.content.decode()
    assert "2021-03-02" in html and "评价入库" in html
    old_firm.refresh_from_db()
    assert old_firm.stage == Stage.SME
    # township liaison may not change stages
    assert login(world.town).post(url, {"stage": Stage.POOL, "on": "2021-04-01"}).status_code == 403


# --- yearly figures --------------------------------------------------------------------------------


def test_year_figures_save_creates_and_updates(world):
    row = year_figures_save(enterprise=world.ent_a, actor=world.staff, year=2023, **figures())
    assert row.pk and row.rd_total == Decimal("1500000")
    year_figures_save(enterprise=world.ent_a, actor=world.staff, year=2023, **figures(employees=120))
    assert EnterpriseYear.objects.filter(enterprise=world.ent_a, year=2023).count() == 1
    assert EnterpriseYear.objects.get(enterprise=world.ent_a, year=2023).employees == 120


def test_st_staff_more_than_employees_is_refused(world):
    with pytest.raises(ServiceError) as exc:
        year_figures_save(
            enterprise=world.ent_a, actor=world.staff, year=2023, **figures(employees=10, st_staff=11)
        )
    assert exc.value.field == "st_staff"
    assert "科技人员" in exc.value.message and "11" in exc.value.message and "10" in exc.value.message
    assert not EnterpriseYear.objects.filter(enterprise=world.ent_a, year=2023).exists()
    # equal is fine
    year_figures_save(
        enterprise=world.ent_a, actor=world.staff, year=2023, **figures(employees=10, st_staff=10)
    )


def test_negative_amounts_are_refused(world):
    cases = [
        ("sales_revenue", "销售收入"),
        ("total_cost", "成本费用总额"),
        ("rd_domestic", "境内研发费用"),
        ("rd_abroad", "境外研发费用"),
        ("total_assets", "资产总额"),
        ("hightech_income", "高新技术产品"),
    ]
    for field, label in cases:
        with pytest.raises(ServiceError) as exc:
            year_figures_save(
                enterprise=world.ent_a, actor=world.staff, year=2023, **figures(**{field: Decimal("-0.01")})
            )
        assert exc.value.field == field
        assert label in exc.value.message and "不能为负数" in exc.value.message
    assert not EnterpriseYear.objects.filter(enterprise=world.ent_a, year=2023).exists()


def test_negative_net_assets_are_allowed(world):
    row = year_figures_save(
        enterprise=world.ent_a, actor=world.staff, year=2023, **figures(net_assets=Decimal("-500000"))
    )
    row.refresh_from_db()
    assert row.net_assets == Decimal("-500000")


def test_rd_more_than_total_cost_is_refused(world):
    with pytest.raises(ServiceError) as exc:
        year_figures_save(
            enterprise=world.ent_a,
            actor=world.staff,
            year=2023,
            **figures(
                total_cost=Decimal("1000000"), rd_domestic=Decimal("600000"), rd_abroad=Decimal("400001")
            ),
        )
    assert exc.value.field == "rd_domestic"
    assert "研发费用" in exc.value.message and "成本费用总额" in exc.value.message
    # exactly equal is fine
    year_figures_save(
        enterprise=world.ent_a,
        actor=world.staff,
        year=2023,
        **figures(total_cost=Decimal("1000000"), rd_domestic=Decimal("600000"), rd_abroad=Decimal("400000")),
    )


def test_net_assets_more_than_total_assets_is_refused(world):
    with pytest.raises(ServiceError) as exc:
        year_figures_save(
            enterprise=world.ent_a,
            actor=world.staff,
            year=2023,
            **figures(total_assets=Decimal("100"), net_assets=Decimal("100.01")),
        )
    assert exc.value.field == "net_assets"
    assert "净资产" in exc.value.message and "资产总额" in exc.value.message


def test_hightech_income_more_than_sales_is_refused(world):
    with pytest.raises(ServiceError) as exc:
        year_figures_save(
            enterprise=world.ent_a,
            actor=world.staff,
            year=2023,
            **figures(sales_revenue=Decimal("100"), hightech_income=Decimal("101")),
        )
    assert exc.value.field == "hightech_income"


def test_year_out_of_range_is_refused(world):
    for year in (1989, TODAY.year + 1):
        with pytest.raises(ServiceError) as exc:
            year_figures_save(enterprise=world.ent_a, actor=world.staff, year=year, **figures())
        assert exc.value.field == "year"
        assert "1990" in exc.value.message and str(TODAY.year) in exc.value.message


def test_partial_update_is_checked_against_the_stored_figures(world):
    # the stored 2024 row has employees=100, total_cost=25,000,000, total_assets=40,000,000
    with pytest.raises(ServiceError) as exc:
        year_figures_save(enterprise=world.ent_a, actor=world.staff, year=2024, st_staff=101)
    assert exc.value.field == "st_staff"
    with pytest.raises(ServiceError) as exc:
        year_figures_save(
            enterprise=world.ent_a, actor=world.staff, year=2024, rd_domestic=Decimal("25000001")
        )
    assert exc.value.field == "rd_domestic"
    with pytest.raises(ServiceError) as exc:
        year_figures_save(
            enterprise=world.ent_a, actor=world.staff, year=2024, net_assets=Decimal("40000001")
        )
    assert exc.value.field == "net_assets"
    row = EnterpriseYear.objects.get(enterprise=world.ent_a, year=2024)
    assert (row.st_staff, row.rd_domestic, row.net_assets) == (20, Decimal("1500000"), Decimal("20000000"))
    # a consistent partial update goes through
    year_figures_save(enterprise=world.ent_a, actor=world.staff, year=2024, st_staff=30)
    row.refresh_from_db()
    assert row.st_staff == 30 and row.employees == 100


def test_database_also_refuses_st_staff_over_employees(world):
    row = EnterpriseYear.objects.get(enterprise=world.ent_a, year=2024)
    row.st_staff = row.employees + 1
    with pytest.raises(IntegrityError):
        row.save()


# --- history ---------------------------------------------------------------------------------------


def test_update_history_records_actor_and_old_new_values(world):
    enterprise_update(
        enterprise=world.ent_a,
        actor=world.staff,
        name="青秀测试科技集团有限公司",
        township=world.a_town2,
        contact_phone="13900000009",
        tech_field="bio",
    )
    record = world.ent_a.history.order_by("-history_date", "-history_id").first()
    assert record.history_user == world.staff
    assert record.history_type == "~"
    assert record.history_change_reason == "修改企业信息"

    latest = history_entries(world.ent_a)[0]
    assert latest.who == world.staff.display_name
    assert latest.action == "修改" and latest.subject == "企业信息"
    changes = {c.field: (c.old, c.new) for c in latest.changes}
    assert changes["企业名称"] == ("青秀测试科技有限公司", "青秀测试科技集团有限公司")
    assert changes["所属乡镇/街道"] == (world.a_town.name, world.a_town2.name)
    assert changes["高新技术领域"] == ("电子信息", "生物与新医药")
    # phones are shown masked
    assert changes["联系电话"] == ("138****0001", "139****0009")
    # unchanged fields and the derived industry section are not listed
    assert "统一社会信用代码" not in changes and "行业门类" not in changes


def test_noop_update_writes_no_history(world):
    before = world.ent_a.history.count()
    enterprise_update(
        enterprise=world.ent_a, actor=world.staff, name=world.ent_a.name, contact_phone="+8613800000001"
    )
    assert world.ent_a.history.count() == before


def test_creation_and_stage_change_history(world, old_firm):
    enterprise_change_stage(
        enterprise=old_firm, actor=world.leader, stage=Stage.SME, on=TODAY, note="评价入库"
    )
    entries = history_entries(old_firm)
    assert [e.action for e in entries] == ["修改", "新建"]
    assert entries[1].who == world.staff.display_name
    assert entries[0].who == world.leader.display_name
    assert entries[0].reason == "培育阶段变更：评价入库"
    changes = {c.field: (c.old, c.new) for c in entries[0].changes}
    assert changes["培育阶段"] == ("招引企业", "科技型中小企业")


def test_year_figures_history(world):
    year_figures_save(enterprise=world.ent_a, actor=world.ent_user, year=2024, **figures(employees=150))
    entry = history_entries(world.ent_a)[0]
    assert entry.subject == "2024年度数据"
    assert entry.who == world.ent_user.display_name
    assert entry.reason == "修改年度数据"
    assert {c.field: (c.old, c.new) for c in entry.changes} == {"从业人员（人）": ("100", "150")}


def test_label_history(world):
    label_add(enterprise=world.ent_a2, actor=world.staff, kind="srdi", level="provincial", year=2024)
    entry = history_entries(world.ent_a2)[0]
    assert entry.subject == "称号：2024年专精特新" and entry.action == "新建" and entry.who == "staff"


# --- create / edit pages ---------------------------------------------------------------------------


def test_create_form_with_bad_credit_code_shows_inline_error_and_creates_nothing(world, login):
    c = login(world.staff)
    before = Enterprise.objects.count()
    data = {"name": "页面新建有限公司", "credit_code": "914403001922038217", "district": world.a.pk}
    r = c.post(reverse("enterprises:create"), data)
    assert r.status_code == 200
    html = r.content.decode()
    assert "统一社会信用代码校验位错误：第18位应为 6，实际为 7" in html
    assert "invalid-feedback" in html
    assert r.context["form"].errors["credit_code"]
    assert Enterprise.objects.count() == before


def test_create_form_duplicate_shows_other_firm(world, login):
    r = login(world.staff).post(
        reverse("enterprises:create"),
        {"name": "页面重复有限公司", "credit_code": world.ent_a2.credit_code, "district": world.a.pk},
    )
    assert r.status_code == 200
    assert "“青秀第二材料有限公司”使用" in r.content.decode()
    assert not Enterprise.objects.filter(name="页面重复有限公司").exists()


def test_create_form_saves_and_records_actor(world, login):
    r = login(world.staff).post(
        reverse("enterprises:create"),
        {
            "name": "页面新建有限公司",
            "credit_code": "９１４４０３００１９２２０３８２１６",
            "district": world.a.pk,
            "township": world.a_town.pk,
            "industry_code": "65",
            "contact_phone": "0771-5551234",
        },
    )
    e = Enterprise.objects.get(name="页面新建有限公司")
    assert r.status_code == 302 and r["Location"] == reverse("enterprises:detail", args=[e.pk])
    assert e.credit_code == "914403001922038216" and e.industry_section == "I"
    assert e.history.first().history_user == world.staff


def test_only_district_editors_get_the_create_page(world, client):
    data = {"name": "越权有限公司", "credit_code": credit_code(DISTRICT_A, 60), "district": world.a.pk}
    for user in (world.town, world.city_user, world.expert, world.ent_user):
        client.force_login(user)
        assert client.get(reverse("enterprises:create")).status_code == 403, user.role
        assert client.post(reverse("enterprises:create"), data).status_code == 403, user.role
    assert not Enterprise.objects.filter(name="越权有限公司").exists()
    client.force_login(world.leader)
    assert client.get(reverse("enterprises:create")).status_code == 200


def test_edit_form_saves_and_change_shows_in_history_on_detail(world, login):
    c = login(world.staff)
    r = c.post(
        reverse("enterprises:edit", args=[world.ent_a.pk]),
        form_data(world.ent_a, name="青秀测试科技股份有限公司", legal_rep="李四"),
    )
    assert r.status_code == 302
    world.ent_a.refresh_from_db()
    assert world.ent_a.name == "青秀测试科技股份有限公司" and world.ent_a.legal_rep == "李四"
    html = c.get(reverse("enterprises:detail", args=[world.ent_a.pk])).content.decode()
    history = html[html.index('id="history"') :]
    assert "变更记录" in history
    assert "企业名称：<del>青秀测试科技有限公司</del> → <ins>青秀测试科技股份有限公司</ins>" in history
    assert "法定代表人：<del>（空）</del> → <ins>李四</ins>" in history
    assert "<td>staff</td>" in history


def test_edit_form_refuses_bad_phone_inline(world, login):
    r = login(world.staff).post(
        reverse("enterprises:edit", args=[world.ent_a.pk]),
        form_data(world.ent_a, name="不该保存", contact_phone="555"),
    )
    assert r.status_code == 200
    assert "联系电话“555”格式不正确" in r.content.decode()
    world.ent_a.refresh_from_db()
    assert world.ent_a.name == "青秀测试科技有限公司"


def test_enterprise_user_edits_own_firm_but_not_code_or_district(world, login):
    c = login(world.ent_user)
    url = reverse("enterprises:edit", args=[world.ent_a.pk])
    r = c.get(url)
    assert r.status_code == 200
    form = r.context["form"]
    assert form.fields["credit_code"].disabled and form.fields["district"].disabled
    assert not form.fields["name"].disabled
    html = r.content.decode()
    assert 'name="credit_code"' in html
    credit_input = html[html.index('name="credit_code"') - 200 : html.index('name="credit_code"') + 200]
    assert "disabled" in credit_input
    r = c.post(
        url,
        form_data(
            world.ent_a,
            contact_name="王五",
            credit_code=credit_code(DISTRICT_A, 77),
            district=world.b.pk,
            township=world.a_town.pk,
        ),
    )
    assert r.status_code == 302
    world.ent_a.refresh_from_db()
    assert world.ent_a.contact_name == "王五"
    assert world.ent_a.credit_code == credit_code(DISTRICT_A, 1)
    assert world.ent_a.district == world.a
    assert history_entries(world.ent_a)[0].who == world.ent_user.display_name


def test_enterprise_user_cannot_edit_another_firm(world, login):
    c = login(world.ent_user)
    assert c.get(reverse("enterprises:edit", args=[world.ent_a2.pk])).status_code == 404
    assert (
        c.post(
            reverse("enterprises:edit", args=[world.ent_a2.pk]), form_data(world.ent_a2, name="被改名")
        ).status_code
        == 404
    )
    world.ent_a2.refresh_from_db()
    assert world.ent_a2.name == "青秀第二材料有限公司"


def test_read_only_roles_get_403_on_edit_in_scope(world, client):
    url = reverse("enterprises:edit", args=[world.ent_a.pk])
    for user in (world.town, world.city_user, world.expert):
        client.force_login(user)
        # the firm is in the user's scope (the detail page opens) but the user may only read it
        assert client.get(reverse("enterprises:detail", args=[world.ent_a.pk])).status_code == 200
        assert client.get(url).status_code == 403, user.role
        assert client.post(url, form_data(world.ent_a, name="越权改名")).status_code == 403, user.role
    world.ent_a.refresh_from_db()
    assert world.ent_a.name == "青秀测试科技有限公司"


def test_sibling_district_staff_gets_404_on_edit(world, login):
    c = login(world.outsider)
    assert c.get(reverse("enterprises:edit", args=[world.ent_a.pk])).status_code == 404
    assert (
        c.post(reverse("enterprises:edit", args=[world.ent_a.pk]), form_data(world.ent_a)).status_code == 404
    )


def test_year_form_shows_cross_field_errors_and_saves(world, login):
    c = login(world.ent_user)
    url = reverse("enterprises:year_create", args=[world.ent_a.pk])
    data = {"year": 2023, **year_form_data(figures(employees=10, st_staff=12))}
    r = c.post(url, data)
    assert r.status_code == 200
    assert "科技人员（12人）不能多于从业人员（10人）" in r.content.decode()
    assert not EnterpriseYear.objects.filter(enterprise=world.ent_a, year=2023).exists()
    r = c.post(url, {**data, "year": 2024, "st_staff": 5})
    assert r.status_code == 200 and "2024年数据已存在" in r.content.decode()
    r = c.post(url, {**data, "st_staff": 5})
    assert r.status_code == 302
    row = EnterpriseYear.objects.get(enterprise=world.ent_a, year=2023)
    assert (row.employees, row.st_staff) == (10, 5)
    assert row.history.first().history_user == world.ent_user
    # another firm's figures are out of reach
    assert c.post(reverse("enterprises:year_create", args=[world.ent_a2.pk]), data).status_code == 404


def test_year_form_takes_money_in_wan_and_questions_a_unit_slip(world, login):
    c = login(world.staff)
    url = reverse("enterprises:year_create", args=[world.ent_a.pk])
    data = {"year": 2023, **year_form_data(figures(employees=50)), "sales_revenue": "0.32", "hightech_income": "0"}
    page = c.get(url).content.decode()
    assert "销售收入（万元）" in page and "金额单位：万元" in page
    # 50 staff and 0.32 万元 of sales: most likely 元 typed as 万元 — asked, not saved
    r = c.post(url, data)
    html = r.content.decode()
    assert r.status_code == 200 and "销售收入却不足 1 万元" in html and "请确认金额单位是万元" in html
    assert not world.ent_a.years.filter(year=2023).exists()
    # the clerk corrects it to 3200 万元: saved as 32,000,000 元 and shown as 3,200.00 万元 on the firm's page
    r = c.post(url, {**data, "sales_revenue": "3200"})
    assert r.status_code == 302
    row = world.ent_a.years.get(year=2023)
    assert row.sales_revenue == Decimal("32000000.00")
    assert "3,200.00" in c.get(reverse("enterprises:detail", args=[world.ent_a.pk])).content.decode()
    # the edit form shows the stored amount in 万元 again, exact to the fen
    year_figures_save(enterprise=world.ent_a, actor=world.staff, year=2023, version=row.version,
                      total_cost=Decimal("12345678.91"))
    edit = c.get(reverse("enterprises:year_edit", args=[world.ent_a.pk, 2023])).content.decode()
    assert 'value="3200.00"' in edit and 'value="1234.567891"' in edit
    # a figure the user confirms is saved as typed
    r = c.post(reverse("enterprises:year_edit", args=[world.ent_a.pk, 2023]),
               {**data, "year": 2023, "version": row.version + 1, "confirm_unusual": "on"})
    assert r.status_code == 302 and world.ent_a.years.get(year=2023).sales_revenue == Decimal("3200.00")


# --- list: search, filters, sorting, pagination ----------------------------------------------------


def list_names(client, **params) -> list[str]:
    r = client.get(reverse("enterprises:list"), params)
    assert r.status_code == 200
    return names(r)


def test_list_is_scoped_and_default_sorted_by_name(world, login):
    c = login(world.staff)
    got = list_names(c)
    assert set(got) == {"青秀测试科技有限公司", "青秀第二材料有限公司"}
    assert "江南邻区机械有限公司" not in got
    assert list_names(login(world.outsider)) == ["江南邻区机械有限公司"]


def test_list_search_by_name(world, login):
    c = login(world.staff)
    assert list_names(c, q="第二材料") == ["青秀第二材料有限公司"]
    assert set(list_names(c, q="有限公司")) == {"青秀测试科技有限公司", "青秀第二材料有限公司"}
    assert list_names(c, q="邻区机械") == []  # B's firm stays invisible


def test_list_search_by_credit_code_prefix(world, login):
    c = login(world.staff)
    code2 = credit_code(DISTRICT_A, 2)
    assert list_names(c, q=code2[:16]) == ["青秀第二材料有限公司"]
    assert list_names(c, q=code2) == ["青秀第二材料有限公司"]
    assert list_names(c, q=" ".join(code2[:16])) == ["青秀第二材料有限公司"]  # blanks are ignored
    assert set(list_names(c, q="91450103")) == {"青秀测试科技有限公司", "青秀第二材料有限公司"}
    assert list_names(c, q=credit_code(DISTRICT_B, 3)) == []
    # a code's middle is not a prefix
    assert list_names(c, q=code2[4:16]) == []


def test_list_search_by_lowercase_credit_code(world, login):
    e = enterprise_create(
        actor=world.staff, name="字母代码有限公司", credit_code="9144030071526726XG", district=world.a
    )
    assert list_names(login(world.staff), q="9144030071526726xg") == [e.name]


@pytest.fixture
def varied(world):
    """District A: ent_a (a_town, 高企, C39, 电子信息), ent_a2 (a_town2, 科小, C30, 新材料) and one more."""
    soft = make(
        world,
        5,
        name="青秀软件服务有限公司",
        township=world.a_town,
        industry_code="65",
        tech_field="services",
        stage=Stage.POOL,
        registered_on=dt.date(2010, 1, 1),
    )
    label_add(enterprise=world.ent_a2, actor=world.staff, kind="srdi", level="provincial", year=2024)
    label_add(enterprise=soft, actor=world.staff, kind="above_size", level="none", year=2023)
    return soft


A1, A2, SOFT = "青秀测试科技有限公司", "青秀第二材料有限公司", "青秀软件服务有限公司"


def test_list_filter_township(world, login, varied):
    c = login(world.staff)
    assert set(list_names(c, township=world.a_town.pk)) == {A1, SOFT}
    assert list_names(c, township=world.a_town2.pk) == [A2]


def test_list_filter_stage(world, login, varied):
    c = login(world.staff)
    for stage, expected in [(Stage.HNTE, [A1]), (Stage.SME, [A2]), (Stage.POOL, [SOFT]), (Stage.LEADER, [])]:
        assert list_names(c, stage=stage) == expected, stage


def test_list_filter_industry_section_and_division(world, login, varied):
    c = login(world.staff)
    for industry, expected in [
        ("C", {A1, A2}),
        ("I", {SOFT}),
        ("39", {A1}),
        ("30", {A2}),
        ("65", {SOFT}),
        ("A", set()),
        ("34", set()),
    ]:
        assert set(list_names(c, industry=industry)) == expected, industry


def test_list_filter_label(world, login, varied):
    c = login(world.staff)
    for label, expected in [("srdi", [A2]), ("above_size", [SOFT]), ("little_giant", [])]:
        assert list_names(c, label=label) == expected, label


def test_list_filter_tech_field(world, login, varied):
    c = login(world.staff)
    for field, expected in [("electronic", [A1]), ("materials", [A2]), ("services", [SOFT]), ("bio", [])]:
        assert list_names(c, tech_field=field) == expected, field


def test_list_filters_combine(world, login, varied):
    c = login(world.staff)
    assert list_names(c, township=world.a_town.pk, industry="C") == ["青秀测试科技有限公司"]
    assert list_names(c, township=world.a_town.pk, stage=Stage.SME) == []
    assert list_names(c, q="软件", label="above_size") == ["青秀软件服务有限公司"]


def test_city_user_filters_by_district(world, login):
    c = login(world.city_user)
    assert list_names(c, district=world.b.pk) == ["江南邻区机械有限公司"]
    assert set(list_names(c, district=world.a.pk)) == {"青秀测试科技有限公司", "青秀第二材料有限公司"}


def test_township_liaison_list_only_own_township(world, login):
    assert list_names(login(world.town)) == ["青秀测试科技有限公司"]


@pytest.fixture
def sortable(world):
    made = [
        make(world, 11, name="排序样本C", registered_on=dt.date(2012, 1, 1), stage=Stage.HNTE),
        make(world, 12, name="排序样本A", registered_on=dt.date(2018, 1, 1), stage=Stage.ATTRACTED),
        make(world, 13, name="排序样本B", registered_on=dt.date(2015, 1, 1), stage=Stage.SME),
        make(world, 14, name="排序样本D", registered_on=dt.date(2010, 1, 1), stage=Stage.LEADER),
        make(world, 15, name="排序样本E", registered_on=dt.date(2020, 1, 1), stage=Stage.POOL),
    ]
    return made


def test_list_sorting(world, login, sortable):
    c = login(world.staff)
    cases = [
        ("", "ABCDE"),
        ("name", "ABCDE"),
        ("-name", "EDCBA"),
        ("registered_on", "DCBAE"),
        ("-registered_on", "EABCD"),
        # the pipeline order: 招引 → 科小 → 培育库 → 高企 → 领军
        ("stage", "ABECD"),
    ]
    for sort, expected in cases:
        got = list_names(c, q="排序样本", sort=sort)
        assert "".join(n[-1] for n in got) == expected, sort
    enterprise_update(enterprise=sortable[2], actor=world.staff, legal_rep="改过")  # B
    assert list_names(c, q="排序样本", sort="-updated_at")[0] == "排序样本B"


def test_list_pagination(world, login):
    for n in range(25):
        make(world, 20 + n, name=f"分页企业{n:02d}有限公司")
    c = login(world.staff)
    r1 = c.get(reverse("enterprises:list"), {"q": "分页企业"})
    r2 = c.get(reverse("enterprises:list"), {"q": "分页企业", "page": 2})
    p1, p2 = names(r1), names(r2)
    assert len(p1) == 20 and len(p2) == 5
    assert not set(p1) & set(p2)
    assert sorted(p1 + p2) == [f"分页企业{n:02d}有限公司" for n in range(25)]
    assert r1.context["page"].paginator.count == 25
    html = r1.content.decode()
    assert "共 25 条，第 1 / 2 页" in html
    # page links keep the filter
    assert "?q=%E5%88%86%E9%A1%B5%E4%BC%81%E4%B8%9A&page=2" in html
    # out-of-range and junk page numbers do not fail
    assert names(c.get(reverse("enterprises:list"), {"q": "分页企业", "page": 99})) == p2
    assert names(c.get(reverse("enterprises:list"), {"q": "分页企业", "page": "abc"})) == p1


def test_enterprise_user_is_sent_to_its_own_firm(world, login):
    c = login(world.ent_user)
    r = c.get(reverse("enterprises:list"))
    assert r.status_code == 302
    r = c.get(r["Location"])
    assert r["Location"] == reverse("enterprises:detail", args=[world.ent_a.pk])
    assert c.get(reverse("enterprises:export")).status_code == 403  # exports are a permission of their own


# --- export ----------------------------------------------------------------------------------------


def export_names(client, **params) -> list[str]:
    r = client.get(reverse("enterprises:export"), params)
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert ".xlsx" in r["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(r.content), read_only=True)
    ws = wb["企业名录"]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == EXPORT_HEADERS
    return [row[0] for row in rows[1:]]


def test_export_returns_exactly_the_filtered_rows(world, login, varied):
    c = login(world.staff)
    cases = [
        ({}, [A2, A1, SOFT]),
        ({"q": "软件"}, [SOFT]),
        ({"q": credit_code(DISTRICT_A, 2)[:16]}, [A2]),
        ({"stage": Stage.HNTE}, [A1]),
        ({"industry": "C"}, [A2, A1]),
        ({"industry": "65"}, [SOFT]),
        ({"label": "srdi"}, [A2]),
        ({"tech_field": "materials"}, [A2]),
        ({"township": world.a_town.pk}, [A1, SOFT]),
        ({"township": world.a_town.pk, "industry": "I"}, [SOFT]),
        ({"stage": Stage.LEADER}, []),
        ({"sort": "stage"}, [A2, SOFT, A1]),
    ]
    for params, expected in cases:
        listed = list_names(c, **params)
        exported = export_names(c, **params)
        if "sort" in params:
            assert exported == expected, params
        else:
            assert sorted(exported) == sorted(expected), params
        assert exported == listed, params


def test_export_row_content(world, login):
    label_add(enterprise=world.ent_a, actor=world.staff, kind="srdi", level="provincial", year=2024)
    c = login(world.staff)
    r = c.get(reverse("enterprises:export"), {"q": "青秀测试"})
    ws = openpyxl.load_workbook(io.BytesIO(r.content), read_only=True)["企业名录"]
    header, row = list(ws.iter_rows(values_only=True))
    values = dict(zip(header, row, strict=True))
    assert values["统一社会信用代码"] == credit_code(DISTRICT_A, 1)
    assert values["所属区县"] == "青秀区"
    assert values["所属乡镇/街道"] == world.a_town.name
    assert values["行业"] == "C39 计算机、通信和其他电子设备制造业"
    assert values["培育阶段"] == "高新技术企业"
    assert values["高新技术领域"] == "电子信息"
    assert values["称号"] == "2024年省级专精特新"


def test_export_is_scoped_for_other_roles(world, login):
    assert export_names(login(world.town)) == ["青秀测试科技有限公司"]
    assert export_names(login(world.outsider)) == ["江南邻区机械有限公司"]
    assert set(export_names(login(world.city_user))) == {
        "青秀测试科技有限公司",
        "青秀第二材料有限公司",
        "江南邻区机械有限公司",
    }


def test_self_check_warns_of_a_figure_typed_in_the_wrong_unit(world, login):
    from django.utils import timezone

    last = timezone.localdate().year - 1
    year_figures_save(enterprise=world.ent_a, actor=world.staff, year=last, new=True,
                      **figures(employees=60, sales_revenue=Decimal("3200"), hightech_income=Decimal("0"),
                                rd_domestic=Decimal("100")))
    c = login(world.staff)
    html = c.get(reverse("pipeline:self_check_for", args=[world.ent_a.pk])).content.decode()
    assert f"{last}年度数据可能有误" in html and "销售收入却不足 1 万元（0.32 万元）" in html
    year_figures_save(enterprise=world.ent_a, actor=world.staff, year=last,
                      version=world.ent_a.years.get(year=last).version, sales_revenue=Decimal("32000000"))
    html = c.get(reverse("pipeline:self_check_for", args=[world.ent_a.pk])).content.decode()
    assert "数据可能有误" not in html
