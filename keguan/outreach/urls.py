"""科技活动与企业服务's URLs: each subject's views module declares its own ``urlpatterns``."""

from .views import events, ledger

app_name = "outreach"

urlpatterns = [*events.urlpatterns, *ledger.urlpatterns]
