"""Deleting 技术市场与科技成果 records: a confirm page, POST only, the history keeping who removed what; a contract
that also counts for another district is refused to a district's staff (the city removes it); another district's
staff get 404, read-only staff 403."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from keguan.core.errors import ServiceError
from keguan.market.models import Award, ContractSide, Result, TechContract
from keguan.market.services import award_create, contract_create, record_delete, result_create

ON = dt.date.today() - dt.timedelta(days=5)


def contract(number, seller, buyer, **kw):
    return contract_create(
        actor=None,
        number=number,
        name=f"合同{number}",
        kind="development",
        seller_name="卖方单位",
        buyer_name="买方单位",
        seller_region=seller,
        buyer_region=buyer,
        registered_on=ON,
        contract_amount=Decimal("100000"),
        transaction_amount=Decimal("50000"),
        **kw,
    )


@pytest.fixture
def records(world):
    return {
        "contract": contract("D1", world.a, world.a),
        "result": result_create(
            actor=None,
            district=world.a,
            name="青秀新材料成果",
            holders="青秀测试科技有限公司",
            registered_on=ON,
        ),
        "award": award_create(
            actor=None,
            district=world.a,
            kind="contest",
            name="创新创业大赛",
            level="province",
            year=ON.year,
            project="青秀参赛项目",
            prize="二等奖",
            winners="青秀测试科技有限公司",
        ),
    }


KINDS = [  # (record key, URL name, model, list URL name, heading, a line the page shows)
    (
        "contract",
        "market:contract_delete",
        TechContract,
        "market:contracts",
        "删除技术合同",
        "2 条吸纳/输出计数一并删除",
    ),
    ("result", "market:result_delete", Result, "market:results", "删除科技成果", "青秀新材料成果"),
    ("award", "market:award_delete", Award, "market:awards", "删除获奖与参赛记录", "青秀参赛项目"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("key,name,model,list_name,heading,line", KINDS)
def test_each_record_is_deleted_after_a_confirm_page(
    world, records, client, key, name, model, list_name, heading, line
):
    obj = records[key]
    client.force_login(world.staff)
    detail = client.get(reverse(f"market:{key}", args=[obj.pk])).content.decode()
    assert reverse(name, args=[obj.pk]) in detail
    page = client.get(reverse(name, args=[obj.pk]))
    text = page.content.decode()
    assert (
        page.status_code == 200
        and heading in text
        and line in text
        and 'data-testid="confirm-delete"' in text
    )
    assert model.objects.filter(pk=obj.pk).exists()
    r = client.post(reverse(name, args=[obj.pk]))
    assert r.status_code == 302 and r.url == reverse(list_name)
    assert not model.objects.filter(pk=obj.pk).exists()
    gone = model.history.filter(id=obj.pk).latest("history_date")
    assert (
        gone.history_type == "-"
        and gone.history_user == world.staff
        and gone.history_change_reason == heading
    )


@pytest.mark.django_db
def test_a_deleted_contract_leaves_the_totals(world, records, client):
    c = records["contract"]
    client.force_login(world.staff)
    client.post(reverse("market:contract_delete", args=[c.pk]))
    assert not ContractSide.objects.filter(contract_id=c.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("key,name", [(k, n) for k, n, *_ in KINDS])
def test_other_district_gets_404_and_readers_403(world, records, client, key, name):
    obj = records[key]
    client.force_login(world.outsider)
    assert client.get(reverse(name, args=[obj.pk])).status_code == 404
    assert client.post(reverse(name, args=[obj.pk])).status_code == 404
    for user in (world.town, world.ent_user, world.expert):
        client.force_login(user)
        assert client.post(reverse(name, args=[obj.pk])).status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()


@pytest.mark.django_db
def test_a_contract_counted_for_another_district_is_left_to_the_city(world, client):
    shared = contract("D2", world.a, world.b)  # A sells to B: 输出 for A, 吸纳 for B
    url = reverse("market:contract_delete", args=[shared.pk])
    # both districts see it; neither removes the other's count
    for user, other in ((world.staff, f"{world.b.name}的吸纳"), (world.outsider, f"{world.a.name}的输出")):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert f"该合同同时计入{other}" in page and "由市局删除" in page
        assert 'data-testid="confirm-delete"' not in page
        assert client.post(url).status_code == 200
    assert TechContract.objects.filter(pk=shared.pk).exists()
    with pytest.raises(ServiceError, match="本局不能删除"):
        record_delete(actor=world.staff, obj=shared)
    client.force_login(world.city_user)  # the common superior removes it
    assert client.post(url).status_code == 302
    assert not TechContract.objects.filter(pk=shared.pk).exists()


@pytest.mark.django_db
def test_a_contract_with_a_party_outside_the_city_is_the_districts_own(world, client):
    own = contract("D3", world.a, None, buyer_area="北京市海淀区")
    client.force_login(world.staff)
    page = client.get(reverse("market:contract_delete", args=[own.pk])).content.decode()
    assert "1 条吸纳/输出计数一并删除" in page and "再次导入该表时会重新登记" in page
    assert client.post(reverse("market:contract_delete", args=[own.pk])).status_code == 302
