from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "keguan.resources"
    label = "resources"
    verbose_name = "创新平台与人才"
