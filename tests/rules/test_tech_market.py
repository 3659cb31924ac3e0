"""技术合同 吸纳/输出 (keguan.rules.tech_market): the worked cases and the property that nothing is counted twice."""

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from keguan.rules.tech_market import ABSORB, OUTPUT, Side, sides

CITY = "4501"


def test_worked_cases():
    assert sides("450103", "450105", city=CITY) == (Side(ABSORB, "450105"), Side(OUTPUT, "450103"))
    assert sides("450103", "450103", city=CITY) == (Side(ABSORB, "450103"), Side(OUTPUT, "450103"))  # once each
    assert sides("110108", "310115", city=CITY) == ()  # neither end in the city
    assert sides("110108", "450127", city=CITY) == (Side(ABSORB, "450127"),)  # bought from Beijing
    assert sides("450127", "110108", city=CITY) == (Side(OUTPUT, "450127"),)
    assert sides("450100", "450103", city=CITY) == (Side(ABSORB, "450103"), Side(OUTPUT, None))  # city-level seller
    assert sides(None, "4501", city=CITY) == (Side(ABSORB, None),)
    assert sides("", "abc", city=CITY) == ()


CODES = st.one_of(st.none(), st.sampled_from(["450102", "450103", "450105", "450127", "450100", "451002",
                                              "110108", "310115", "4501", "45010300"]))


@given(st.lists(st.tuples(CODES, CODES), max_size=60))
def test_the_city_total_is_its_districts_plus_the_city_only_part_nothing_twice(contracts):
    city = Counter()
    districts = Counter()
    for seller, buyer in contracts:
        counted = sides(seller, buyer, city=CITY)
        assert len([s for s in counted if s.side == ABSORB]) <= 1
        assert len([s for s in counted if s.side == OUTPUT]) <= 1
        inside = [c for c in (seller, buyer) if c and c[:4] == CITY]
        if not inside:
            assert counted == ()
        for s in counted:
            city[s.side] += 1
            districts[(s.side, s.district)] += 1
    for side in (ABSORB, OUTPUT):
        assert city[side] == sum(n for (sd, _d), n in districts.items() if sd == side)
        buyers_in = sum(1 for seller, buyer in contracts if buyer and buyer[:4] == CITY)
        sellers_in = sum(1 for seller, buyer in contracts if seller and seller[:4] == CITY)
        assert city[ABSORB] == buyers_in and city[OUTPUT] == sellers_in
