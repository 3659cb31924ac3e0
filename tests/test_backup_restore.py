"""keguan backup / keguan restore round trip, run as the operator runs them: subprocesses on a throw-away
installation (a temp data dir for SQLite; the database ``keguan_restore_rt`` for PostgreSQL)."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
PG_URL = "postgres://postgres@127.0.0.1:5432/keguan_restore_rt"
MAKE_DATA = """
from keguan.accounts.models import User
from keguan.enterprises.services import enterprise_create
from keguan.regions.models import Region
from keguan.rules.identifiers import credit_code_check_char
f = "91450103000000010"
enterprise_create(actor=User.objects.get(username="boss"), name="恢复测试企业",
                  credit_code=f + credit_code_check_char(f), district=Region.objects.get(code="450103"))
"""
COUNT = (
    "from keguan.enterprises.models import Enterprise; from keguan.accounts.models import User; "
    "print('ROWS', User.objects.filter(username='boss').count(), "
    "list(Enterprise.objects.values_list('name', flat=True)))"
)


def keguan(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "keguan.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", sql],
        check=True,
        capture_output=True,
    )


@pytest.fixture
def vendor(db):
    name = connection.vendor
    if name == "postgresql" and not all(shutil.which(t) for t in ("psql", "pg_dump", "pg_restore")):
        pytest.skip("PostgreSQL 客户端工具未安装")
    return name


def test_backup_restore_round_trip(vendor, tmp_path):
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "KEGUAN_DATA_DIR")}
    base["DJANGO_SETTINGS_MODULE"] = "keguan.settings"
    src = {**base, "KEGUAN_DATA_DIR": str(tmp_path / "src")}
    dst = {**base, "KEGUAN_DATA_DIR": str(tmp_path / "dst")}
    if vendor == "postgresql":
        src["DATABASE_URL"] = dst["DATABASE_URL"] = PG_URL
        psql("DROP DATABASE IF EXISTS keguan_restore_rt WITH (FORCE)")
        psql("CREATE DATABASE keguan_restore_rt")
    try:
        keguan(src, "migrate", "-v0")
        keguan(src, "loadregions", "--within", "450103")
        keguan(src, "createuser", "boss", "--superuser", "--password", "Kejiju@2024")
        keguan(src, "shell", "-c", MAKE_DATA)
        out = tmp_path / "src" / "backups" / "one.bak"
        keguan(src, "backup")  # the default place: DATA_DIR/backups, private
        folder = tmp_path / "src" / "backups"
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        (made,) = list(folder.iterdir())
        assert stat.S_IMODE(made.stat().st_mode) == 0o600
        keguan(src, "backup", "--out", str(out))
        assert stat.S_IMODE(out.stat().st_mode) == 0o600

        if vendor == "postgresql":  # the "new installation": an empty database of the same name
            psql("DROP DATABASE keguan_restore_rt WITH (FORCE)")
            psql("CREATE DATABASE keguan_restore_rt")

        not_a_backup = tmp_path / "notes.txt"
        not_a_backup.write_text("不是备份", encoding="utf-8")
        refused = keguan(dst, "restore", str(not_a_backup), "--yes", check=False)
        assert refused.returncode != 0 and "不是" in refused.stderr

        unconfirmed = keguan(dst, "restore", str(out), check=False)
        assert unconfirmed.returncode != 0 and "--yes" in unconfirmed.stderr

        keguan(dst, "restore", str(out), "--yes")
        rows = keguan(dst, "shell", "-c", COUNT).stdout
        assert "ROWS 1 ['恢复测试企业']" in rows

        # Now the installation has data: restoring again is refused unless --force.
        again = keguan(dst, "restore", str(out), "--yes", check=False)
        assert again.returncode != 0 and "已有 keguan 数据" in again.stderr
        keguan(dst, "restore", str(out), "--yes", "--force")
        assert "ROWS 1 ['恢复测试企业']" in keguan(dst, "shell", "-c", COUNT).stdout
    finally:
        if vendor == "postgresql":
            psql("DROP DATABASE IF EXISTS keguan_restore_rt WITH (FORCE)")
