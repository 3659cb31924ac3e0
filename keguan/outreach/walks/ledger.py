"""The scope walker's view of 科技活动与企业服务 (ledger); combined in keguan.outreach.scope_walk."""

from __future__ import annotations

from keguan.core.scope_walk import Walk

WALK = Walk()
