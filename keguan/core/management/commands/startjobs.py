"""``keguan startjobs``: every area's catch-up job (``Area.on_start``, e.g. stages whose records lapsed while the
server was stopped). ``keguan serve`` runs it beside the server, so a long catch-up (tens of thousands of firms
after a long stop or at the turn of the year) never keeps the pages from answering."""

from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "运行各业务领域的启动补做任务（如按资质记录核定培育阶段）；keguan serve 启动时在后台自动运行一次"

    def handle(self, *args, **options) -> None:
        from keguan.core import areas

        for job in areas.start_jobs():
            said = job()
            if said:
                self.stdout.write(said)
