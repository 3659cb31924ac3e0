"""科技特派员: exchange by subject (roster, logs, letters)."""
