"""技术市场与科技成果's URLs."""

app_name = "market"

urlpatterns: list = []
