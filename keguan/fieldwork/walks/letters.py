"""The scope walker's view of 科技特派员 (letters); combined in keguan.fieldwork.scope_walk."""

from __future__ import annotations

from keguan.core.scope_walk import Walk

WALK = Walk()
