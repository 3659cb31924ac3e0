from __future__ import annotations

import shutil
import sqlite3
import subprocess

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone


class Command(BaseCommand):
    help = "备份数据库：SQLite 用在线备份，PostgreSQL 用 pg_dump；文件放在数据目录的 backups/ 下"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--out", default=None, help="备份文件路径（默认 数据目录/backups/keguan-时间.*）")

    def handle(self, *args, out: str | None, **options) -> None:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        folder = settings.DATA_DIR / "backups"
        folder.mkdir(parents=True, exist_ok=True)
        db = settings.DATABASES["default"]
        if connection.vendor == "sqlite":
            target = out or str(folder / f"keguan-{stamp}.sqlite3")
            source = sqlite3.connect(str(db["NAME"]))
            dest = sqlite3.connect(target)
            with dest:
                source.backup(dest)
            dest.close()
            source.close()
        elif connection.vendor == "postgresql":
            if shutil.which("pg_dump") is None:
                raise CommandError("未找到 pg_dump，请安装 PostgreSQL 客户端")
            target = out or str(folder / f"keguan-{stamp}.dump")
            cmd = ["pg_dump", "--format=custom", f"--file={target}", "--dbname", db["NAME"]]
            for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
                if db.get(key):
                    cmd += [flag, str(db[key])]
            env = {"PGPASSWORD": db.get("PASSWORD") or ""}
            import os

            result = subprocess.run(cmd, env={**os.environ, **env}, capture_output=True, text=True)
            if result.returncode != 0:
                raise CommandError(f"pg_dump 失败：{result.stderr.strip()}")
        else:
            raise CommandError(f"不支持的数据库：{connection.vendor}")
        self.stdout.write(self.style.SUCCESS(f"已备份到 {target}"))
