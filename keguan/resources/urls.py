"""创新平台与人才's URLs."""

app_name = "resources"

urlpatterns: list = []
