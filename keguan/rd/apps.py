from django.apps import AppConfig


class RdConfig(AppConfig):
    name = "keguan.rd"
    label = "rd"
    verbose_name = "研发经费填报"
