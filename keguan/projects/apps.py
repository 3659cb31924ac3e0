from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "keguan.projects"
    label = "projects"
    verbose_name = "科技项目"
