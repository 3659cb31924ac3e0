"""待办: each area's reminders reach the right role with the right count, disappear when the work is done, and
the top bar's count is their sum (computed once per request, not at all for anonymous pages)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from keguan.core.areas import Reminder, reminders_for
from keguan.enterprises.services import year_figures_save
from keguan.exchange.models import ImportRun, RunStatus
from keguan.indicators.services import reported_value_set, target_set
from keguan.rd.models import RdFirm
from keguan.rd.services import rd_amount_record, rd_firm_add, rd_round_create

TODAY = timezone.localdate()
LAST_YEAR = TODAY.year - 1
FIGURES = {
    "employees": 50, "st_staff": 10, "sales_revenue": Decimal("1000000"), "total_cost": Decimal("900000"),
    "rd_domestic": Decimal("100000"), "rd_abroad": Decimal("0"), "total_assets": Decimal("2000000"),
    "net_assets": Decimal("1000000"), "hightech_income": Decimal("0"), "ip_class1": 0, "ip_class2": 0,
}


def todo(user, url_part: str) -> list[Reminder]:
    return [r for r in reminders_for(user, TODAY) if url_part in r.url]


def top_count(client) -> int | None:
    html = client.get(reverse("enterprises:list")).content.decode()
    m = re.search(r'data-testid="todo-count".*?<span class="badge[^"]*">(\d+)</span>', html, re.S)
    return int(m.group(1)) if m else None


@pytest.fixture
def rd_open(world):
    """An open round of last year's figures for district A with its two firms, due yesterday (overdue)."""
    rd_round = rd_round_create(actor=world.staff, district=world.a, year=LAST_YEAR, opened_on=TODAY - dt.timedelta(days=30),
                               due_on=TODAY - dt.timedelta(days=1))
    for e in (world.ent_a, world.ent_a2):
        if not RdFirm.objects.filter(round=rd_round, enterprise=e).exists():
            rd_firm_add(rd_round=rd_round, actor=world.staff, enterprise=e)
    world.rd_round = rd_round
    return world


def test_rd_round_reminds_the_district_and_the_firm_until_reported(rd_open, login):
    w = rd_open
    [r] = todo(w.staff, reverse("rd:round", args=[w.rd_round.pk]))
    assert r.count == 2 and r.overdue and r.due == TODAY - dt.timedelta(days=1)
    assert "尚未填报" in r.text and str(LAST_YEAR) in r.text
    [city] = todo(w.city_user, "/rd/")  # the city sees the district's round too
    assert city.count == 2
    assert todo(w.outsider, "/rd/") == []  # district B has no round
    assert todo(w.town, "/rd/") == []  # 乡镇 has no rd.view
    [own] = todo(w.ent_user, reverse("enterprises:mine"))
    assert own.count == 1 and "研发经费" in own.text and own.overdue
    # the home page shows 已逾期 in red, first
    html = login(w.staff).get(reverse("core:home")).content.decode()
    assert 'data-testid="overdue"' in html and "已逾期" in html
    for firm in RdFirm.objects.filter(round=w.rd_round):
        rd_amount_record(firm=firm, actor=w.staff, amount="1000", reported_on=TODAY)
    assert todo(w.staff, "/rd/") == [] and todo(w.ent_user, "研发经费") == []
    assert not [r for r in reminders_for(w.ent_user, TODAY) if "研发经费" in r.text]


def test_a_round_of_an_older_year_is_not_due(world):
    rd_round_create(actor=world.staff, district=world.a, year=LAST_YEAR - 2, opened_on=TODAY - dt.timedelta(days=400))
    assert todo(world.staff, "/rd/") == []


def test_statistics_the_city_set_a_target_for_are_due(world):
    # a target on 研发投入强度 (研发经费 / 地区生产总值) needs the district's 地区生产总值 of last year
    target_set(actor=world.city_user, indicator="rd_intensity", district=world.a, year=LAST_YEAR, value="2.5")
    [r] = todo(world.staff, reverse("indicators:reported"))
    assert r.count == 1 and "地区生产总值" in r.text and f"?year={LAST_YEAR}" in r.url
    assert todo(world.leader, reverse("indicators:reported"))[0].count == 1
    assert todo(world.outsider, reverse("indicators:reported")) == []  # no target for district B
    assert todo(world.town, reverse("indicators:reported")) == []
    assert todo(world.city_user, reverse("indicators:reported")) == []  # the city's own region has no target
    reported_value_set(actor=world.staff, indicator="gdp", region=world.a, period=str(LAST_YEAR), value="1000000")
    assert todo(world.staff, reverse("indicators:reported")) == []


def test_failed_imports_are_due_until_redone(world):
    def run(status, when):
        r = ImportRun.objects.create(kind="enterprises", region=world.a, user=world.staff, file_name="企业.xlsx",
                                     status=status, data=b"")
        ImportRun.objects.filter(pk=r.pk).update(started_at=when)
        return r

    now = timezone.now()
    failed = run(RunStatus.FAILED, now - dt.timedelta(hours=2))
    run(RunStatus.ERROR, now - dt.timedelta(days=30))  # too old to remind
    [r] = todo(world.staff, "/exchange/")
    assert r.count == 1 and r.url == reverse("exchange:run", args=[failed.pk]) and r.level == "danger"
    assert todo(world.leader, "/exchange/") == []  # not the leader's import
    run(RunStatus.DONE, now - dt.timedelta(hours=1))  # uploaded again and imported
    assert todo(world.staff, "/exchange/") == []


def test_enterprise_user_sees_its_own_figures_due_on_its_home_page(world, login):
    c = login(world.ent_user)
    home = c.get(reverse("core:home"))
    assert home.status_code == 200
    [r] = [r for r in home.context["reminders"] if "年度数据" in r.text]
    assert str(LAST_YEAR) in r.text and r.url.endswith(f"?year={LAST_YEAR}")
    assert f'value="{LAST_YEAR}"' in c.get(r.url).content.decode()  # the form opens on that year
    year_figures_save(enterprise=world.ent_a, actor=world.ent_user, year=LAST_YEAR, new=True, **FIGURES)
    assert not [r for r in reminders_for(world.ent_user, TODAY) if "年度数据" in r.text]
    # nothing left: the enterprise user goes straight to its firm's page, as before
    if not reminders_for(world.ent_user, TODAY):
        assert c.get(reverse("core:home"))["Location"] == reverse("enterprises:mine")
    assert todo(world.staff, "年度数据") == []  # staff get no enterprise reminders


def test_top_bar_count_is_the_sum_and_links_to_the_home_page(rd_open, login):
    w = rd_open
    target_set(actor=w.city_user, indicator="rd_intensity", district=w.a, year=LAST_YEAR, value="2.5")
    c = login(w.staff)
    expected = sum(r.count for r in reminders_for(w.staff, TODAY))
    assert expected >= 3  # 2 firms not reported + 1 statistic
    assert top_count(c) == expected
    html = c.get(reverse("enterprises:list")).content.decode()
    assert f'href="{reverse("core:home")}#todo"' in html
    home = c.get(reverse("core:home"))
    assert sum(r.count for r in home.context["reminders"]) == expected
    # a user with nothing due has no count in the top bar
    assert top_count(login(w.outsider)) is None


def test_reminders_run_once_per_request_and_not_for_anonymous_pages(rd_open, client, login):
    with CaptureQueriesContext(connection) as anonymous:
        client.get(reverse("accounts:login"))
    assert not any("rd_rdround" in q["sql"] for q in anonymous.captured_queries)
    c = login(rd_open.staff)
    with CaptureQueriesContext(connection) as home:
        c.get(reverse("core:home"))  # the home page and the top bar share one computation
    assert sum("rd_rdround" in q["sql"] and "COUNT" in q["sql"].upper() for q in home.captured_queries) == 1


def test_top_bar_count_is_kept_a_minute_and_the_home_page_is_always_fresh(rd_open, login):
    """The top bar's count is computed once and kept per user for ``TOP_BAR_SECONDS``: the next pages run none of
    the reminders' queries, and may show a count a minute old; the home page recomputes and stores it."""
    w = rd_open
    c = login(w.staff)
    assert top_count(c) == 2
    with CaptureQueriesContext(connection) as again:
        assert top_count(c) == 2
    assert not any("rd_rdround" in q["sql"] for q in again.captured_queries)
    for firm in RdFirm.objects.filter(round=w.rd_round):
        rd_amount_record(firm=firm, actor=w.staff, amount="1000", reported_on=TODAY)
    assert top_count(c) == 2  # stale: at most TOP_BAR_SECONDS
    home = c.get(reverse("core:home")).content.decode()
    assert 'data-testid="todo-count"' not in home  # the home page counts afresh …
    assert top_count(c) is None  # … and the other pages follow it
    assert top_count(login(w.outsider)) is None  # kept per user
