"""The reviewer assignment rule (keguan.rules.reviewer_assign): no conflict ever, field matching, even load,
shortfalls — a hypothesis property over random pools. Pure Python, no database."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from keguan.rules.reviewer_assign import App, Reviewer, assign, spread, weighted_total

FIELDS = ["f0", "f1", "f2"]
APPLICANTS = [("ent", i) for i in range(6)] + [("org", i) for i in range(3)]
keys = st.sampled_from(APPLICANTS)


@st.composite
def pools(draw):
    apps = [App(i, draw(st.sampled_from(FIELDS)), frozenset({draw(keys)}))
            for i in range(1, draw(st.integers(1, 25)) + 1)]
    reviewers = [
        Reviewer(i, frozenset(draw(st.sets(st.sampled_from(FIELDS), min_size=1))),
                 frozenset(draw(st.sets(keys, max_size=1))), frozenset(draw(st.sets(keys, max_size=3))),
                 draw(st.booleans()) or draw(st.booleans()))
        for i in range(1, draw(st.integers(0, 15)) + 1)
    ]
    return apps, reviewers, draw(st.integers(1, 4))


@settings(max_examples=300, deadline=None)
@given(pools())
def test_no_conflict_ever_and_loads_even_among_universal_experts(pool):
    apps, reviewers, n = pool
    result = assign(apps, reviewers, n)
    by_id = {r.id: r for r in reviewers}
    for app in apps:
        chosen = result.assigned.get(app.id, [])
        assert len(chosen) == len(set(chosen))
        for e in chosen:
            r = by_id[e]
            assert r.available, "an unavailable expert was assigned"
            assert not app.keys & r.own, "an expert of the applicant's own organisation was assigned"
            assert not app.keys & r.conflicts, "an expert with a declared conflict was assigned"
        eligible = [r for r in reviewers if r.may_review(app)]
        matched = [r for r in eligible if app.field in r.fields]
        # as many as supply allows; field first
        assert len(chosen) == min(n, len(eligible))
        assert sum(app.field in by_id[e].fields for e in chosen) == min(n, len(matched))
        assert result.fallback.get(app.id, 0) == len(chosen) - min(n, len(matched))
        assert result.shortfalls.get(app.id, 0) == n - len(chosen)
    # experts that may review every application in its field: their loads differ by at most one
    universal = [r for r in reviewers if all(r.may_review(a) and a.field in r.fields for a in apps)]
    if universal:
        loads = [result.loads[r.id] for r in universal]
        assert max(loads) - min(loads) <= 1, loads


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 40), st.integers(1, 12), st.integers(1, 5))
def test_one_field_no_conflicts_spreads_within_one(n_apps, n_experts, n):
    apps = [App(i, "f0", frozenset({("ent", i)})) for i in range(1, n_apps + 1)]
    reviewers = [Reviewer(i, frozenset({"f0"})) for i in range(100, 100 + n_experts)]
    result = assign(apps, reviewers, n)
    loads = list(result.loads.values())
    assert max(loads) - min(loads) <= 1
    assert sum(loads) == n_apps * min(n, n_experts)


def test_field_matching_and_fallback_said():
    apps = [App(1, "bio", frozenset({("ent", 1)}))]
    reviewers = [Reviewer(10, frozenset({"bio"})), Reviewer(11, frozenset({"it"})), Reviewer(12, frozenset({"it"}))]
    result = assign(apps, reviewers, 2)
    assert result.assigned[1] == [10, 11]  # the field first, then the least loaded other by id
    assert result.fallback == {1: 1} and not result.shortfalls
    assert "另从其他领域选了1位" in result.notes({1: "某项目"})[0]


def test_own_organisation_and_conflicts_leave_a_shortfall():
    apps = [App(1, "it", frozenset({("org", 5)})), App(2, "it", frozenset({("ent", 7)}))]
    reviewers = [Reviewer(1, frozenset({"it"}), own=frozenset({("org", 5)})),
                 Reviewer(2, frozenset({"it"}), conflicts=frozenset({("ent", 7)})),
                 Reviewer(3, frozenset({"it"}), available=False)]
    result = assign(apps, reviewers, 1)
    assert result.assigned == {1: [2], 2: [1]}
    assert assign(apps, reviewers, 2).shortfalls == {1: 1, 2: 1}


def test_existing_assignments_are_kept_and_counted():
    apps = [App(1, "it", frozenset({("ent", 1)})), App(2, "it", frozenset({("ent", 2)}))]
    reviewers = [Reviewer(1, frozenset({"it"})), Reviewer(2, frozenset({"it"}))]
    result = assign(apps, reviewers, 1, existing={1: [1]})
    assert result.assigned == {2: [2]}
    assert result.loads == {1: 1, 2: 1}


def test_deterministic():
    apps = [App(i, "it", frozenset({("ent", i)})) for i in range(30)]
    reviewers = [Reviewer(i, frozenset({"it"})) for i in range(7)]
    assert assign(apps, reviewers, 3).assigned == assign(list(apps), list(reversed(reviewers)), 3).assigned


def test_weighted_total_and_spread():
    assert weighted_total({1: 80, 2: 60}, {1: 70, 2: 30}) == 74.0
    assert weighted_total({}, {}) == 0.0
    assert spread([74.0, 90.0, 81.5]) == 16.0 and spread([]) is None
