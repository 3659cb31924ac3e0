from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "从随包附带的民政部区划表载入行政区划（省、市、区县、乡镇/街道）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--within", default=None, help="只载入某代码前缀下的区划（及其上级），如 4501")

    def handle(self, *args, within: str | None, **options) -> None:
        from keguan.regions.services import regions_load_national

        created = regions_load_national(within=within)
        self.stdout.write(self.style.SUCCESS(f"新增区划 {created} 个"))
