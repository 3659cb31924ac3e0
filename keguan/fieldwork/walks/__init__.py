"""科技特派员: walks by subject (roster, logs, letters, demands)."""
