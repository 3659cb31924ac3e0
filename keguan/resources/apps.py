from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "keguan.resources"
    label = "resources"
    verbose_name = "创新平台与人才"

    def ready(self) -> None:
        from keguan.enterprises import hooks

        from .firm import firm_section

        hooks.register_firm_section(firm_section)
