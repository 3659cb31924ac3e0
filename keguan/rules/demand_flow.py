"""The 服务需求 (a need posted by a village or an enterprise) workflow: statuses and the legal moves (pure Python).

    待派单 ──派单(局)──→ 已派 ──接单(特派员)──→ 服务中 ──完成(特派员/局)──→ 已完成 ──评价(需求方)
      │   ←─退回(特派员，须说明原因)─┤ └──改派(局)──→ 已派
      └──────────────────┴───────────────────┴──撤销(局，须说明原因；需求方可撤销待派单的)──→ 已撤销

A commissioner that cannot take a dispatched need sends it back (退回) before accepting it: the need is 待派单
again, the bureau dispatches it anew (``decline_problem``: the reason it must give). 已完成 and 已撤销 are final.
``refusal`` says in Chinese why a move is not allowed (None when it is)."""

from __future__ import annotations

from dataclasses import dataclass

NEW = "new"
DISPATCHED = "dispatched"
SERVING = "serving"
DONE = "done"
CANCELLED = "cancelled"

LABELS = {NEW: "待派单", DISPATCHED: "已派", SERVING: "服务中", DONE: "已完成", CANCELLED: "已撤销"}
OPEN = (NEW, DISPATCHED, SERVING)
FINAL = (DONE, CANCELLED)

STAFF = "staff"  # the district bureau (fieldwork.manage)
COMMISSIONER = "commissioner"  # the commissioner the need was dispatched to
REQUESTER = "requester"  # the township liaison or the enterprise that posted it
SIDES = {STAFF: "科技局", COMMISSIONER: "接单的特派员", REQUESTER: "需求方"}

# action → (the statuses it starts from, the status it leads to, who may do it, the button's word)
DISPATCH, START, COMPLETE, CANCEL = "dispatch", "start", "complete", "cancel"
DECLINE = "decline"  # the commissioner sends a dispatched need back (with a reason); the bureau dispatches anew


@dataclass(frozen=True)
class Action:
    code: str
    verb: str
    sources: dict[str, frozenset[str]]  # side → statuses it may act from
    target: str
    reason: bool = False


ACTIONS: dict[str, Action] = {
    DISPATCH: Action(DISPATCH, "派单", {STAFF: frozenset({NEW, DISPATCHED})}, DISPATCHED),
    START: Action(START, "接单并开始服务", {COMMISSIONER: frozenset({DISPATCHED})}, SERVING),
    DECLINE: Action(DECLINE, "退回派单", {COMMISSIONER: frozenset({DISPATCHED})}, NEW, reason=True),
    COMPLETE: Action(COMPLETE, "服务完成", {COMMISSIONER: frozenset({SERVING}), STAFF: frozenset({SERVING})}, DONE),
    CANCEL: Action(CANCEL, "撤销", {STAFF: frozenset(OPEN), REQUESTER: frozenset({NEW})}, CANCELLED, reason=True),
}


def refusal(action: str, status: str, side: str) -> str | None:
    """Why ``side`` may not do ``action`` on a need in ``status``; None when it may."""
    act = ACTIONS.get(action)
    if act is None:
        return "未知的操作"
    now = LABELS.get(status, status)
    if side not in act.sources:
        who = "、".join(SIDES[s] for s in act.sources)
        return f"“{act.verb}”只能由{who}操作"
    if status in act.sources[side]:
        return None
    if status in FINAL:
        return f"该需求{now}，不能再{act.verb}"
    allowed = "、".join(LABELS[s] for s in sorted(act.sources[side], key=list(LABELS).index))
    return f"该需求当前为“{now}”，不能{act.verb}（{SIDES[side]}只能在“{allowed}”时{act.verb}）"


def actions_for(status: str, sides: set[str]) -> list[str]:
    """The actions any of ``sides`` may take on a need in ``status`` (for the page's buttons)."""
    return [code for code, act in ACTIONS.items() if any(status in act.sources.get(s, ()) for s in sides)]


# 退回派单: the reason is a code of the bureau's list (数据字典“特派员退回派单原因”); "其他" needs words
DECLINE_OTHER = "other"
DECLINE_REASONS = (("not_my_field", "不在服务领域"), ("time_conflict", "时间冲突"), (DECLINE_OTHER, "其他"))
DECLINE_NOTE_MAX = 200


def decline_problem(reason: str, note: str, known: set[str] | frozenset[str]) -> tuple[str, str] | None:
    """What is wrong with a decline's reason, as (field, words); None when it will do. ``known``: the codes
    that may be chosen now."""
    note = (note or "").strip()
    if not reason:
        return "reason", "请选择退回原因"
    if reason not in known:
        return "reason", "所选退回原因不可用，请重新选择"
    if reason == DECLINE_OTHER and not note:
        return "note", "退回原因选“其他”时，请写明具体原因"
    if len(note) > DECLINE_NOTE_MAX:
        return "note", f"说明最多{DECLINE_NOTE_MAX}字"
    return None
