"""Golden texts of the generated summary for each kind of region and period: a 市辖区, a 县, a county-level
city and the city, for a half-year and a whole year, from a fixed demo city. A change in wording shows here
as a diff to read; when it is meant, rewrite the files with ``KEGUAN_WRITE_GOLDENS=1 pytest tests/test_report_goldens.py``
and read them before committing.

Each draft is also checked figure by figure against the rows (districts) and for the summary's own rules
(one indicator per concept, no placeholder, no 序时进度 in a whole year)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from tests.test_report_figures import check_consistency, check_figures

GOLDENS = Path(__file__).parent / "goldens"
REGIONS = {"450102": "市辖区（兴宁区）", "450123": "县（隆安县）", "450181": "县级市（横州市）", "450100": "地级市（南宁市）"}
PERIODS = ("2025H1", "2025")

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def drafts(django_db_setup, django_db_blocker) -> dict:
    from django.db import transaction

    from keguan.demo.generator import generate_demo
    from keguan.regions.models import Region
    from keguan.reports.builder import build_draft
    from keguan.rules.periods import Period

    out = {}
    with django_db_blocker.unblock(), transaction.atomic():
        generate_demo(seed=7, enterprises=360, with_users=False, today=dt.date(2026, 11, 1))
        for code in REGIONS:
            region = Region.objects.get(code=code)
            for key in PERIODS:
                period = Period.parse(key)
                draft = build_draft(region, period, today=dt.date(2026, 1, 10) if key == "2025" else dt.date(2025, 7, 8))
                checked = check_figures(draft, region, period) if region.level == 3 else None
                check_consistency(draft)
                out[(code, key)] = (draft, checked)
        transaction.set_rollback(True)
    return out


@pytest.mark.parametrize("code", list(REGIONS))
@pytest.mark.parametrize("period", PERIODS)
def test_golden_text(drafts, code, period):
    draft, checked = drafts[(code, period)]
    text = draft.plain_text()
    path = GOLDENS / f"{code}-{period}.txt"
    if os.environ.get("KEGUAN_WRITE_GOLDENS"):
        path.write_text(text + "\n", encoding="utf-8")
    assert text + "\n" == path.read_text(encoding="utf-8"), f"{REGIONS[code]} {period} 的总结与 {path.name} 不同"
    assert checked is None or checked >= 10


def test_region_wording_by_kind(drafts):
    opening = {code: drafts[(code, "2025")][0].opening.text for code in REGIONS}
    assert "在区委、区政府的正确领导" in opening["450102"]
    assert "在县委、县政府的正确领导" in opening["450123"]
    assert "在市委、市政府的正确领导" in opening["450181"] and "在市委、市政府的正确领导" in opening["450100"]
    county_city = drafts[("450181", "2025")][0].plain_text()
    assert "全市排名" not in county_city and "在南宁市12个县（市、区）中排名第" in county_city
    assert "全县" in drafts[("450123", "2025")][0].plain_text()
    city = drafts[("450100", "2025")][0]
    assert "排名" not in "".join(p.text for ch in city.chapters for part in ch.parts for p in part.paragraphs
                                  if part.area != "districts")


def test_annual_summaries_have_no_time_progress_and_half_years_plan_for_the_second_half(drafts):
    for code in REGIONS:
        year, half = drafts[(code, "2025")][0], drafts[(code, "2025H1")][0]
        assert "序时进度" not in year.plain_text()
        assert "三、下半年工作计划" in half.plain_text() or "二、下半年工作计划" in half.plain_text()
        assert "完成时限：2026年12月" not in half.plain_text()  # next year's plans are not the second half's
