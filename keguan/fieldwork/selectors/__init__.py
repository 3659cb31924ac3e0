"""科技特派员: selectors by subject (roster, logs, letters)."""
