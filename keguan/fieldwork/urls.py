"""科技特派员's URLs: each subject's views module declares its own ``urlpatterns``."""

from .views import letters, logs, roster

app_name = "fieldwork"

urlpatterns = [*roster.urlpatterns, *logs.urlpatterns, *letters.urlpatterns]
