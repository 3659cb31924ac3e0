"""The year-end assessment points of a 科技特派员 (责任状考核): a rule the bureau sees and tunes.

Points come from four parts, each capped:

* service logs in the year: ``per_log`` each, at most ``log_cap``;
* dispatched needs completed in the year: ``per_dispatch`` each, at most ``dispatch_cap``;
* training hours attended in the year: ``per_training_hour`` each, at most ``training_cap``;
* the letter's goals: ``goals_weight`` × goals met ÷ goals set (0 when the letter sets no goal).

The suggested rating is 优秀 from ``excellent_from``, 合格 from ``pass_from``, 基本合格 from ``basic_from``,
不合格 below; the bureau records the final rating. With the defaults the four parts add up to 100.

Pure Python: no Django import. Amounts are Decimal, rounded to two places half up at the end of each part.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")

RATINGS = {"excellent": "优秀", "pass": "合格", "basic": "基本合格", "fail": "不合格"}


@dataclass(frozen=True)
class Weights:
    per_log: Decimal = Decimal("2")
    log_cap: Decimal = Decimal("40")
    per_dispatch: Decimal = Decimal("5")
    dispatch_cap: Decimal = Decimal("20")
    per_training_hour: Decimal = Decimal("1")
    training_cap: Decimal = Decimal("10")
    goals_weight: Decimal = Decimal("30")
    excellent_from: Decimal = Decimal("90")
    pass_from: Decimal = Decimal("60")
    basic_from: Decimal = Decimal("50")

    def problems(self) -> list[str]:
        """What is wrong with these weights (empty when they can be used)."""
        out = [f"{label}不能为负数" for label, value in (
            ("每条服务日志", self.per_log), ("服务日志最高计", self.log_cap), ("每完成一次派单", self.per_dispatch),
            ("派单最高计", self.dispatch_cap), ("每参训1学时", self.per_training_hour), ("参训最高计", self.training_cap),
            ("责任状目标完成（满分）", self.goals_weight)) if value < 0]
        if not (self.excellent_from >= self.pass_from >= self.basic_from >= 0):
            out.append("分数线应满足：优秀分数线 ≥ 合格分数线 ≥ 基本合格分数线 ≥ 0")
        return out

    @property
    def full_marks(self) -> Decimal:
        return self.log_cap + self.dispatch_cap + self.training_cap + self.goals_weight


@dataclass(frozen=True)
class Record:
    """What a commissioner did in the assessed year."""

    logs: int = 0
    dispatches_done: int = 0
    training_hours: Decimal = Decimal("0")
    goals: int = 0
    goals_met: int = 0


@dataclass(frozen=True)
class Line:
    label: str
    basis: str  # how it was counted, in words: "服务日志 24 条 × 2 分，最高 40 分"
    points: Decimal


@dataclass(frozen=True)
class Points:
    total: Decimal
    lines: tuple[Line, ...]
    rating: str  # a key of RATINGS

    @property
    def rating_label(self) -> str:
        return RATINGS[self.rating]


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _n(value: Decimal) -> str:
    """A weight as people write it: 2, 0.5, 12.5."""
    text = format(value.normalize(), "f")
    return text


def assess(record: Record, weights: Weights = Weights()) -> Points:
    if record.logs < 0 or record.dispatches_done < 0 or record.training_hours < 0 or record.goals < 0:
        raise ValueError("计数不能为负数")
    if not 0 <= record.goals_met <= record.goals:
        raise ValueError("完成目标数应在0到目标数之间")
    logs = _q(min(weights.per_log * record.logs, weights.log_cap))
    dispatches = _q(min(weights.per_dispatch * record.dispatches_done, weights.dispatch_cap))
    training = _q(min(weights.per_training_hour * record.training_hours, weights.training_cap))
    goals = _q(weights.goals_weight * record.goals_met / record.goals) if record.goals else Decimal("0.00")
    lines = (
        Line("服务日志", f"{record.logs} 条 × {_n(weights.per_log)} 分，最高 {_n(weights.log_cap)} 分", logs),
        Line("完成派单", f"{record.dispatches_done} 次 × {_n(weights.per_dispatch)} 分，最高 {_n(weights.dispatch_cap)} 分",
             dispatches),
        Line("参加培训", f"{_n(record.training_hours)} 学时 × {_n(weights.per_training_hour)} 分，"
             f"最高 {_n(weights.training_cap)} 分", training),
        Line("责任状目标", (f"完成 {record.goals_met}/{record.goals} 项 × {_n(weights.goals_weight)} 分" if record.goals
                       else "责任状未列目标，记 0 分"), goals),
    )
    total = logs + dispatches + training + goals
    if total >= weights.excellent_from:
        rating = "excellent"
    elif total >= weights.pass_from:
        rating = "pass"
    elif total >= weights.basic_from:
        rating = "basic"
    else:
        rating = "fail"
    return Points(total=total, lines=lines, rating=rating)
