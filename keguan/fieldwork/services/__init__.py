"""科技特派员: services by subject (roster, logs, letters)."""
