"""科技项目: the code that writes, by subject — applications (programs, calls, the workflow, funds, checks), review (experts, assignment, scores)."""
