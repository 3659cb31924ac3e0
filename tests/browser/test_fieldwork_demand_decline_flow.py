"""退回派单 in a browser: the commissioner, on a phone, sends a need dispatched to it back — “其他” without words
is refused beside the field, then with words it goes — and the bureau's clerk finds it in its 待办 (“特派员退回的
派单 1 项”), sees who sent it back and why on the need's page, the suggestions no longer put that commissioner
first (marked “已退回”), and dispatches it to another."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from keguan.fieldwork.models import DemandStatus
from keguan.fieldwork.services.demands import demand_create, demand_dispatch

from ..fieldwork.logs_fixtures import TODAY, field_fixture, media_fixture  # noqa: F401
from .phone import assert_fits_phone

pytestmark = pytest.mark.browser


def test_a_commissioner_sends_a_need_back_and_the_bureau_dispatches_it_anew(field, page, login_as):
    w = field.world
    d = demand_create(
        actor=w.town,
        district=w.a,
        title="芒果炭疽病防治",
        description="今年雨水多，炭疽病重",
        posted_on=TODAY,
        village=field.v2,
        field="crops",
    )
    demand_dispatch(demand=d, actor=w.staff, commissioner=field.me)

    login_as("expert")
    page.goto(f"/fieldwork/demands/{d.pk}/")
    card = page.locator("#decline")
    card.get_by_label("其他").check()
    assert_fits_phone(page, what="退回派单")
    card.get_by_role("button", name="退回派单").click()
    expect(page.locator("#decline .invalid-feedback")).to_have_text("退回原因选“其他”时，请写明具体原因")
    card = page.locator("#decline")
    expect(card.get_by_label("其他")).to_be_checked()
    card.get_by_label("说明").fill("本月在外地参加培训")
    card.get_by_role("button", name="退回派单").click()
    expect(page.get_by_text("已退回派单“芒果炭疽病防治”，区科技局将重新派单")).to_be_visible()
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_role("button", name="退出").click()

    login_as("staff")
    page.goto("/")
    page.get_by_test_id("reminder").filter(has_text="特派员退回的派单 1 项").get_by_role("link").click()
    row = page.locator("tr", has_text="芒果炭疽病防治")
    expect(row).to_contain_text("已退回")
    row.get_by_role("link", name="芒果炭疽病防治").click()
    expect(page.get_by_test_id("demand-declines")).to_contain_text("张三退回")
    expect(page.get_by_test_id("demand-declines")).to_contain_text("本月在外地参加培训")
    expect(page.get_by_test_id("demand-history")).to_contain_text("张三退回派单：本月在外地参加培训")
    rows = page.get_by_test_id("suggestions").locator("tbody tr")
    expect(rows.first).not_to_contain_text("张三")
    expect(rows.first).to_contain_text("首选")
    declined = page.get_by_test_id("suggestions").locator("tr[data-declined]")
    expect(declined).to_contain_text("张三")
    expect(declined).to_contain_text("已退回：本月在外地参加培训")
    page.get_by_role("button", name="派给李四").click()
    expect(page.get_by_test_id("demand-status")).to_have_text("已派")
    expect(page.get_by_test_id("demand-declines")).to_contain_text("该需求曾被特派员退回")
    d.refresh_from_db()
    assert (d.status, d.commissioner) == (DemandStatus.DISPATCHED, field.colleague)
