from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "keguan.accounts"
    label = "accounts"
    verbose_name = "机构与用户"

    def ready(self) -> None:
        from . import oplog, signals  # noqa: F401 (they connect their receivers)
