from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone


def pg_command(tool: str, db: dict) -> tuple[list[str], dict[str, str]]:
    """``tool`` (pg_dump / pg_restore) with the configured database's connection flags, and its environment."""
    if shutil.which(tool) is None:
        raise CommandError(f"未找到 {tool}，请安装 PostgreSQL 客户端")
    cmd = [tool, "--dbname", str(db["NAME"])]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            cmd += [flag, str(db[key])]
    return cmd, {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}


class Command(BaseCommand):
    help = (
        "备份数据库：SQLite 用在线备份，PostgreSQL 用 pg_dump；文件放在数据目录的 backups/ 下（仅本账户可读）。"
        "上传的文件（Word 模板、导入文件）都存在数据库里，备份数据库即备份全部数据"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--out", default=None, help="备份文件路径（默认 数据目录/backups/keguan-时间.*）")

    def handle(self, *args, out: str | None, **options) -> None:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        folder = settings.DATA_DIR / "backups"
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o700)
        db = settings.DATABASES["default"]
        old_umask = os.umask(0o077)  # the dump is created unreadable by others from its first byte
        try:
            if connection.vendor == "sqlite":
                target = out or str(folder / f"keguan-{stamp}.sqlite3")
                source = sqlite3.connect(str(db["NAME"]))
                dest = sqlite3.connect(target)
                with dest:
                    source.backup(dest)
                dest.close()
                source.close()
            elif connection.vendor == "postgresql":
                target = out or str(folder / f"keguan-{stamp}.dump")
                cmd, env = pg_command("pg_dump", db)
                result = subprocess.run(
                    [*cmd, "--format=custom", f"--file={target}"], env=env, capture_output=True, text=True
                )
                if result.returncode != 0:
                    raise CommandError(f"pg_dump 失败：{result.stderr.strip()}")
            else:
                raise CommandError(f"不支持的数据库：{connection.vendor}")
        finally:
            os.umask(old_umask)
        os.chmod(target, 0o600)
        self.stdout.write(self.style.SUCCESS(f"已备份到 {target}"))
