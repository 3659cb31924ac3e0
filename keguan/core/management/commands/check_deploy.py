"""``keguan check-deploy``: Django's deployment checks and keguan's own (keguan/core/checks.py); exits with
code 1 when any is an error."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "检查生产部署的设置（密钥、调试模式、主机名、数据库、备份、后台任务、HTTPS），有错误时退出代码为 1"
    requires_system_checks: list[str] = []  # the check below runs them all, with the deploy ones

    def handle(self, *args, **options) -> None:
        call_command("check", deploy=True, fail_level="ERROR", verbosity=options.get("verbosity", 1),
                     stdout=self.stdout, stderr=self.stderr)
        self.stdout.write(self.style.SUCCESS("未发现错误（警告见上，按提示处理或确认可以接受）"))
