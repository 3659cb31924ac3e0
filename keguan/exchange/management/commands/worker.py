"""``keguan worker``: runs the background tasks (large imports) from the database queue.

A wrapper of django-tasks-db's ``db_worker`` that first settles imports a dead worker left behind
(``services.runs_recover``). ``keguan serve`` starts one beside the web server; run it yourself when the web
server is started some other way."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "运行后台任务（大文件导入等）；keguan serve 会自动启动一个"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="队列为空时每隔多少秒查看一次（默认 1）")
        parser.add_argument("--batch", action="store_true", help="处理完队列中的任务后退出")

    def handle(self, *args, interval: float, batch: bool, **options) -> None:
        from keguan.exchange.services import runs_recover

        recovered = runs_recover()
        if recovered:
            self.stdout.write(f"已处理 {recovered} 个中断的导入")
        call_command("db_worker", interval=interval, batch=batch, reload=False, startup_delay=False,
                     verbosity=options.get("verbosity", 1))
