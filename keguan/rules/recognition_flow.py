"""The flow of an application for a named title other than 高企 (省级科技型企业, 专精特新, 瞪羚, 科技小巨人 …), pure
Python (no Django):

    申报 → 推荐 → 公示 → 认定
      └──────┴──────┴──→ 未通过 (with a reason)

Each step is dated: a step's date is not before the previous step's and not after today. 认定 and 未通过 end the
flow; nothing moves out of them. ``check_move`` returns the Chinese reason a move is refused, or None.
"""

from __future__ import annotations

import datetime as dt

APPLIED = "applied"
RECOMMENDED = "recommended"
PUBLICISED = "publicised"
GRANTED = "granted"
FAILED = "failed"

LABELS: dict[str, str] = {
    APPLIED: "申报",
    RECOMMENDED: "推荐",
    PUBLICISED: "公示",
    GRANTED: "认定",
    FAILED: "未通过",
}
ORDER = [APPLIED, RECOMMENDED, PUBLICISED, GRANTED]
FINAL = frozenset({GRANTED, FAILED})
# The date field each status records (the model's field names).
DATE_OF: dict[str, str] = {
    APPLIED: "applied_on",
    RECOMMENDED: "recommended_on",
    PUBLICISED: "publicised_on",
    GRANTED: "decided_on",
    FAILED: "decided_on",
}
MOVES: dict[str, tuple[str, ...]] = {
    APPLIED: (RECOMMENDED, FAILED),
    RECOMMENDED: (PUBLICISED, FAILED),
    PUBLICISED: (GRANTED, FAILED),
    GRANTED: (),
    FAILED: (),
}
VERBS: dict[str, str] = {RECOMMENDED: "推荐", PUBLICISED: "进入公示", GRANTED: "认定", FAILED: "未通过"}


def next_moves(status: str) -> tuple[str, ...]:
    return MOVES.get(status, ())


def check_move(source: str, target: str, *, on: dt.date | None, last_on: dt.date | None, today: dt.date,
               reason: str = "") -> str | None:
    """Why ``source`` → ``target`` on ``on`` may not be made, or None when it may. ``last_on``: the date of
    the latest step so far."""
    if source not in LABELS or target not in LABELS:
        return "未知的申报状态"
    if source in FINAL:
        return f"已{LABELS[source]}的申报不能再变更状态"
    if target == source:
        return f"申报已处于“{LABELS[source]}”状态"
    if target not in MOVES[source]:
        allowed = "、".join(LABELS[t] for t in MOVES[source])
        return f"“{LABELS[source]}”之后只能{allowed}，不能直接{LABELS[target]}"
    if target == FAILED and not reason.strip():
        return "未通过须写明原因"
    if on is None:
        return f"请填写{LABELS[target]}日期"
    if on > today:
        return f"{LABELS[target]}日期不能晚于今天"
    if last_on is not None and on < last_on:
        return f"{LABELS[target]}日期不能早于上一步的日期（{last_on:%Y-%m-%d}）"
    return None


def reached(status: str, step: str) -> bool:
    """Whether an application at ``status`` has passed through ``step`` (a 未通过 application counts as having
    passed the steps whose dates it carries; callers ask the dates for that)."""
    if status == FAILED:
        return step == APPLIED
    return ORDER.index(status) >= ORDER.index(step) if status in ORDER and step in ORDER else False
