"""What other areas hook into the registry, without the registry importing them.

* ``on_move(enterprise)``: the firm moved to another district (after its row is saved, in the same
  transaction); an area's records that count by district follow it (the pipeline's 科小/高企/培育库 rows).
* ``stage_lock(enterprise) -> str | None``: a reason the firm's stage may not be changed by hand (its stage
  follows from the area's records), or None; with ``many(enterprise_ids) -> {id: reason}`` for the firms of
  a whole import at once.

* ``firm_section(user, enterprise) -> FirmSection | None``: what an area knows of the firm, shown on its page
  under 一企一策 (its projects, its commissioner and the services it received, its needs, visits and events):
  a few rows, each with a link, and the area's list filtered to the firm. None when the user may not see it
  or there is nothing to show. The hook reads through the area's selectors, so scope applies.

Areas register their hooks in their ``AppConfig.ready``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

_ON_MOVE: list[Callable] = []
_STAGE_LOCKS: list[Callable] = []
_STAGE_LOCKS_MANY: list[Callable] = []
_FIRM_SECTIONS: list[Callable] = []


@dataclass(frozen=True)
class FirmRow:
    text: str
    note: str = ""  # a status or date, shown muted at the right
    url: str = ""


@dataclass(frozen=True)
class FirmSection:
    """An area's part of a firm's page: ``title`` (科技项目), up to a few ``rows``, a one-line ``summary``
    (申报3项，立项1项，获资助20.00万元) and ``more_url`` (the area's list filtered to the firm)."""

    title: str
    icon: str
    order: int
    rows: tuple[FirmRow, ...] = ()
    summary: str = ""
    more_url: str = ""
    empty: str = "暂无记录"
    actions: tuple[FirmRow, ...] = field(default_factory=tuple)  # links to start work (登记走访, 提出需求)


def register_firm_section(hook: Callable) -> None:
    if hook not in _FIRM_SECTIONS:
        _FIRM_SECTIONS.append(hook)


def firm_sections(user, enterprise) -> list[FirmSection]:
    """Every area's section for the firm's page, in the areas' order."""
    found = (hook(user, enterprise) for hook in _FIRM_SECTIONS)
    return sorted((s for s in found if s is not None), key=lambda s: s.order)


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
