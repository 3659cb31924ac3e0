"""Deleting a 称号申报 in a real browser: a granted application whose label stands is refused in words with the way
out (the firm's page); staff remove the label there, come back, read what the confirm page says, delete, and land
on the list with the record gone; the confirm page fits a phone."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from keguan.enterprises.models import EnterpriseLabel
from keguan.resources import services
from keguan.resources.models import Recognition

from .phone import assert_fits_phone

pytestmark = pytest.mark.browser


def test_staff_delete_a_granted_recognition_after_removing_its_label(world, page, login_as):
    today = timezone.localdate()
    firm = world.ent_a2
    r = services.recognition_create(
        actor=None,
        district=world.a,
        enterprise=firm,
        title="gazelle",
        level="none",
        year=today.year,
        applied_on=today,
    )
    for target in ("recommended", "publicised", "granted"):
        r = services.recognition_move(actor=None, recognition=r, target=target, on=today)
    label = EnterpriseLabel.objects.get(enterprise=firm, kind="gazelle")

    login_as("staff")
    page.goto(f"/resources/recognitions/{r.pk}/")
    page.get_by_test_id("delete").click()
    blocked = page.get_by_test_id("delete-blocked")
    expect(blocked).to_contain_text("该申报已认定")
    expect(blocked).to_contain_text(f"“{label}”称号")
    expect(page.get_by_test_id("confirm-delete")).to_have_count(0)

    # the way out: the firm's page, where the label is removed (its own confirm)
    page.get_by_test_id("delete-fix").click()
    expect(page.get_by_text(firm.name).first).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="删除称号").click()
    expect(page.get_by_role("button", name="删除称号")).to_have_count(0)
    assert not EnterpriseLabel.objects.filter(pk=label.pk).exists()

    page.goto(f"/resources/recognitions/{r.pk}/delete/")
    expect(page.get_by_role("heading", name="删除称号申报")).to_be_visible()
    expect(page.get_by_text(f"确定删除称号申报“{firm.name} · {today.year}年瞪羚企业”")).to_be_visible()
    assert_fits_phone(page, size={"width": 375, "height": 800}, reload=True, what="删除确认页")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_test_id("confirm-delete").click()
    expect(page.get_by_text("已删除称号申报")).to_be_visible()
    expect(page.get_by_text("暂无称号申报")).to_be_visible()
    assert not Recognition.objects.filter(pk=r.pk).exists()
