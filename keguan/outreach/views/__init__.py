"""科技活动与走访服务: views by subject (events, ledger)."""
