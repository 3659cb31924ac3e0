from django.apps import AppConfig


class MarketConfig(AppConfig):
    name = "keguan.market"
    label = "market"
    verbose_name = "技术市场与科技成果"

    def ready(self) -> None:
        from keguan.enterprises import hooks

        from .firm import firm_section

        hooks.register_firm_section(firm_section)
