"""The district clerk's daily round in a real browser: log in, find a firm, edit it, see the change record,
filter the list and export exactly what is shown; and the inline error for a mistyped credit code."""

from __future__ import annotations

import re

import openpyxl
import pytest
from playwright.sync_api import expect

from keguan.enterprises.models import Enterprise, Stage
from keguan.enterprises.services import enterprise_create

from ..conftest import DISTRICT_A, credit_code
from .menu import menu_link

pytestmark = pytest.mark.browser


def _results(page):
    return page.locator("#results tbody tr")


def _shown_rows(page) -> list[tuple[str, str, str, str, str]]:
    """The list as shown: name, credit code, district, township, stage (found by column heading)."""
    heads = [h.strip() for h in page.locator("#results thead th").all_inner_texts()]
    at = {name: heads.index(name) for name in ("企业名称", "统一社会信用代码", "区县", "乡镇/街道", "培育阶段")}
    rows = []
    for tr in _results(page).all():
        cells = [c.strip() for c in tr.locator("td").all_inner_texts()]
        township = cells[at["乡镇/街道"]]
        rows.append((cells[at["企业名称"]], cells[at["统一社会信用代码"]], cells[at["区县"]],
                     "" if township == "—" else township, cells[at["培育阶段"]]))
    return rows


def _htmx_list(response) -> bool:
    return "/enterprises/?" in response.url and response.request.headers.get("hx-request") == "true"


def test_find_edit_and_export(world, page, login_as, tmp_path):
    # Two more 高企 in district A so that the filtered export has several rows, in a set order.
    for n, name in ((11, "青秀甲子光电有限公司"), (12, "青秀乙丑生物有限公司")):
        enterprise_create(actor=None, name=name, credit_code=credit_code(DISTRICT_A, n), district=world.a,
                          township=world.a_town2, industry_code="27", stage=Stage.HNTE)

    login_as("staff")
    menu_link(page, "企业库").click()
    expect(page.get_by_role("heading", name="企业库")).to_be_visible()
    page.wait_for_load_state("load")  # htmx drives the filter form: let the scripts load first
    expect(_results(page)).to_have_count(4)  # district A only: B's firm is out of scope

    # Search by name: the filter form refreshes the results through htmx as one types.
    with page.expect_response(_htmx_list) as info:
        page.get_by_label("关键词").fill("测试科技")
    assert info.value.ok
    expect(_results(page)).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q=%E6%B5%8B%E8%AF%95"))  # the query is in the address bar

    page.get_by_role("link", name="青秀测试科技有限公司").click()
    expect(page.get_by_role("heading", name=re.compile("青秀测试科技有限公司"))).to_be_visible()

    page.get_by_role("link", name="编辑").click()
    expect(page.get_by_role("heading", name="编辑企业信息")).to_be_visible()
    page.get_by_label("法定代表人").fill("王建国")
    page.get_by_label("联系电话").fill("13977665544")
    page.get_by_role("button", name="保存").click()

    expect(page.get_by_role("alert")).to_contain_text("企业信息已保存")
    expect(page.locator("dl")).to_contain_text("王建国")
    history = page.locator("#history")
    change = history.locator("tbody tr").filter(has_text="法定代表人")
    expect(change).to_have_count(1)
    expect(change.locator("td").nth(1)).to_have_text("staff")  # who
    expect(change.locator("td").nth(3)).to_have_text(re.compile(r"^修改"))
    expect(change.locator(".kg-history-change")).to_contain_text("法定代表人：（空） → 王建国")
    # phone numbers are masked in the change record
    expect(change.locator(".kg-history-change")).to_contain_text("联系电话：138****0001 → 139****5544")
    assert Enterprise.objects.get(pk=world.ent_a.pk).legal_rep == "王建国"

    # Back to the list; filter by stage and sort, then export what is shown.
    menu_link(page, "企业库").click()
    page.wait_for_load_state("load")  # the selects submit through keguan.js: let the scripts load first
    expect(_results(page)).to_have_count(4)
    page.get_by_label("培育阶段").select_option(label="高新技术企业")  # a select submits the form by itself
    expect(_results(page)).to_have_count(3)
    # Sorted by name descending, in the database's own collation.
    expected = list(
        Enterprise.objects.filter(district=world.a, stage=Stage.HNTE).order_by("-name").values_list("name", flat=True)
    )
    assert set(expected) == {"青秀测试科技有限公司", "青秀甲子光电有限公司", "青秀乙丑生物有限公司"}
    page.get_by_label("排序").select_option("-name")
    expect(_results(page).first.locator("td a").first).to_have_text(expected[0])  # the name (after the tick box)
    expect(page).to_have_url(re.compile(r"stage=hnte.*sort=-name"))
    shown = _shown_rows(page)
    assert [r[0] for r in shown] == expected

    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出Excel").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    assert download.suggested_filename.startswith("企业名录-青秀区-")

    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    wb = openpyxl.load_workbook(saved, read_only=True)
    sheet = wb["企业名录"]
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    col = {h: i for i, h in enumerate(header)}
    exported = [
        (r[col["企业名称"]], r[col["统一社会信用代码"]], r[col["所属区县"]], r[col["所属乡镇/街道"]] or "",
         r[col["培育阶段"]])
        for r in rows
    ]
    assert exported == shown
    edited = next(r for r in rows if r[col["企业名称"]] == "青秀测试科技有限公司")
    assert edited[col["法定代表人"]] == "王建国"
    assert edited[col["联系电话"]] == "13977665544"


def test_bad_credit_code_shows_inline_error(world, page, login_as):
    login_as("staff")
    page.goto("/enterprises/")
    page.get_by_role("link", name="新建企业").click()
    expect(page.get_by_role("heading", name="新建企业")).to_be_visible()
    good = credit_code(DISTRICT_A, 99)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    page.get_by_label("企业名称").fill("青秀错码测试有限公司")
    page.get_by_label("统一社会信用代码").fill(bad)
    expect(page.get_by_label("所属区县")).to_have_value(str(world.a.pk))  # preset to the clerk's district
    page.get_by_role("button", name="保存").click()

    expect(page.get_by_role("alert")).to_contain_text("需要修改")
    field = page.locator("#id_credit_code").locator("xpath=..")
    expect(field.locator(".invalid-feedback")).to_have_text(
        f"统一社会信用代码校验位错误：第18位应为 {good[17]}，实际为 {bad[17]}"
    )
    expect(page.get_by_label("企业名称")).to_have_value("青秀错码测试有限公司")  # what was typed is kept
    assert not Enterprise.objects.filter(name="青秀错码测试有限公司").exists()
