"""Official rules as pure Python: no Django import anywhere in this package."""
