"""The scope walker's view of 技术市场与科技成果 (see ``keguan.core.scope_walk``)."""

from __future__ import annotations

from keguan.core.scope_walk import Walk

WALK = Walk()
