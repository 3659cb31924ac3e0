from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "keguan.exchange"
    label = "exchange"
    verbose_name = "导入导出"

    def ready(self) -> None:
        # The enterprise register's kind, until keguan/enterprises/area.py names it in its ``kinds`` (the
        # registry lists each code once either way), and the permissions it names, until that area declares
        # them (a no-op once it does: the areas register theirs first, in keguan.core's ready()).
        from keguan.core.permissions import Permission, all_permissions, register_permission
        from keguan.enterprises.exchange import ENTERPRISES

        from .registry import register

        declared = {p.code for p in all_permissions()}
        for code, label in (("enterprises.import", "从Excel导入本区县企业"), ("enterprises.export", "导出企业名录"),
                            ("enterprises.personal", "查看和导出企业联系人、电话等个人信息")):
            if code not in declared:
                register_permission(Permission(code, label), area="enterprises")
        register(ENTERPRISES)
