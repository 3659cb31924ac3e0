"""技术合同 吸纳/输出 through the services: where a contract counts, kept right when a party moves; the city's
吸纳 total is its districts' plus the city-only part, nothing twice (a hypothesis property)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keguan.core.errors import ServiceError
from keguan.core.scope import scoped
from keguan.market.models import ContractSide, TechContract
from keguan.market.services import contract_create, contract_update
from keguan.regions.models import Region

ON = dt.date(2024, 5, 10)


def make(world, number, seller, buyer, amount="100000", **kw):
    return contract_create(actor=kw.pop("actor", None), number=number, name=f"合同{number}", kind="development",
                           seller_name=kw.pop("seller_name", "卖方单位"), buyer_name=kw.pop("buyer_name", "买方单位"),
                           seller_region=seller, buyer_region=buyer, registered_on=ON,
                           contract_amount=Decimal(amount), transaction_amount=Decimal(amount) / 2, **kw)


def sides(contract):
    return sorted((s.side, s.city.code, s.district.code if s.district else None) for s in contract.sides.all())


@pytest.mark.django_db
def test_inside_one_district_counts_once_each_way(world):
    c = make(world, "T1", world.a, world.a)
    assert sides(c) == [("absorb", "450100", "450103"), ("output", "450100", "450103")]
    side = c.sides.get(side="absorb")
    assert side.contract_amount == Decimal("100000.00") and side.registered_on == ON


@pytest.mark.django_db
def test_across_districts_absorbs_for_the_buyer_and_outputs_for_the_seller(world):
    c = make(world, "T2", world.a, world.b)
    assert sides(c) == [("absorb", "450100", "450105"), ("output", "450100", "450103")]


@pytest.mark.django_db
def test_outside_the_city_counts_for_neither_or_one(world):
    province = Region.objects.get(code="450000")
    assert sides(make(world, "T3", None, None, seller_area="北京市海淀区", buyer_area="上海市")) == []
    assert sides(make(world, "T4", province, None)) == []  # a province names no city
    assert sides(make(world, "T5", None, world.b, seller_area="北京市海淀区")) == [("absorb", "450100", "450105")]


@pytest.mark.django_db
def test_a_party_known_only_to_the_city_counts_for_the_city_under_no_district(world):
    c = make(world, "T6", world.city, world.a_town)  # a township's county is its district
    assert sides(c) == [("absorb", "450100", "450103"), ("output", "450100", None)]


@pytest.mark.django_db
def test_moving_a_party_updates_the_sides_and_their_amounts(world):
    c = make(world, "T7", world.a, world.a)
    c = contract_update(contract=c, actor=None, buyer_region=world.b, contract_amount=Decimal("300000"),
                        transaction_amount=Decimal("1000"), version=c.version)
    assert sides(c) == [("absorb", "450100", "450105"), ("output", "450100", "450103")]
    assert set(c.sides.values_list("contract_amount", flat=True)) == {Decimal("300000.00")}
    c = contract_update(contract=c, actor=None, seller_region=None, seller_area="北京市")
    assert sides(c) == [("absorb", "450100", "450105")]
    assert c.seller_area == "北京市"


@pytest.mark.django_db
def test_rules_transaction_within_contract_and_a_district_records_only_its_own(world):
    with pytest.raises(ServiceError) as e:
        contract_create(actor=None, number="X", name="x", kind="service", seller_name="a", buyer_name="b",
                        registered_on=ON, contract_amount=Decimal("100"), transaction_amount=Decimal("101"))
    assert e.value.field == "transaction_amount"
    with pytest.raises(ServiceError) as e:
        make(world, "X2", world.b, world.b, actor=world.staff)
    assert "青秀区" in e.value.message
    make(world, "X3", world.b, world.a, actor=world.staff)


@pytest.mark.django_db
def test_parties_matched_to_the_register_by_credit_code(world):
    c = make(world, "M1", None, None, seller_code=world.ent_a.credit_code, seller_name="青秀测试科技",
             buyer_name=world.ent_b.name)
    assert c.seller_enterprise == world.ent_a and c.buyer_enterprise == world.ent_b
    # a matched firm without a written region lends its district
    assert sides(c) == [("absorb", "450100", "450105"), ("output", "450100", "450103")]


@pytest.mark.django_db
def test_a_district_sees_the_contracts_it_is_party_to_once(world):
    both = make(world, "S1", world.a, world.a)
    across = make(world, "S2", world.a, world.b)
    b_only = make(world, "S3", world.b, None, buyer_area="北京市")
    city_only = make(world, "S4", world.city, None, buyer_area="北京市")
    mine = list(scoped(TechContract, world.staff).order_by("number"))
    assert mine == [both, across]  # each once, though S1 has two sides in A
    assert list(scoped(TechContract, world.outsider).order_by("number")) == [across, b_only]
    assert list(scoped(TechContract, world.city_user).order_by("number")) == [both, across, b_only, city_only]
    assert scoped(ContractSide, world.staff).count() == 3


DISTRICTS = ["450102", "450103", "450105", "450107", "450108"]
PLACES = st.one_of(st.none(), st.sampled_from([*DISTRICTS, "450100", "450000", "outside"]))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(PLACES, PLACES, st.integers(1, 10**6)), min_size=1, max_size=12))
@pytest.mark.django_db
def test_city_absorb_total_is_districts_plus_city_only_nothing_twice(world, contracts):
    TechContract.objects.all().delete()
    regions = {r.code: r for r in Region.objects.filter(code__in=[*DISTRICTS, "450100", "450000"])}
    expected = Counter()
    for i, (seller, buyer, yuan) in enumerate(contracts):
        def region(code):
            return regions.get(code) if code and code != "outside" else None
        make(world, f"P{i}", region(seller), region(buyer), amount=str(yuan),
             seller_area="北京市" if seller == "outside" else "", buyer_area="北京市" if buyer == "outside" else "")
        if buyer in DISTRICTS or buyer == "450100":
            expected["absorb"] += yuan
        if seller in DISTRICTS or seller == "450100":
            expected["output"] += yuan
    rows = ContractSide.objects.all()
    for side in ("absorb", "output"):
        city_total = sum(r.contract_amount for r in rows.filter(side=side))
        by_district = sum(r.contract_amount for r in rows.filter(side=side, district__isnull=False))
        city_only = sum(r.contract_amount for r in rows.filter(side=side, district__isnull=True))
        assert city_total == by_district + city_only == expected[side]
        assert rows.filter(side=side).values("contract").distinct().count() == rows.filter(side=side).count()
