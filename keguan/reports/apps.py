from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "keguan.reports"
    label = "reports"
    verbose_name = "工作总结"

    def ready(self) -> None:
        # Each area adds its part of the summary in <app>/report.py.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("report")
