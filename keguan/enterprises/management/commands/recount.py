from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "按企业库重新统计各区县各培育阶段的企业数（看板和工作总结读取的计数表）：直接改库或批量写入后使用"

    def handle(self, *args, **options) -> None:
        from keguan.enterprises.services import stage_counts_rebuild

        n = stage_counts_rebuild()
        self.stdout.write(self.style.SUCCESS(f"已重新统计 {n} 家企业的区县和培育阶段"))
