"""科技活动与走访服务: exchange by subject (events, ledger)."""
