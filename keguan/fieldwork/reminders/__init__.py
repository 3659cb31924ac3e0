"""科技特派员's 待办 on the home page, by subject (logs, letters …); each module's ``reminders(user, today)`` is
named in ``area.py``."""
