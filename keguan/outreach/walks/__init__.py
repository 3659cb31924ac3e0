"""科技活动与走访服务: walks by subject (events, ledger)."""
