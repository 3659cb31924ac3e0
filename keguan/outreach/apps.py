from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "keguan.outreach"
    label = "outreach"
    verbose_name = "科技活动与企业服务"
