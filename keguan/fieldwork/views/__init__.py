"""科技特派员: views by subject (roster, logs, letters)."""
