"""How the rules' results look on the pages: badge colours and the score trees as flat rows."""

from __future__ import annotations

from dataclasses import dataclass

from keguan.rules.explain import Basis, ScorePart, Status

STATUS_CLASSES = {
    Status.PASSED: "text-bg-success",
    Status.FAILED: "text-bg-danger",
    Status.UNCERTAIN: "text-bg-warning",
    Status.INCOMPLETE: "text-bg-secondary",
    Status.INVALID: "text-bg-dark",
}
BASIS_CLASSES = {
    Basis.COMPUTED: "text-bg-light border",
    Basis.ESTIMATE: "text-bg-info",
    Basis.UNESTIMATED: "text-bg-warning",
    Basis.MIXED: "text-bg-light border border-warning",
}


@dataclass(frozen=True)
class PartRow:
    depth: int
    part: ScorePart

    @property
    def points(self) -> str:
        return points_text(self.part)


def points_text(part: ScorePart | None) -> str:
    if part is None:
        return "—"
    return f"{part.low}分" if part.exact else f"{part.low}–{part.high}分"


def flatten(score: ScorePart | None) -> list[PartRow]:
    """The parts under ``score`` (not ``score`` itself), depth first, with their depth (1 = a main part)."""
    rows: list[PartRow] = []

    def walk(part: ScorePart, depth: int) -> None:
        for sub in part.parts:
            rows.append(PartRow(depth, sub))
            walk(sub, depth + 1)

    if score is not None:
        walk(score, 1)
    return rows
