"""科技活动与企业服务's indicators: events (indicators_events) and the visits and needs ledger (indicators_ledger)."""

from . import indicators_events, indicators_ledger  # noqa: F401  (each registers its own)
