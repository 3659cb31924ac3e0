"""Deleting a record entered by mistake, one way for every area that declares its deletable kinds.

An area lists, per model, a ``Deletion``: what the record is called, the rows removed with it, why it may not
be removed (in words, with what to do instead) and what else the confirm page should say. ``Deletions``
answers the confirm page (``refusal``, ``effects``) and removes the record with its rows (``delete``): the row
is locked and read again first, so a change made meanwhile is seen by the refusal check, and every removed row
is stamped "删除<what>", so the history and the operation log keep what was removed, by whom and why.
The page itself is ``keguan.core.deletion_views.delete_view``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from .errors import ServiceError
from .history import stamp
from .versioning import claim


def _never(_obj, _actor) -> str | None:
    return None


def _nothing(_obj) -> list[str]:
    return []


@dataclass(frozen=True)
class Deletion:
    what: str  # 创新平台
    children: tuple[tuple[str, Callable[[Any], Any]], ...] = ()  # (what they are, with their unit; their rows)
    refuse: Callable[[Any, Any], str | None] = _never  # (record, actor) -> why it may not be removed, or None
    notes: Callable[[Any], list[str]] = _nothing  # what stays or what to know, on the confirm page


class Deletions:
    """An area's deletable kinds, by model."""

    def __init__(self, kinds: dict[type, Deletion]) -> None:
        self.kinds = kinds

    def of(self, obj) -> Deletion:
        return self.kinds[type(obj)]

    def refusal(self, obj, actor=None) -> str | None:
        """Why ``actor`` may not delete ``obj`` (Chinese, with what to do instead), or None."""
        return self.of(obj).refuse(obj, actor)

    def effects(self, obj) -> list[str]:
        """What deleting ``obj`` does besides removing it: the rows removed with it, what else to know."""
        spec = self.of(obj)
        lines = []
        for label, rows in spec.children:
            n = rows(obj).count()
            if n:
                lines.append(f"{n} {label}一并删除")
        return lines + spec.notes(obj)

    @transaction.atomic
    def delete(self, *, actor, obj) -> None:
        """Remove ``obj`` with its rows, each stamped "删除<what>", or refuse (ServiceError)."""
        spec = self.of(obj)
        claim(obj, None)  # locked and read again: an approval or an edit made meanwhile is seen below
        obj.refresh_from_db()
        problem = spec.refuse(obj, actor)
        if problem:
            raise ServiceError(problem)
        reason = f"删除{spec.what}"
        for _label, rows in spec.children:
            for child in rows(obj):
                stamp(child, actor, reason)
                child.delete()
        stamp(obj, actor, reason)
        obj.delete()
