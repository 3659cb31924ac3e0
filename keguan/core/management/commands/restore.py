from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from keguan.core.management.commands.backup import pg_command

# A keguan database has these tables; an installation "has data" when any of them has a row.
MARK_TABLES = ("accounts_user", "enterprises_enterprise")
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


def _sqlite_tables(path: str) -> set[str]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        con.close()


def installation_has_data() -> bool:
    """True when the configured database already holds keguan users or enterprises."""
    if connection.vendor == "sqlite" and not Path(str(settings.DATABASES["default"]["NAME"])).exists():
        return False
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in MARK_TABLES:
            if table in tables:
                cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
                if cursor.fetchone():
                    return True
    return False


class Command(BaseCommand):
    help = (
        "从 keguan backup 的备份文件恢复数据库（SQLite 备份文件或 pg_dump 文件），恢复后自动迁移到本版本；"
        "只恢复到空的安装，已有数据时需加 --force"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="备份文件（keguan backup 生成）")
        parser.add_argument("--yes", action="store_true", help="不再询问，直接恢复")
        parser.add_argument("--force", action="store_true", help="覆盖已有数据（原有数据将全部丢失）")

    def handle(self, *args, file: str, yes: bool, force: bool, **options) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到备份文件：{file}")
        with path.open("rb") as fh:
            head = fh.read(16)
        vendor = connection.vendor
        if vendor == "sqlite":
            if head != SQLITE_MAGIC:
                raise CommandError(
                    f"{file} 不是 SQLite 数据库备份（本安装使用 SQLite，请用 keguan backup 生成的 .sqlite3 文件）"
                )
            try:
                tables = _sqlite_tables(str(path))
            except sqlite3.DatabaseError as exc:
                raise CommandError(f"{file} 无法作为 SQLite 数据库读取：{exc}") from None
            if not {"django_migrations", *MARK_TABLES} <= tables:
                raise CommandError(f"{file} 不是 keguan 的备份（缺少 keguan 的数据表）")
        elif vendor == "postgresql":
            if not head.startswith(PG_MAGIC):
                raise CommandError(
                    f"{file} 不是 pg_dump 备份（本安装使用 PostgreSQL，请用 keguan backup 生成的 .dump 文件）"
                )
        else:
            raise CommandError(f"不支持的数据库：{vendor}")

        has_data = installation_has_data()
        if has_data and not force:
            raise CommandError(
                "当前数据库已有 keguan 数据（账号或企业），为防误操作不予恢复。"
                "请恢复到新的空数据库；确需覆盖现有数据时加 --force（现有数据将全部丢失）"
            )
        if not yes:
            warning = "现有数据将全部被备份内容替换。" if has_data else ""
            if not sys.stdin.isatty():
                raise CommandError(f"{warning}请加 --yes 确认恢复")
            answer = input(f"{warning}将从 {file} 恢复数据库，输入 yes 继续：")
            if answer.strip().lower() != "yes":
                raise CommandError("已取消")

        db = settings.DATABASES["default"]
        connection.close()
        if vendor == "sqlite":
            self._restore_sqlite(path, Path(str(db["NAME"])))
        else:
            cmd, env = pg_command("pg_restore", db)
            result = subprocess.run(
                [*cmd, "--clean", "--if-exists", "--no-owner", "--single-transaction", str(path)],
                env=env,
                capture_output=True,
                text=True,
            )
            if result.returncode != 0:
                raise CommandError(f"pg_restore 失败：{result.stderr.strip()}")
        self.stdout.write("已恢复数据，正在迁移到本版本……")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(self.style.SUCCESS(f"已从 {file} 恢复"))

    def _restore_sqlite(self, source: Path, target: Path) -> None:
        """Copy ``source`` into a temp file beside ``target`` (SQLite's backup API), then rename it over."""
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".restore-", suffix=".sqlite3", dir=target.parent)
        os.close(fd)
        try:
            src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            dest = sqlite3.connect(tmp)
            with dest:
                src.backup(dest)
            dest.execute("PRAGMA journal_mode=DELETE")  # self-contained file, no -wal beside it
            dest.close()
            src.close()
            # The old database's WAL/shared-memory files belong to the old file: remove them with it.
            for suffix in ("-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            os.chmod(tmp, 0o600)
            os.replace(tmp, target)
        finally:
            Path(tmp).unlink(missing_ok=True)
