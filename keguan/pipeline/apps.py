from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "keguan.pipeline"
    label = "pipeline"
    verbose_name = "梯队培育"
