"""科技活动与企业服务 indicators (ledger)."""
