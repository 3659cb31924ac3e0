from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "keguan.outreach"
    label = "outreach"
    verbose_name = "科技活动与企业服务"

    def ready(self) -> None:
        from keguan.enterprises import hooks

        from . import firm_events
        from .firm_ledger import firm_section as ledger_section

        hooks.register_firm_section(firm_events.firm_section)
        hooks.register_firm_section(ledger_section)
