from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from keguan.enterprises.models import Stage
from keguan.enterprises.services import enterprise_change_stage
from keguan.indicators import registry
from keguan.indicators.models import Target
from keguan.indicators.selectors import Engine, districts_of, scores
from keguan.indicators.services import reported_value_set, target_set
from keguan.rules.periods import Period

THIS_YEAR = timezone.localdate().year


def test_stock_counts_follow_the_stage_history(world):
    # ent_a2 was a 科小 from today; make it a 高企 later this year... use history dated in the past
    engine = Engine(districts_of(world.city))
    now = Period.parse(str(THIS_YEAR))
    hnte = registry.get("ent_hnte_valid")
    assert engine.value(hnte, world.a, now) == 1
    assert engine.value(hnte, world.b, now) == 0
    assert engine.value(hnte, world.city, now) == 1  # the city sums its districts
    # a period that ended before the firms entered keguan counts nothing
    assert Engine(districts_of(world.city)).value(hnte, world.a, Period.parse(str(THIS_YEAR - 3))) == 0


def test_flow_counts_entries_within_the_period(world):
    today = timezone.localdate()
    enterprise_change_stage(enterprise=world.ent_a2, actor=world.staff, stage=Stage.HNTE, on=today)
    engine = Engine(districts_of(world.city))
    new = registry.get("ent_new_hnte")
    assert engine.value(new, world.a, Period.parse(str(today.year))) == 2  # ent_a created as 高企 today, ent_a2 moved
    assert engine.value(new, world.a, Period.parse(str(today.year - 1))) == 0


def test_ratio_is_recomputed_not_averaged(world):
    year = THIS_YEAR - 4
    p = Period.parse(str(year))
    # the intensity is the reported 研发经费 (the R&D round of that year) over GDP
    from keguan.rd.models import RdFirm, RdRound

    for e, rd in ((world.ent_a, "1000000"), (world.ent_b, "3000000")):
        r = RdRound.objects.create(district=e.district, year=year, title=f"{year}年度研发经费填报",
                                   opened_on=dt.date(year + 1, 1, 15))
        RdFirm.objects.create(round=r, enterprise=e, amount=Decimal(rd), reported_on=dt.date(year + 1, 3, 1))
    reported_value_set(actor=world.staff, indicator="gdp", region=world.a, period=str(year), value="100000")  # 万元
    reported_value_set(actor=world.outsider, indicator="gdp", region=world.b, period=str(year), value="600000")
    engine = Engine(districts_of(world.city))
    ri = registry.get("rd_intensity")
    assert engine.value(ri, world.a, p) == Decimal("100") / Decimal("100000") * 100  # 100万元 / 10亿元 = 0.1%
    assert engine.value(ri, world.b, p) == Decimal("300") / Decimal("600000") * 100
    # the city's GDP is unknown while some districts have not reported: no ratio is invented
    assert engine.value(ri, world.city, p) is None
    # with the city's own GDP reported: (100 + 300) / 700000, not the mean of the districts' ratios
    reported_value_set(actor=world.city_user, indicator="gdp", region=world.city, period=str(year), value="700000")
    engine = Engine(districts_of(world.city))
    assert engine.value(ri, world.city, p) == Decimal("400") / Decimal("700000") * 100


def test_scores_completion_progress_rank_and_tie(world):
    target_set(actor=world.city_user, indicator="ent_hnte_valid", district=world.a, year=THIS_YEAR, value="4")
    p = Period.parse(f"{THIS_YEAR}H1") if timezone.localdate().month > 6 else Period.parse(str(THIS_YEAR))
    (s,) = scores(world.a, Period.parse(str(THIS_YEAR)), [registry.get("ent_hnte_valid")])
    assert s.target == 4 and s.completion == Decimal("0.25") and s.rank == 1
    assert s.ahead is False  # 25% < 100% of the year
    (t,) = scores(world.a, p, [registry.get("ent_new_pool")])
    assert t.rank == 1 and t.actual == 0  # every district has 0: they share first place


def test_only_city_staff_set_targets(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        target_set(actor=world.staff, indicator="ent_new_hnte", district=world.a, year=THIS_YEAR, value="5")
    target_set(actor=world.city_user, indicator="ent_new_hnte", district=world.a, year=THIS_YEAR, value="5")
    assert Target.objects.get(region=world.a, indicator="ent_new_hnte").value == 5


def test_target_grid_saves_all_or_nothing(world, login):
    c = login(world.city_user)
    url = reverse("indicators:targets")
    key_a, key_b = f"t-ent_new_hnte-{world.a.pk}", f"t-ent_new_hnte-{world.b.pk}"
    response = c.post(url, {"year": THIS_YEAR, key_a: "6", key_b: "-1"})
    assert response.status_code == 200 and "不能为负数" in response.content.decode()
    assert not Target.objects.exists()
    response = c.post(url, {"year": THIS_YEAR, key_a: "6", key_b: "3"})
    assert response.status_code == 302
    assert Target.objects.filter(year=THIS_YEAR).count() == 2


def test_target_grid_shows_one_area_at_a_time_and_saves_only_its_columns(world, login):
    c = login(world.city_user)
    url = reverse("indicators:targets")
    projects = next(i for i in registry.all_indicators() if i.targetable and i.area == "projects")
    html = c.get(url).content.decode()  # no target yet: the first area (科技项目), not all hundred columns
    assert f'name="t-{projects.code}-{world.a.pk}"' in html and f'name="t-ent_new_hnte-{world.a.pk}"' not in html
    assert 'name="area" value="projects"' in html and "全部 <span" in html

    target_set(actor=world.city_user, indicator="ent_new_hnte", district=world.a, year=THIS_YEAR, value="6")
    target_set(actor=world.city_user, indicator=projects.code, district=world.b, year=THIS_YEAR, value="2")
    html = c.get(url).content.decode()  # the first area holding a target comes first
    assert 'name="area" value="projects"' in html and "已设1" in html
    html = c.get(url, {"area": "enterprises"}).content.decode()
    assert f'name="t-ent_new_hnte-{world.a.pk}" value="6"' in html and f'name="t-{projects.code}-' not in html

    # saving the 创新主体培育 page leaves 科技项目's target as it was (its cells were not on the page)
    response = c.post(url, {"year": THIS_YEAR, "area": "enterprises", f"t-ent_new_hnte-{world.a.pk}": "7"})
    assert response.status_code == 302 and response["Location"].endswith(f"?year={THIS_YEAR}&area=enterprises")
    assert Target.objects.get(indicator="ent_new_hnte", region=world.a).value == 7
    assert Target.objects.get(indicator=projects.code, region=world.b).value == 2
    html = c.get(url, {"area": "all"}).content.decode()
    assert f'name="t-{projects.code}-{world.b.pk}" value="2"' in html and f'name="t-ent_new_hnte-{world.a.pk}" value="7"' in html
    assert c.get(url, {"area": "nonsense"}).status_code == 200  # an unknown tab falls back to the default


def test_district_staff_see_targets_read_only(world, login):
    target_set(actor=world.city_user, indicator="ent_new_hnte", district=world.a, year=THIS_YEAR, value="6")
    c = login(world.staff)
    html = c.get(reverse("indicators:targets")).content.decode()
    assert f'data-testid="t-ent_new_hnte-{world.a.pk}">6<' in html
    assert "江南区" not in html
    assert c.post(reverse("indicators:targets"), {"year": THIS_YEAR}).status_code == 403


def test_district_dashboard_shows_completion_and_rank(world, login):
    target_set(actor=world.city_user, indicator="ent_hnte_valid", district=world.a, year=THIS_YEAR, value="2")
    c = login(world.staff)
    html = c.get(reverse("indicators:dashboard"), {"period": str(THIS_YEAR)}).content.decode()
    assert 'data-testid="completion-ent_hnte_valid">50.0%<' in html
    assert 'data-testid="rank-ent_hnte_valid">全市第一<' in html


def test_city_dashboard_and_export(world, login):
    import io

    import openpyxl

    c = login(world.city_user)
    html = c.get(reverse("indicators:dashboard"), {"period": str(THIS_YEAR)}).content.decode()
    assert "青秀区" in html and "江南区" in html
    wb = openpyxl.load_workbook(io.BytesIO(c.get(reverse("indicators:city_export"), {"period": str(THIS_YEAR)}).content))
    names = [r[0].value for r in wb.worksheets[0].iter_rows(min_row=2)]
    assert "青秀区" in names and "江南区" in names


@pytest.mark.parametrize("persona", ["town", "expert", "ent_user"])
def test_dashboard_is_for_bureaus(world, login, persona):
    assert login(world.personas[persona]).get(reverse("indicators:dashboard")).status_code == 403


def test_records_link_lists_the_rows_behind_a_figure(world, login):
    # the link of a figure opens the enterprise list showing exactly the counted firms
    (s,) = scores(world.a, Period.parse(str(THIS_YEAR)), [registry.get("ent_hnte_valid")])
    url = registry.get("ent_hnte_valid").records_url(world.a, Period.parse(str(THIS_YEAR)))
    page = login(world.staff).get(url)
    assert [e.name for e in page.context["page"].object_list] == [world.ent_a.name]
    assert dt.date.today()  # keep import used


def test_a_firm_that_moves_counts_in_its_new_district_history(world):
    from keguan.enterprises.models import StageChange
    from keguan.enterprises.services import enterprise_update

    enterprise_update(enterprise=world.ent_a2, actor=world.staff, district=world.b, township=world.b_town)
    assert set(StageChange.objects.filter(enterprise=world.ent_a2).values_list("district_id", flat=True)) == {world.b.pk}
    engine = Engine(districts_of(world.city))
    new_sme = registry.get("ent_new_tech_sme")
    this_year = Period.parse(str(THIS_YEAR))
    assert engine.value(new_sme, world.b, this_year) == 1 and engine.value(new_sme, world.a, this_year) == 0


def test_each_indicator_has_one_name_and_its_definition_on_hover(world, login):
    names = [ind.name for ind in registry.all_indicators()]
    assert len(names) == len(set(names))
    assert all(ind.description for ind in registry.all_indicators())
    assert "培育库在库企业（按入库记录）" not in names and "高企培育库在库企业" in names
    html = login(world.staff).get(reverse("indicators:dashboard")).content.decode()
    hnte = registry.get("ent_hnte_valid")
    assert f'title="{hnte.description}"' in html
    home = login(world.staff).get("/").content.decode()
    assert 'data-testid="hnte-valid-note"' in home and "不含已列为创新型领军企业的高企" in home
