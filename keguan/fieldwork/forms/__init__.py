"""科技特派员: forms by subject (roster, logs, letters)."""
