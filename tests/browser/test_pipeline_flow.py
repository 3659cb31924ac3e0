"""The pipeline in a real browser: an enterprise runs its self-check; district staff tick it on the pre-check
list into the cultivation pool, register its 高企 application and move it to 认定 with the certificate; the
dashboard figures change."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from keguan.accounts.models import Role
from keguan.accounts.services import user_create
from keguan.pipeline import services as pipeline
from keguan.pipeline.models import HnteCertificate

from ..conftest import PASSWORD
from .menu import menu_link

pytestmark = pytest.mark.browser


def _dashboard(page, code: str):
    menu_link(page, "指标看板").click()
    page.wait_for_load_state("load")  # the period select submits through keguan.js
    page.select_option("#id_period", str(timezone.localdate().year))
    return page.get_by_test_id(f"value-{code}")


def test_self_check_pool_recognition_and_dashboard(world, page, login_as):
    today = timezone.localdate()
    firm = world.ent_a2  # 科技型中小企业, with figures for 2024
    user_create(actor=None, username="ent2", password=PASSWORD, role=Role.ENTERPRISE, region=world.a,
                full_name="青秀第二材料联系人", enterprise=firm)
    pool = pipeline.pool_create(district=world.a, actor=None, start_year=today.year, end_year=today.year + 2)
    pipeline.batch_create(year=today.year, seq=2)

    # The enterprise checks itself against the official rules.
    login_as("ent2")
    menu_link(page, "科小/高企自评").click()
    expect(page.get_by_role("heading", name="科技型中小企业评价")).to_be_visible()
    expect(page.get_by_test_id("hnte-status")).to_be_visible()
    page.get_by_role("button", name="退出").click()

    # The district's dashboard before: one valid 高企 (ent_a), none recognised through keguan.
    login_as("staff")
    expect(_dashboard(page, "ent_hnte_valid")).to_have_text("1")
    expect(page.get_by_test_id("value-pl_hnte_recognised")).to_have_text("0")

    # On the pre-check list staff tick the firm and put it in the pool.
    menu_link(page, "科小/高企预审").click()
    page.get_by_label(f"选择{firm.name}").check()
    form = page.get_by_test_id("precheck-pool-form")
    form.get_by_label("加入培育库").select_option(label=pool.name)
    form.get_by_label("入库理由").fill("预审研发投入达标，重点培育")
    form.get_by_role("button", name="加入培育库").click()
    expect(page.get_by_text(f"已把 1 家企业加入{pool.name}")).to_be_visible()

    # Then open its qualifications: it is in the pool, and its stage followed.
    page.goto(f"/enterprises/{firm.pk}/")
    page.get_by_role("link", name="资质与培育").first.click()
    expect(page.get_by_test_id("in-pool")).to_be_visible()
    expect(page.get_by_test_id("stage")).to_have_text("高企培育库")

    # Register the application in this year's second batch and move it to 认定 with the certificate.
    apply = page.get_by_test_id("app-form")
    apply.get_by_label("申报批次").select_option(label=f"{today.year}年第二批")
    apply.get_by_role("button", name="登记拟申报").click()
    expect(page.get_by_test_id("app-status")).to_have_text("拟申报")
    move = page.get_by_test_id("move-form")
    move.get_by_label("推进到").select_option(label="认定")
    move.get_by_role("button", name="推进申报").click()
    expect(move.get_by_text("认定时请填写高新技术企业证书编号")).to_be_visible()  # inline, nothing saved
    expect(page.get_by_test_id("app-status")).to_have_text("拟申报")
    move = page.get_by_test_id("move-form")
    move.get_by_label("推进到").select_option(label="认定")
    move.get_by_label("证书编号（认定时填写）").fill(f"GR{today.year}45000088")
    move.get_by_role("button", name="推进申报").click()
    expect(page.get_by_test_id("app-status")).to_have_text("认定")
    expect(page.get_by_test_id("stage")).to_have_text("高新技术企业")
    expect(page.locator("#hnte td.font-monospace")).to_have_text(f"GR{today.year}45000088")
    expect(page.locator("#pool")).to_contain_text("出库：认定为高新技术企业")  # left the pool recognised

    # The dashboard counts it.
    expect(_dashboard(page, "ent_hnte_valid")).to_have_text("2")
    expect(page.get_by_test_id("value-pl_hnte_recognised")).to_have_text("1")
    cert = firm.hnte_certificates.get()
    assert cert.issued_on == today and cert.expires_on == HnteCertificate.expiry_for(today)
