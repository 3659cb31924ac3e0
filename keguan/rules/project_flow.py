"""The S&T project workflow: its statuses and the legal moves between them (pure Python, no Django).

    草稿 → 已提交 → 形式审查 ─┬→ 专家评审 → 立项 / 不予立项          (the bureau's own programs)
                              └→ 推荐上级 → 立项 / 不予立项          (upward programs: the upper level decides)
    立项 → 签约 → 实施 → 验收 → 结题

Besides the forward moves:
- 退回 (``RETURNED``): from 已提交 / 形式审查 / 专家评审 back to the applicant with reasons; the applicant amends
  and submits again (退回 → 已提交).
- back one step (``back``): staff undo a move made in error, with a reason (e.g. 专家评审 → 形式审查).
- an applicant may withdraw (撤回) a submission nobody has looked at yet (已提交 → 草稿).

Who may make a move: the applicant moves its own application out of 草稿/退回 (submit) and withdraws; every
other move is the bureau's. Moves that need a reason: 退回, 不予立项, back, 验收 with a failing result.
"""

from __future__ import annotations

from dataclasses import dataclass

DRAFT = "draft"
SUBMITTED = "submitted"
SCREENING = "screening"
RETURNED = "returned"
REVIEW = "review"
RECOMMENDED = "recommended"
APPROVED = "approved"
REJECTED = "rejected"
SIGNED = "signed"
RUNNING = "running"
ACCEPTANCE = "acceptance"
CLOSED = "closed"

LABELS: dict[str, str] = {
    DRAFT: "草稿",
    SUBMITTED: "已提交",
    SCREENING: "形式审查",
    RETURNED: "退回修改",
    REVIEW: "专家评审",
    RECOMMENDED: "推荐上级",
    APPROVED: "立项",
    REJECTED: "不予立项",
    SIGNED: "签约",
    RUNNING: "实施",
    ACCEPTANCE: "验收",
    CLOSED: "结题",
}
ORDER = list(LABELS)

APPLICANT = "applicant"
BUREAU = "bureau"


@dataclass(frozen=True)
class Move:
    source: str
    target: str
    by: str  # APPLICANT or BUREAU
    verb: str  # the button's words: 提交, 退回申请人 …
    reason: bool = False  # a reason is required
    own_only: bool = False  # only for the bureau's own programs (专家评审)
    upward_only: bool = False  # only for upward programs (推荐上级)


MOVES: tuple[Move, ...] = (
    Move(DRAFT, SUBMITTED, APPLICANT, "提交申报"),
    Move(RETURNED, SUBMITTED, APPLICANT, "修改后重新提交"),
    Move(SUBMITTED, DRAFT, APPLICANT, "撤回"),
    Move(SUBMITTED, SCREENING, BUREAU, "开始形式审查"),
    Move(SUBMITTED, RETURNED, BUREAU, "退回申请人", reason=True),
    Move(SCREENING, RETURNED, BUREAU, "退回申请人", reason=True),
    Move(SCREENING, REVIEW, BUREAU, "形式审查通过，进入专家评审", own_only=True),
    Move(SCREENING, RECOMMENDED, BUREAU, "形式审查通过，推荐上级", upward_only=True),
    Move(SCREENING, REJECTED, BUREAU, "形式审查不通过", reason=True),
    Move(REVIEW, RETURNED, BUREAU, "退回申请人", reason=True),
    Move(REVIEW, APPROVED, BUREAU, "立项"),
    Move(REVIEW, REJECTED, BUREAU, "不予立项", reason=True),
    Move(RECOMMENDED, APPROVED, BUREAU, "上级已立项"),
    Move(RECOMMENDED, REJECTED, BUREAU, "上级未立项", reason=True),
    Move(APPROVED, SIGNED, BUREAU, "签订任务书"),
    Move(SIGNED, RUNNING, BUREAU, "开始实施"),
    Move(RUNNING, ACCEPTANCE, BUREAU, "申请验收"),
    Move(ACCEPTANCE, CLOSED, BUREAU, "结题"),
)

# One step back, by the bureau, with a reason: a move made in error is undone (the step history keeps both).
BACK: dict[str, str] = {
    SCREENING: SUBMITTED,
    REVIEW: SCREENING,
    RECOMMENDED: SCREENING,
    APPROVED: REVIEW,
    REJECTED: SCREENING,
    SIGNED: APPROVED,
    RUNNING: SIGNED,
    ACCEPTANCE: RUNNING,
}

# Statuses counted as "applied" (handed in), "approved" (立项 and after) and finished
HANDED_IN = frozenset({SUBMITTED, SCREENING, RETURNED, REVIEW, RECOMMENDED, APPROVED, REJECTED, SIGNED, RUNNING,
                       ACCEPTANCE, CLOSED})
APPROVED_OR_LATER = frozenset({APPROVED, SIGNED, RUNNING, ACCEPTANCE, CLOSED})
EDITABLE_BY_APPLICANT = frozenset({DRAFT, RETURNED})


class IllegalMove(ValueError):
    """A move the workflow does not allow: its message says why, in Chinese."""


def moves_from(status: str, *, by: str, upward: bool) -> list[Move]:
    """The forward moves ``by`` may make from ``status`` (the back step is separate: ``back_target``)."""
    return [m for m in MOVES if m.source == status and m.by == by
            and not (m.own_only and upward) and not (m.upward_only and not upward)]


def back_target(status: str) -> str | None:
    return BACK.get(status)


def check_move(source: str, target: str, *, by: str, upward: bool, reason: str = "", back: bool = False) -> Move | None:
    """The move from ``source`` to ``target``, or ``IllegalMove`` with the reason in words. ``back``: the
    bureau's one step back (returns None: it is not a forward move)."""
    label = LABELS.get
    if back:
        if by != BUREAU:
            raise IllegalMove("只有科技局可以撤销上一步")
        if BACK.get(source) != target:
            raise IllegalMove(f"“{label(source, source)}”不能退回到“{label(target, target)}”")
        if not reason.strip():
            raise IllegalMove("撤销上一步须填写理由")
        return None
    for m in MOVES:
        if m.source == source and m.target == target:
            if m.by != by:
                who = "申请人" if m.by == APPLICANT else "科技局"
                raise IllegalMove(f"“{m.verb}”只能由{who}操作")
            if m.own_only and upward:
                raise IllegalMove("上级计划的项目由上级组织评审：请选择“推荐上级”")
            if m.upward_only and not upward:
                raise IllegalMove("本级计划的项目不推荐上级：请选择“进入专家评审”")
            if m.reason and not reason.strip():
                raise IllegalMove(f"“{m.verb}”须填写理由")
            return m
    raise IllegalMove(f"项目当前为“{label(source, source)}”，不能直接变为“{label(target, target)}”")
