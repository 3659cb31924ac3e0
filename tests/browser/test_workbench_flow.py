"""The workbench as a district clerk and a field expert click through it: money typed in 万元 reads the same on the
firm's page, in the self-check and in the summary; a unit slip is questioned before it is saved; a required
reason left empty is a Chinese message on the page, not the browser's English bubble; the pre-check finds a
firm by name; the menu lights up the page's area; the expert's home lists its firms; a phone dashboard shows the
key cards first."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# The world's firms have figures for 2024 only and were entered today: this year's figures are the firm's alone and
# this year's summary counts the firms (a summary of an earlier year would find no firm in the register yet).
YEAR = timezone.localdate().year


FIELD_IDS = {"年度": "year", "从业人员（人）": "employees", "科技人员（人）": "st_staff", "销售收入（万元）": "sales_revenue",
             "成本费用总额（万元）": "total_cost", "境内研发费用（万元）": "rd_domestic", "资产总额（万元）": "total_assets",
             "净资产（万元）": "net_assets"}


def _fill_year(page, **values):
    for label, value in values.items():
        field = page.locator(f"#id_{FIELD_IDS[label]}")
        expect(page.locator(f'label[for="id_{FIELD_IDS[label]}"]')).to_contain_text(label)  # the unit is in the label
        field.fill(str(value))


def test_a_figure_typed_in_wan_reads_the_same_everywhere(world, page, login_as):
    login_as("staff")
    page.goto(f"/enterprises/{world.ent_a.pk}/")
    page.get_by_role("link", name="填报年度数据").click()
    expect(page.get_by_text("金额单位：万元")).to_be_visible()
    _fill_year(page, **{"年度": YEAR, "从业人员（人）": 80, "科技人员（人）": 20, "销售收入（万元）": "0.32",
                        "成本费用总额（万元）": 2500, "境内研发费用（万元）": 150, "资产总额（万元）": 4000,
                        "净资产（万元）": 2000})
    page.get_by_role("button", name="保存").click()
    # 80 staff and 0.32 万元 of sales: asked, not saved
    warning = page.get_by_test_id("unusual")
    expect(warning).to_contain_text("销售收入却不足 1 万元")
    page.locator("#id_sales_revenue").fill("3200")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text(f"{YEAR}年度数据已保存")).to_be_visible()
    row = page.locator("tr", has_text=str(YEAR)).first
    expect(page.get_by_role("columnheader", name="销售收入（万元）")).to_be_visible()
    expect(row).to_contain_text("3,200.00")
    expect(row).to_contain_text("150.00")
    # the self-check shows the same figure, in the same unit, as what a "what if" would replace
    page.goto(f"/pipeline/self-check/{world.ent_a.pk}/?on={YEAR + 1}-05-31")  # assessed next year: on these figures
    expect(page.locator('label[for="id_sales_revenue"]')).to_contain_text("销售收入（万元）")
    expect(page.locator("#id_sales_revenue")).to_have_attribute("placeholder", "3200.00")
    expect(page.get_by_test_id("unusual")).to_have_count(0)
    # the dashboard states the district's R&D spending (研发费用, the accounts' 口径) of that year: this firm's 150 万元
    page.goto(f"/indicators/?period={YEAR}")
    expect(page.get_by_test_id("value-rd_expense")).to_have_text("150")


def test_required_reason_is_prefilled_and_errors_are_chinese_on_the_page(world, page, login_as):
    from keguan.pipeline.models import CultivationPool

    CultivationPool.objects.create(district=world.a, name="青秀区高企培育库", start_year=YEAR, end_year=YEAR + 2)
    login_as("staff")
    page.goto(f"/pipeline/{world.ent_a2.pk}/records/")
    # the menu lights up 企业库 (the breadcrumb's area), not 首页
    menu = page.get_by_role("navigation", name="主菜单")
    expect(menu.locator("a.active")).to_have_text("企业库")
    form = page.get_by_test_id("pool-form")
    expect(form.get_by_label("入库理由")).to_have_value("经科小/高企预审，列入高企培育")
    form.get_by_label("入库理由").fill("")
    form.get_by_role("button").click()
    expect(page.get_by_test_id("pool-form")).to_contain_text("这个字段是必填项")
    form = page.get_by_test_id("pool-form")
    form.get_by_label("入库理由").fill("经科小/高企预审，列入高企培育")
    form.get_by_label("培育库").select_option(index=1)
    form.get_by_role("button").click()
    expect(page.get_by_text("已加入青秀区高企培育库")).to_be_visible()


def test_precheck_finds_a_firm_by_name(world, page, login_as):
    from keguan.enterprises.services import year_figures_save

    for firm in (world.ent_a, world.ent_a2):
        row = firm.years.get(year=2024)
        values = {f: getattr(row, f) for f in ("employees", "st_staff", "sales_revenue", "total_cost", "rd_domestic",
                                               "rd_abroad", "total_assets", "net_assets", "hightech_income",
                                               "ip_class1", "ip_class2")}
        year_figures_save(enterprise=firm, actor=None, year=YEAR, new=True, **values)
    login_as("staff")
    page.goto("/pipeline/precheck/")
    page.wait_for_load_state("load")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(2)
    page.get_by_label("企业名称/信用代码").fill(world.ent_a2.name[:4])
    page.get_by_role("button", name="查询").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(world.ent_a2.name)


def test_the_expert_sees_its_firms(world, page, login_as):
    login_as("expert")
    panel = page.get_by_test_id("served-panel")
    expect(panel).to_contain_text(world.ent_a2.name)
    expect(panel).to_contain_text("尚未辅导")
    panel.get_by_role("link", name=world.ent_a2.name).click()
    expect(page.get_by_role("heading", name=f"{world.ent_a2.name} · 资质与培育")).to_be_visible()


def test_a_phone_dashboard_shows_key_cards_first(world, page, login_as):
    page.set_viewport_size({"width": 390, "height": 844})
    login_as("staff")
    page.goto("/indicators/")
    more = page.get_by_test_id("more-cards")
    expect(more).to_be_visible()
    hidden_before = page.locator("#kg-cards > div:not(:visible)").count()
    assert hidden_before > 0
    more.click()
    expect(page.locator("#kg-cards > div:not(:visible)")).to_have_count(0)


def test_the_long_menu_folds_and_remembers_what_the_clerk_unfolds(world, page, login_as):
    login_as("staff")
    page.goto("/projects/applications/")
    menu = page.get_by_role("navigation", name="主菜单")
    expect(menu.get_by_role("link", name="项目申报办理")).to_be_visible()  # the current page's group is open
    expect(menu.get_by_role("link", name="需求台账", include_hidden=True)).to_be_hidden()  # other areas fold
    group = menu.locator("details.kg-menu-fold", has=page.get_by_role("link", name="需求台账", include_hidden=True))
    label = group.get_attribute("data-menu-group")
    group.locator("summary").click()
    expect(menu.get_by_role("link", name="需求台账")).to_be_visible()
    key = f"kg-menu-open:{world.staff.pk}"  # remembered per user
    page.wait_for_function("([k, g]) => JSON.parse(localStorage.getItem(k)).includes(g)", arg=[key, label])
    page.goto("/enterprises/")  # another area: the group the clerk unfolded stays unfolded
    menu = page.get_by_role("navigation", name="主菜单")
    expect(menu.get_by_role("link", name="需求台账")).to_be_visible()
    expect(menu.get_by_role("link", name="企业库")).to_be_visible()
    expect(menu.get_by_role("link", name="数据字典", include_hidden=True)).to_be_hidden()
    group = menu.locator("details.kg-menu-fold", has=page.get_by_role("link", name="需求台账"))
    group.locator("summary").click()  # folded again, and remembered so
    page.wait_for_function("([k, g]) => !JSON.parse(localStorage.getItem(k)).includes(g)", arg=[key, label])
    page.reload()
    menu = page.get_by_role("navigation", name="主菜单")
    expect(menu.get_by_role("link", name="需求台账", include_hidden=True)).to_be_hidden()
    # another clerk on the same computer finds the menu as the pages have it, not as staff left it
    menu.locator("details.kg-menu-fold", has=page.get_by_role("link", name="需求台账", include_hidden=True)).locator(
        "summary").click()
    page.wait_for_function("([k, g]) => JSON.parse(localStorage.getItem(k)).includes(g)", arg=[key, label])
    page.get_by_role("button", name="退出").click()
    login_as("leader")
    page.goto("/enterprises/")
    menu = page.get_by_role("navigation", name="主菜单")
    expect(menu.get_by_role("link", name="企业库")).to_be_visible()
    expect(menu.get_by_role("link", name="需求台账", include_hidden=True)).to_be_hidden()
