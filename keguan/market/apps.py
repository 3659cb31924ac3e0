from django.apps import AppConfig


class MarketConfig(AppConfig):
    name = "keguan.market"
    label = "market"
    verbose_name = "技术市场与科技成果"
