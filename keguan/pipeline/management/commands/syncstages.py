from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from keguan.pipeline.stages import stage_sync_due


class Command(BaseCommand):
    help = ("按资质记录核定企业培育阶段：高企证书到期、出库、科小入库年度结束的企业自动回落，新证书生效的企业晋级。"
            "建议每天运行一次（如 cron：5 0 * * * keguan syncstages）；keguan serve 启动时也会运行一次。")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", default=None, help="按哪一天核定（YYYY-MM-DD，默认今天；不能晚于今天）")

    def handle(self, *args, date: str | None, **options) -> None:
        day = None
        if date:
            try:
                day = dt.date.fromisoformat(date)
            except ValueError as exc:
                raise CommandError(f"日期格式应为 YYYY-MM-DD：{date}") from exc
        changed = stage_sync_due(today=day)
        self.stdout.write(f"已核定培育阶段：{changed} 家企业的阶段发生变化")
