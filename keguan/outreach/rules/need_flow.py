"""The needs ledger's status flow (需求台账), as pure Python: 新提出 → 跟进中 → 已解决 / 无法解决.

* a new need is taken up (跟进中) when an owner is named, when a follow-up is recorded, or by hand;
* only a need being followed up is closed: 已解决 with how it was solved, 无法解决 with the reason;
* a closed need may be taken up again (重新跟进), e.g. when the firm says the solution did not hold.

Every other move is refused with a sentence saying why and what to do instead.
"""

from __future__ import annotations

NEW, FOLLOWING, SOLVED, UNSOLVABLE = "new", "following", "solved", "unsolvable"
LABELS = {NEW: "新提出", FOLLOWING: "跟进中", SOLVED: "已解决", UNSOLVABLE: "无法解决"}
OPEN = (NEW, FOLLOWING)
CLOSED = (SOLVED, UNSOLVABLE)
STALE_DAYS = 30  # an open need older than this is a 待办 of its owner

MOVES: dict[str, tuple[str, ...]] = {
    NEW: (FOLLOWING,),
    FOLLOWING: (SOLVED, UNSOLVABLE),
    SOLVED: (FOLLOWING,),
    UNSOLVABLE: (FOLLOWING,),
}

MOVE_LABELS = {
    (NEW, FOLLOWING): "开始跟进",
    (FOLLOWING, SOLVED): "标记为已解决",
    (FOLLOWING, UNSOLVABLE): "标记为无法解决",
    (SOLVED, FOLLOWING): "重新跟进",
    (UNSOLVABLE, FOLLOWING): "重新跟进",
}


def allowed(source: str, target: str) -> bool:
    return target in MOVES.get(source, ())


def refusal(source: str, target: str) -> str | None:
    """Why ``source`` → ``target`` is not allowed, in words; None when it is."""
    if allowed(source, target):
        return None
    if source not in LABELS or target not in LABELS:
        return "未知的需求状态"
    if source == target:
        return f"该需求已是“{LABELS[source]}”状态"
    if source == NEW and target in CLOSED:
        return f"新提出的需求须先开始跟进（转为“跟进中”），才能标记为“{LABELS[target]}”"
    if source in CLOSED and target in CLOSED:
        return f"该需求已办结（{LABELS[source]}），如需改为“{LABELS[target]}”，请先重新跟进"
    if target == NEW:
        return "需求不能退回“新提出”状态；如需更换跟进人，直接重新指定即可"
    return f"需求不能由“{LABELS[source]}”改为“{LABELS[target]}”"


def needs_result(target: str) -> str | None:
    """What the move must say: how it was solved, or why it cannot be (None: nothing)."""
    if target == SOLVED:
        return "请填写办理结果（怎样解决的）"
    if target == UNSOLVABLE:
        return "请填写无法解决的原因"
    return None


def is_stale(status: str, age_days: int) -> bool:
    return status in OPEN and age_days > STALE_DAYS


# Answers to a question with a need category that say "nothing needed" do not become needs.
NO_NEED = frozenset({"无", "没有", "暂无", "否", "无需求", "暂无需求", "没有需求", "不需要", "/", "-", "—"})


def states_a_need(value: str) -> bool:
    text = (value or "").strip().strip("。.").strip()
    return bool(text) and text not in NO_NEED
