"""The market pages: lists, forms (万元, optimistic locking), totals (the city's row is its districts' plus the
city-only part), indicators with rank and target, the summary sentence and the prize narrative."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from keguan.indicators import registry
from keguan.indicators.models import Target
from keguan.indicators.selectors import Engine, districts_of
from keguan.market.models import TechContract
from keguan.market.services import award_create, contract_create, result_create
from keguan.reports.builder import build_draft
from keguan.rules.periods import Period

YEAR = 2024
ON = dt.date(YEAR, 5, 10)


def contract(number, seller, buyer, wan, **kw):
    return contract_create(actor=None, number=number, name=f"合同{number}", kind=kw.pop("kind", "development"),
                           seller_name="卖方", buyer_name="买方", seller_region=seller, buyer_region=buyer,
                           registered_on=kw.pop("on", ON), contract_amount=Decimal(wan) * 10000,
                           transaction_amount=Decimal(wan) * 5000, **kw)


@pytest.fixture
def market(world):
    contract("C1", world.a, world.a, "100")  # inside A
    contract("C2", world.a, world.b, "50")  # A sells to B
    contract("C3", world.city, world.b, "30", on=dt.date(YEAR, 7, 1))  # city-only seller
    contract("C4", world.b, None, "20", buyer_area="北京市")  # B sells outside
    return world


@pytest.mark.django_db
def test_totals_city_row_is_the_districts_plus_the_city_only_part(market, client):
    client.force_login(market.city_user)
    r = client.get(reverse("market:totals"), {"year": YEAR, "measure": "contract"})
    assert r.status_code == 200
    rows = {row.kind if row.kind != "district" else row.district.code: row for row in r.context["totals"].rows}
    absorb = {k: v.cell("absorb", 0) for k, v in rows.items()}
    output = {k: v.cell("output", 0) for k, v in rows.items()}
    assert absorb["450103"].contract == Decimal("1000000") and absorb["450105"].contract == Decimal("800000")
    assert output["city_only"].contract == Decimal("300000") and output["city"].count == 4
    districts = [k for k in rows if k.isdigit()]
    for side in (absorb, output):
        assert side["city"].contract == sum(side[k].contract for k in districts) + side["city_only"].contract
    assert rows["450105"].cell("absorb", 7).count == 1  # C3 in July
    client.force_login(market.staff)
    r = client.get(reverse("market:totals"), {"year": YEAR})
    assert [row.district.code for row in r.context["totals"].rows] == ["450103"]


@pytest.mark.django_db
def test_list_filters_by_direction_for_the_users_region(market, client):
    client.force_login(market.staff)
    names = lambda r: sorted(c.number for c in r.context["page"].object_list)  # noqa: E731
    assert names(client.get(reverse("market:contracts"))) == ["C1", "C2"]
    assert names(client.get(reverse("market:contracts"), {"side": "absorb"})) == ["C1"]
    assert names(client.get(reverse("market:contracts"), {"side": "output"})) == ["C1", "C2"]
    client.force_login(market.city_user)
    assert names(client.get(reverse("market:contracts"), {"side": "absorb"})) == ["C1", "C2", "C3"]
    assert names(client.get(reverse("market:contracts"), {"district": market.b.pk, "month": "2024-07"})) == ["C3"]
    assert names(client.get(reverse("market:contracts"), {"month": "nonsense"})) == []
    export = client.get(reverse("market:contracts_export"), {"side": "output"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")


@pytest.mark.django_db
def test_create_in_wan_and_a_stale_edit_is_refused(world, client):
    client.force_login(world.staff)
    data = {"number": "N1", "name": "新合同", "kind": "service", "registered_on": "2024-03-01", "seller_name": "甲",
            "seller_region": world.a.pk, "buyer_name": "乙", "buyer_region": "", "buyer_area": "北京市",
            "contract_wan": "12.5", "transaction_wan": "13"}
    r = client.post(reverse("market:contract_create"), data)
    assert r.status_code == 200 and "技术交易额不能大于合同成交额" in r.content.decode()
    r = client.post(reverse("market:contract_create"), {**data, "transaction_wan": "10"})
    c = TechContract.objects.get(number="N1")
    assert r.status_code == 302 and c.contract_amount == Decimal("125000.00")
    edit = reverse("market:contract_edit", args=[c.pk])
    assert client.post(edit, {**data, "transaction_wan": "10", "name": "改一", "version": 1}).status_code == 302
    r = client.post(edit, {**data, "transaction_wan": "10", "name": "改二", "version": 1})
    assert r.status_code == 200 and "保存失败" in r.content.decode()
    c.refresh_from_db()
    assert c.name == "改一"
    r = client.post(reverse("market:contract_create"), {**data, "number": "N2", "seller_region": world.b.pk})
    assert r.status_code == 200 and "青秀区" in r.content.decode()


@pytest.mark.django_db
def test_pages_open(market, client):
    result = result_create(actor=None, district=market.a, name="成果甲", holders="某单位", registered_on=ON)
    award = award_create(actor=None, district=market.a, kind="contest", name="第十三届中国创新创业大赛（广西赛区）",
                         level="province", year=YEAR, project="节能电机", prize="二等奖", winners="青秀测试科技有限公司",
                         awarded_on=dt.date(YEAR, 9, 1), enterprise=market.ent_a)
    client.force_login(market.staff)
    c1 = TechContract.objects.get(number="C1")
    for url in (reverse("market:results"), reverse("market:awards"), reverse("market:result", args=[result.pk]),
                reverse("market:award", args=[award.pk]), reverse("market:contract", args=[c1.pk]),
                reverse("market:contract_create"), reverse("market:result_create"), reverse("market:award_create"),
                reverse("market:award_edit", args=[award.pk]), reverse("enterprises:detail", args=[market.ent_a.pk])):
        r = client.get(url)
        assert r.status_code == 200, url
    page = client.get(reverse("enterprises:detail", args=[market.ent_a.pk])).content.decode()
    assert "技术合同与成果" in page and "获奖1项" in page


@pytest.mark.django_db
def test_indicators_rank_target_and_the_summary_sentence(market):
    award_create(actor=None, district=market.a, kind="contest", name="第十三届中国创新创业大赛（广西赛区）",
                 level="province", year=YEAR, project="节能电机", prize="二等奖", winners="青秀测试科技有限公司",
                 awarded_on=dt.date(YEAR, 9, 1))
    Target.objects.create(indicator="mkt_absorb_c", region=market.a, year=YEAR, value=Decimal("200"))
    period = Period.parse(str(YEAR))
    engine = Engine(districts_of(market.city))
    absorb = registry.get("mkt_absorb_c")
    assert engine.value(absorb, market.a, period) == Decimal("100")
    assert engine.value(absorb, market.b, period) == Decimal("80")
    assert engine.value(absorb, market.city, period) == Decimal("180")  # C1 + C2 + C3, each once
    assert engine.value(registry.get("mkt_output_n"), market.city, period) == Decimal("4")  # with the city-only C3
    assert engine.ranks(absorb, period)[market.a.pk] == 1
    text = "\n".join(p.text for p in build_draft(market.a, period).all_paragraphs())
    assert "吸纳技术合同成交额100万元，输出技术合同成交额150万元，全市排名第一" in text
    assert "吸纳成交额完成市定目标的50.0%" in text and "参加创新创业大赛的项目1项" in text
    assert "青秀测试科技有限公司“节能电机”在第十三届中国创新创业大赛（广西赛区）中荣获二等奖" in text
