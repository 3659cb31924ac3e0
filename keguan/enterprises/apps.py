from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "keguan.enterprises"
    label = "enterprises"
    verbose_name = "企业库"
