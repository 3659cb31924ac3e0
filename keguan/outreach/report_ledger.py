"""科技活动与企业服务 in the work summary (ledger)."""
