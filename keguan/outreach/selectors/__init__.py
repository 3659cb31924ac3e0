"""科技活动与走访服务: selectors by subject (events, ledger)."""
