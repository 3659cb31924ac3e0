"""科技活动与企业服务's part of the work summary: the events (report_events registers the part) and the visits and
needs ledger (report_ledger contributes its paragraphs to the same part)."""

from . import report_events, report_ledger  # noqa: F401  (each registers its own)
