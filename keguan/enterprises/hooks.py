"""What other areas hook into the registry, without the registry importing them.

* ``on_move(enterprise)``: the firm moved to another district (after its row is saved, in the same
  transaction); an area's records that count by district follow it (the pipeline's 科小/高企/培育库 rows).
* ``stage_lock(enterprise) -> str | None``: a reason the firm's stage may not be changed by hand (its stage
  follows from the area's records), or None; with ``many(enterprise_ids) -> {id: reason}`` for the firms of
  a whole import at once.

Areas register their hooks in their ``AppConfig.ready``.
"""

from __future__ import annotations

from collections.abc import Callable

_ON_MOVE: list[Callable] = []
_STAGE_LOCKS: list[Callable] = []
_STAGE_LOCKS_MANY: list[Callable] = []


def register_on_move(hook: Callable) -> None:
    if hook not in _ON_MOVE:
        _ON_MOVE.append(hook)


def register_stage_lock(hook: Callable, *, many: Callable) -> None:
    if hook not in _STAGE_LOCKS:
        _STAGE_LOCKS.append(hook)
        _STAGE_LOCKS_MANY.append(many)


def moved(enterprise) -> None:
    for hook in _ON_MOVE:
        hook(enterprise)


def stage_lock(enterprise) -> str | None:
    """Why the firm's stage follows from records and may not be changed by hand; None when it may."""
    for hook in _STAGE_LOCKS:
        reason = hook(enterprise)
        if reason:
            return reason
    return None


def stage_locks(enterprise_ids) -> dict[int, str]:
    """For many firms at once: the ones whose stage follows from records, with the reason."""
    ids = list(enterprise_ids)
    out: dict[int, str] = {}
    for many in _STAGE_LOCKS_MANY:
        for pk, reason in many(ids).items():
            out.setdefault(pk, reason)
    return out
