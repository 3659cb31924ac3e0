"""科技特派员's indicators and its part of the work summary: coverage counted on assignments overlapping the
period (dates on both sides), 全覆盖 said only at 100%, trainees from 培训授课 logs, the notable services as
narrative items, and problems and plans where the records call for them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from keguan.fieldwork.models import Demand, DemandStatus, Kind, Level, ServiceKind, ServiceLog
from keguan.fieldwork.services import letters as letters_svc
from keguan.fieldwork.services import roster
from keguan.indicators import registry
from keguan.indicators.selectors import Engine, districts_of
from keguan.indicators.services import target_set
from keguan.regions.services import villages_create
from keguan.reports.builder import build_draft
from keguan.rules.periods import Period

YEAR = 2024
PERIOD = Period.parse(str(YEAR))


def _value(world, code: str, period: Period = PERIOD, region=None):
    engine = Engine(districts_of(world.city))
    return engine.value(registry.get(code), region or world.a, period)


def _c(world, name, *, level=Level.COUNTY, kind=Kind.AGRICULTURE, start=dt.date(2020, 1, 1), end=None, district=None):
    return roster.commissioner_create(actor=None, district=district or world.a, name=name, level=level, kind=kind,
                                      field="crops", start_on=start, end_on=end)


@pytest.fixture
def villages(world):
    """Four villages in A (two townships)."""
    made = villages_create(township=world.a_town, villages=[(f"{world.a_town.code}20{i}", f"测试{i}村") for i in (1, 2)],
                           source="测试")
    made += villages_create(township=world.a_town2, villages=[(f"{world.a_town2.code}20{i}", f"另{i}村") for i in (1, 2)],
                            source="测试")
    world.villages = made
    return made


def test_coverage_counts_assignments_overlapping_the_period_on_both_sides(world, villages):
    v1, v2, v3, v4 = villages
    c = _c(world, "甲")
    # ends on the period's first day (counts), starts on its last day (counts), ends the day before (does not),
    # starts the day after (does not)
    for village, start, end in ((v1, dt.date(2023, 1, 1), dt.date(YEAR, 1, 1)),
                                (v2, dt.date(YEAR, 12, 31), None),
                                (v3, dt.date(2023, 1, 1), dt.date(YEAR - 1, 12, 31)),
                                (v4, dt.date(YEAR + 1, 1, 1), None)):
        roster.assignment_create(actor=None, district=world.a, commissioner=c, village=village, start_on=start,
                                 end_on=end)
    assert _value(world, "fw_villages") == 4
    assert _value(world, "fw_villages_covered") == 2
    assert _value(world, "fw_coverage") == Decimal(50)
    assert _value(world, "fw_villages_covered", Period.parse(f"{YEAR + 1}")) == 2  # v2 and v4
    assert _value(world, "fw_villages_covered", Period.parse(f"{YEAR}H1")) == 1  # v1 only


def test_commissioners_by_level_and_kind_and_the_service_figures(world, villages):
    a1 = _c(world, "省", level=Level.PROVINCE)
    _c(world, "市", level=Level.CITY, kind=Kind.INDUSTRY)
    _c(world, "走了", end=dt.date(YEAR - 1, 6, 30))
    _c(world, "乙区", district=world.b)
    roster.assignment_create(actor=None, district=world.a, commissioner=_c(world, "工", kind=Kind.INDUSTRY),
                             enterprise=world.ent_a, start_on=dt.date(2020, 1, 1))
    v = villages[0]
    for kind, served, introduced in ((ServiceKind.TEACHING, 50, 0), (ServiceKind.TEACHING, 30, 0),
                                     (ServiceKind.GUIDANCE, 7, 0), (ServiceKind.INTRODUCTION, 5, 2)):
        ServiceLog.objects.create(district=world.a, township=v.parent, commissioner=a1, served_on=dt.date(YEAR, 5, 1),
                                  village=v, kind=kind, content="x", served=served, introduced=introduced)
    ServiceLog.objects.create(district=world.a, township=v.parent, commissioner=a1, served_on=dt.date(YEAR + 1, 1, 1),
                              village=v, kind=ServiceKind.TEACHING, content="x", served=99)
    Demand.objects.create(district=world.a, village=v, township=v.parent, title="d", description="d",
                          posted_on=dt.date(YEAR, 1, 1), status=DemandStatus.DONE, commissioner=a1,
                          done_on=dt.date(YEAR, 3, 1))
    Demand.objects.create(district=world.a, village=v, township=v.parent, title="d2", description="d",
                          posted_on=dt.date(YEAR, 1, 1), status=DemandStatus.SERVING, commissioner=a1)
    letters_svc.letter_create(actor=None, commissioner=a1, year=YEAR, goals="x", signed_on=dt.date(YEAR, 2, 1))
    expected = {"fw_commissioners": 3, "fw_commissioners_province": 1, "fw_commissioners_city": 1,
                "fw_commissioners_county": 1, "fw_commissioners_agri": 1, "fw_commissioners_industry": 2,
                "fw_enterprises": 1, "fw_logs": 4, "fw_served": 92, "fw_trainings": 2, "fw_trainees": 80,
                "fw_introduced": 2, "fw_dispatches_done": 1, "fw_letters_signed": 1}
    assert {code: _value(world, code) for code in expected} == expected
    assert _value(world, "fw_commissioners", region=world.city) == 4  # B's too


def test_each_figure_links_to_its_rows(world, villages, login):
    engine = Engine(districts_of(world.city))
    for ind in registry.all_indicators():
        if ind.area == "fieldwork" and ind.records_url:
            url = ind.records_url(world.a, PERIOD)
            assert url == "" or url.startswith("/fieldwork/"), (ind.code, url)
    url = registry.get("fw_letters_signed").records_url(world.a, PERIOD)
    assert f"signed_since={YEAR}-01-01" in url and f"signed_until={YEAR}-12-31" in url
    assert login(world.staff).get(url).status_code == 200
    assert engine is not None


def _summary_text(world, period=PERIOD) -> str:
    return build_draft(world.a, period).plain_text()


def test_the_summary_says_full_coverage_only_at_100_percent(world, villages):
    c1 = _c(world, "韦一")
    for v in villages[:3]:
        roster.assignment_create(actor=None, district=world.a, commissioner=c1, village=v, start_on=dt.date(2020, 1, 1))
    text = _summary_text(world)
    assert "选任科技特派员1名，联系3个村（社区），覆盖率75.0%" in text
    assert "全覆盖" not in text.split("存在的问题")[0]
    assert "仍有1个尚无科技特派员结对服务" in text  # the problem
    assert "优先向未覆盖的村（社区）选派" in text  # the plan
    roster.assignment_create(actor=None, district=world.a, commissioner=c1, village=villages[3],
                             start_on=dt.date(2020, 1, 1))
    text = _summary_text(world)
    assert "联系4个村（社区），实现科技特派员全覆盖" in text and "尚无科技特派员结对服务" not in text


def test_the_summary_writes_services_trainees_and_notable_services(world, villages):
    c1, c2 = _c(world, "韦一"), _c(world, "覃二")
    v = villages[0]
    roster.assignment_create(actor=None, district=world.a, commissioner=c1, village=v, start_on=dt.date(2020, 1, 1))
    ServiceLog.objects.create(district=world.a, township=v.parent, commissioner=c1, served_on=dt.date(YEAR, 4, 3),
                              village=v, kind=ServiceKind.TEACHING, content="在测试1村举办茉莉花栽培培训", served=120)
    ServiceLog.objects.create(district=world.a, township=v.parent, commissioner=c1, served_on=dt.date(YEAR, 6, 9),
                              village=v, kind=ServiceKind.INTRODUCTION, content="在测试1村引进沃柑新品种", served=15,
                              introduced=2)
    text = _summary_text(world)
    assert "开展技术服务2次" in text and "服务群众135人次" in text and "引进推广新品种、新技术2个" in text
    assert "开展线下科技培训1场，培训土专家、田秀才120人次" in text
    assert "4月3日，科技特派员韦一在测试1村举办茉莉花栽培培训，服务群众120人次" in text
    assert "6月9日，科技特派员韦一在测试1村引进沃柑新品种，引进推广新品种、新技术2个" in text
    # 覃二 served the whole year without a log: a problem and a plan
    assert "有1名科技特派员没有填报服务记录" in text and "督促特派员定期下村服务" in text
    assert c2.pk


def test_a_service_logged_alike_month_after_month_is_written_once(world, villages):
    c1 = _c(world, "韦一")
    v = villages[0]
    for month in (3, 5, 7):  # the same introduction at the same place, three times
        ServiceLog.objects.create(district=world.a, township=v.parent, commissioner=c1, served_on=dt.date(YEAR, month, 2),
                                  village=v, kind=ServiceKind.INTRODUCTION, content="在测试1村推广沃柑水肥一体化新技术",
                                  served=10, introduced=1)
    ServiceLog.objects.create(district=world.a, township=v.parent, commissioner=c1, served_on=dt.date(YEAR, 8, 2),
                              village=v, kind=ServiceKind.INTRODUCTION, content="在测试1村引进砂糖橘新品种", introduced=1)
    text = _summary_text(world)
    assert text.count("在测试1村推广沃柑水肥一体化新技术，引进推广新品种、新技术1个") == 1
    assert "8月2日，科技特派员韦一在测试1村引进砂糖橘新品种" in text


def test_a_target_for_commissioner_services_is_measured(world, villages):
    c1 = _c(world, "韦一")
    v = villages[0]
    for month in (1, 2, 3):
        ServiceLog.objects.create(district=world.a, township=v.parent, commissioner=c1, served_on=dt.date(YEAR, month, 1),
                                  village=v, kind=ServiceKind.GUIDANCE, content="x", served=5)
    target_set(actor=None, indicator="fw_logs", district=world.a, year=YEAR, value=6)
    text = _summary_text(world)
    assert "开展技术服务3次，完成市定目标的50.0%" in text
