from django.apps import AppConfig


class FieldworkConfig(AppConfig):
    name = "keguan.fieldwork"
    label = "fieldwork"
    verbose_name = "科技特派员"
