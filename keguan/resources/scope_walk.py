"""The scope walker's view of 创新平台与人才 (see ``keguan.core.scope_walk``)."""

from __future__ import annotations

from keguan.core.scope_walk import Walk

WALK = Walk()
