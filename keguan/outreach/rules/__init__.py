"""科技活动与企业服务's rules as pure Python (no Django import)."""
