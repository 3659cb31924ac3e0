"""科技活动与走访服务: forms by subject (events, ledger)."""
