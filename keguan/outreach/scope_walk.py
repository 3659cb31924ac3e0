"""The scope walker's view of 科技活动与企业服务 (see ``keguan.core.scope_walk``): the union of its subjects'."""

from __future__ import annotations

from keguan.core.scope_walk import combine

from .walks import events, ledger

WALK = combine(events.WALK, ledger.WALK)
