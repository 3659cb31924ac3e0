"""Which recorded facts bear on an assessment: the windows of ``facts_in_force``."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keguan.rules.explain import FACT_WINDOWS, facts_in_force

ON = dt.date(2025, 6, 1)


@pytest.mark.parametrize(
    ("kind", "year", "holds"),
    [
        ("major_accident", 2025, True), ("major_accident", 2024, True), ("major_accident", 2023, False),
        ("environmental_offence", 2026, False),  # after the assessment: not yet
        ("national_award", 2020, True), ("national_award", 2019, False),
        ("led_standard", 2020, True), ("led_standard", 2019, False),
        ("rd_institution", 2001, True), ("prohibited_product", 2025, True), ("prohibited_product", 2026, False),
    ],
)
def test_windows_on_both_sides(kind, year, holds):
    assert facts_in_force([(kind, year)], ON) == ({kind: True} if holds else {})


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        facts_in_force([("weather", 2025)], ON)


@given(st.lists(st.tuples(st.sampled_from(sorted(FACT_WINDOWS)), st.integers(1990, 2030)), max_size=8))
def test_order_of_records_does_not_matter_and_more_records_never_remove_a_fact(records):
    forward, backward = facts_in_force(records, ON), facts_in_force(list(reversed(records)), ON)
    assert forward == backward
    assert set(facts_in_force(records[:-1], ON)) <= set(forward)
