"""In a real browser: an edit conflict is refused with what changed and goes through on a deliberate second
save; the system administrator grants a commissioner the registry export on 角色权限, and the commissioner's
list then offers 导出Excel."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from keguan.accounts.models import User
from keguan.enterprises.models import Enterprise
from keguan.enterprises.services import enterprise_update

from ..conftest import PASSWORD
from .menu import menu_link

pytestmark = pytest.mark.browser


def test_a_stale_edit_is_refused_then_saved_deliberately(world, page, login_as):
    login_as("staff")
    page.goto(f"/enterprises/{world.ent_a.pk}/edit/")
    # a colleague renames the firm while the page is open
    enterprise_update(enterprise=Enterprise.objects.get(pk=world.ent_a.pk), actor=world.leader, version=1,
                      name="青秀测试科技（集团）有限公司")
    page.get_by_label("注册地址").fill("民族大道1号")
    page.get_by_role("button", name="保存").click()
    alert = page.locator(".alert-danger, .invalid-feedback").filter(has_text="保存失败")
    expect(alert).to_contain_text("青秀测试科技有限公司 → 青秀测试科技（集团）有限公司")
    expect(page.get_by_label("注册地址")).to_have_value("民族大道1号")  # what I typed is still there
    page.get_by_role("button", name="保存").click()  # knowingly: my form wins
    expect(page.get_by_text("企业信息已保存")).to_be_visible()
    firm = Enterprise.objects.get(pk=world.ent_a.pk)
    assert firm.address == "民族大道1号" and firm.name == "青秀测试科技有限公司"


def test_the_administrator_grants_an_export_on_the_roles_page(world, page, login_as):
    User.objects.create_superuser("root", password=PASSWORD)
    login_as("expert")
    page.goto("/enterprises/")
    expect(page.get_by_role("link", name="导出Excel")).to_have_count(0)  # a commissioner only views
    page.get_by_role("button", name="退出").click()

    login_as("root")
    menu_link(page, "角色权限").click()
    page.get_by_test_id("cell-commissioner-enterprises.export").click()
    expect(page.get_by_text("已授予“科技特派员/专家”的权限：enterprises.export")).to_be_visible()
    expect(page.get_by_test_id("roles-table")).to_contain_text("已调整")
    expect(page.locator("table").last).to_contain_text("授予")  # 调整记录: who, when, what
    page.get_by_role("button", name="退出").click()

    login_as("expert")
    page.goto("/enterprises/")
    expect(page.get_by_role("link", name="导出Excel")).to_be_visible()
