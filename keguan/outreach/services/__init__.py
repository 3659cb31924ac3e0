"""科技活动与走访服务: services by subject (events, ledger)."""
