"""科技项目: reads by subject — manage (the bureau's list, counts, reminders), apply (calls and the applicant's side), review (the expert pool and the review)."""
