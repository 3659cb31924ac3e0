"""The scope walker's view of 科技特派员 (see ``keguan.core.scope_walk``): the union of its subjects' walks."""

from __future__ import annotations

from keguan.core.scope_walk import combine

from .walks import demands, letters, logs, roster

WALK = combine(roster.WALK, logs.WALK, letters.WALK, demands.WALK)
