from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "keguan.indicators"
    label = "indicators"
    verbose_name = "指标与目标"

    def ready(self) -> None:
        # Each area registers its indicators in <app>/indicators.py.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("indicators")
