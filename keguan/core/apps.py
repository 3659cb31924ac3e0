from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "keguan.core"
    label = "core"
    verbose_name = "基础"
