"""Choosing the reviewers of a call's applications (pure Python, no Django).

Each application gets ``n`` experts:

* never an expert who is not available, whose own organisation is the applicant (``own`` keys), or who
  declared a conflict with it (``conflicts`` keys) — a key is ("ent", enterprise id) or ("org", organisation id);
* first experts whose fields include the application's field; when fewer than ``n`` of them can review it,
  the rest from any other available expert, and the result says so (``fallback``);
* spread evenly: among the experts that may review an application, the least loaded first (ties broken by
  expert id, so the same input always gives the same output). Applications with the fewest eligible experts
  are served first, so that scarce experts go where they are needed.

An application that cannot get ``n`` experts even so is reported in ``shortfalls`` (application id → how many
are missing). ``existing`` (application id → expert ids already assigned) is kept: those experts count in
the loads and the application only gets what it lacks.

Invariant (tests/projects/test_review.py): among experts eligible for every application, loads differ by at
most one after a run that starts from no existing assignments.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

Key = tuple[str, int]


@dataclass(frozen=True)
class App:
    id: int
    field: str
    keys: frozenset[Key]  # the applicant: {("ent", 12)} or {("org", 3)}


@dataclass(frozen=True)
class Reviewer:
    id: int
    fields: frozenset[str]
    own: frozenset[Key] = frozenset()  # the expert's own enterprise / organisation
    conflicts: frozenset[Key] = frozenset()  # declared conflicts
    available: bool = True

    def may_review(self, app: App) -> bool:
        return self.available and not (app.keys & (self.own | self.conflicts))


@dataclass
class Result:
    assigned: dict[int, list[int]] = field(default_factory=dict)  # application id → new expert ids, in order
    fallback: dict[int, int] = field(default_factory=dict)  # application id → experts taken outside its field
    shortfalls: dict[int, int] = field(default_factory=dict)  # application id → experts still missing
    loads: dict[int, int] = field(default_factory=dict)  # expert id → assignments (existing + new)

    def notes(self, titles: Mapping[int, str] | None = None) -> list[str]:
        """The result in words (Chinese, for the bureau)."""

        def name(a: int) -> str:
            return f"“{titles[a]}”" if titles and a in titles else f"第{a}号申报"

        out = []
        for a, k in self.fallback.items():
            out.append(f"{name(a)}同领域专家不足，另从其他领域选了{k}位")
        for a, k in self.shortfalls.items():
            out.append(f"{name(a)}可选专家不足，还差{k}位")
        return out


def assign(
    apps: Sequence[App], reviewers: Iterable[Reviewer], n: int, *,
    existing: Mapping[int, Iterable[int]] | None = None,
) -> Result:
    if n < 1:
        raise ValueError("n must be at least 1")
    pool = sorted(reviewers, key=lambda r: r.id)
    existing = {a: list(ids) for a, ids in (existing or {}).items()}
    loads: dict[int, int] = {r.id: 0 for r in pool}
    for ids in existing.values():
        for e in ids:
            loads[e] = loads.get(e, 0) + 1
    available = [r for r in pool if r.available]
    # Index: who has which field, who is barred from which applicant key.
    by_field: dict[str, list[Reviewer]] = {}
    for r in available:
        for f in r.fields:
            by_field.setdefault(f, []).append(r)
    barred: dict[Key, set[int]] = {}
    for r in available:
        for k in r.own | r.conflicts:
            barred.setdefault(k, set()).add(r.id)

    def excluded(app: App) -> set[int]:
        out: set[int] = set(existing.get(app.id, ()))
        for k in app.keys:
            out |= barred.get(k, set())
        return out

    # Scarce first: fewest eligible experts in the field, then fewest eligible at all, then by id.
    plans = []
    for app in apps:
        bar = excluded(app)
        matched = [r for r in by_field.get(app.field, ()) if r.id not in bar]
        plans.append((len(matched), len(available) - len(bar), app.id, app, bar, matched))
    plans.sort(key=lambda p: (p[0], p[1], p[2]))

    result = Result()
    for _, _, _, app, bar, matched in plans:
        need = n - len(existing.get(app.id, ()))
        if need <= 0:
            continue
        chosen = heapq.nsmallest(need, matched, key=lambda r: (loads[r.id], r.id))
        if len(chosen) < need:
            taken = {r.id for r in chosen} | bar
            others = [r for r in available if r.id not in taken and app.field not in r.fields]
            extra = heapq.nsmallest(need - len(chosen), others, key=lambda r: (loads[r.id], r.id))
            if extra:
                result.fallback[app.id] = len(extra)
            chosen += extra
        for r in chosen:
            loads[r.id] += 1
        result.assigned[app.id] = [r.id for r in chosen]
        if len(chosen) < need:
            result.shortfalls[app.id] = need - len(chosen)
    result.loads = loads
    return result


def weighted_total(scores: Mapping[int, int], weights: Mapping[int, int]) -> float:
    """The weighted score (0–100) of one review: Σ score × weight / Σ weight over the criteria."""
    total_weight = sum(weights.values())
    if not total_weight:
        return 0.0
    return sum(scores.get(c, 0) * w for c, w in weights.items()) / total_weight


def spread(values: Sequence[float]) -> float | None:
    """max − min of the reviewers' totals (None without any)."""
    return (max(values) - min(values)) if values else None
