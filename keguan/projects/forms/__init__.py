"""科技项目: forms by subject — apply (calls, programs, the application form), manage (the bureau's list and moves), review (experts and scores)."""
