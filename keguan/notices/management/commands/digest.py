"""``keguan digest``: today's 待办 digest to every user (see ``keguan.notices.digest``)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "向每个有待办的用户发送今日待办提醒（我的消息）；每人每天最多一条，内容与7日内上一条相同则不重发"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="只显示将发送的内容，不发送")
        parser.add_argument("--date", help="按此日期计算待办（YYYY-MM-DD，默认今天）")
        parser.add_argument("--user", action="append", default=[], help="只发给这些用户名（可多次给出）")

    def handle(self, *args, **options) -> None:
        from keguan.accounts.models import User

        from ...digest import send_digests

        today = None
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"日期“{options['date']}”格式应为 YYYY-MM-DD") from exc
        users = None
        if options["user"]:
            users = list(User.objects.filter(username__in=options["user"], is_active=True))
            missing = set(options["user"]) - {u.username for u in users}
            if missing:
                raise CommandError(f"没有这些有效用户：{'、'.join(sorted(missing))}")
        run = send_digests(today=today, users=users, dry_run=options["dry_run"])
        for username, text in run.sent:
            self.stdout.write(f"{username}：{text}")
        self.stdout.write(("（试运行，未发送）" if options["dry_run"] else "") + run.summary())
