"""Presenting indicator figures the way bureaus write them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from keguan.rules.periods import percent, rank_text

from .registry import Indicator
from .selectors import Score


def fmt_value(ind: Indicator, value: Decimal | None) -> str:
    if value is None:
        return "—"
    q = Decimal(1).scaleb(-ind.decimals)
    v = value.quantize(q, rounding=ROUND_HALF_UP)
    if ind.unit == "万元" and v == v.to_integral_value():
        return f"{v.to_integral_value():f}"
    return f"{v:f}"


@dataclass
class ScoreView:
    score: Score

    def __getattr__(self, name):
        return getattr(self.score, name)

    @property
    def code(self) -> str:
        return self.score.indicator.code

    @property
    def has_value(self) -> bool:
        return self.score.actual is not None

    @property
    def actual_text(self) -> str:
        return fmt_value(self.score.indicator, self.score.actual)

    @property
    def target_text(self) -> str:
        return "" if self.score.target is None else fmt_value(self.score.indicator, self.score.target)

    @property
    def basis_text(self) -> str:
        return fmt_value(self.score.indicator, self.score.basis)

    @property
    def completion_text(self) -> str:
        return "" if self.score.completion is None else percent(self.score.completion)

    @property
    def progress_text(self) -> str:
        return percent(self.score.time_progress)

    @property
    def growth_text(self) -> str:
        g = self.score.growth
        if g is None:
            return ""
        return ("增长" if g >= 0 else "下降") + percent(abs(g))

    @property
    def rank_text(self) -> str:
        return "" if self.score.rank is None else rank_text(self.score.rank)

    @property
    def url(self) -> str:
        ind = self.score.indicator
        return ind.records_url(self.score.region, self.score.period) if ind.records_url else ""


def score_view(score: Score) -> ScoreView:
    return ScoreView(score)


def table_cell(view: ScoreView) -> dict:
    """One cell of the city's districts × indicators table: the texts the template shows, each computed once
    (the template asks for some twice), in a dict (a template finds a dict key at the first try; an attribute
    only after a failed item lookup and, here, a delegation through ``ScoreView.__getattr__``)."""
    return {
        "has_value": view.has_value,
        "url": view.url if view.has_value else "",  # the template links only cells with a value
        "actual_text": view.actual_text,
        "rank": view.score.rank,
        "completion_text": view.completion_text,
    }
