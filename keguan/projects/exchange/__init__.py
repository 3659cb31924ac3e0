"""科技项目's import/export kinds: projects (programs, the project list) and experts (the expert pool)."""
