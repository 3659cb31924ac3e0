from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "keguan.exchange"
    label = "exchange"
    verbose_name = "导入导出"

    def ready(self) -> None:
        # The enterprise register's kind, until keguan/enterprises/area.py names it in its ``kinds``
        # (the registry lists each code once either way).
        from keguan.enterprises.exchange import ENTERPRISES

        from .registry import register

        register(ENTERPRISES)
