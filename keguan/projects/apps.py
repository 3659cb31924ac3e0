from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "keguan.projects"
    label = "projects"
    verbose_name = "科技项目"

    def ready(self) -> None:
        from keguan.enterprises import hooks
        from keguan.projects.firm import firm_section

        hooks.register_firm_section(firm_section)
