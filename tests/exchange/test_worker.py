"""The real worker (``keguan worker --batch``, django-tasks-db's loop) runs a queued large import: a file-based
SQLite database shared by this test's processes."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

ENQUEUE = textwrap.dedent("""
    import django, io
    django.setup()
    import openpyxl
    from django.test import override_settings
    from keguan.accounts.models import User
    from keguan.regions.models import Region
    from keguan.exchange.services import run_start
    from tests.conftest import credit_code
    from tests.exchange.kinds import HEAD_FOR_KILL, FIRMS
    province = Region.objects.create(code="45", name="广西壮族自治区", level=1, path="/45/")
    city = Region.objects.create(code="4501", name="南宁市", level=2, parent=province, path="/45/4501/")
    district = Region.objects.create(code="450103", name="青秀区", level=3, parent=city, path="/45/4501/450103/")
    root = User.objects.create_superuser("root", password="x")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEAD_FOR_KILL)
    for n in range(30):
        ws.append([f"企业{n}", credit_code("450103", 700 + n), "2020-01-01", "小型", "", 10, 1])
    buf = io.BytesIO()
    wb.save(buf)
    with override_settings(KEGUAN_IMPORT_BACKGROUND_ROWS=10):
        run = run_start(kind=FIRMS, user=root, region=district, data=buf.getvalue(), filename="big.xlsx")
    print(run.pk, run.status, run.background)
""")

CONFIRM = textwrap.dedent("""
    import django, sys
    django.setup()
    from keguan.exchange.models import ImportRun
    from keguan.exchange.services import run_confirm
    run = ImportRun.objects.get()
    print(run.status, run.added)
    run = run_confirm(run=run, user=run.user)
    print(run.status)
""")


@pytest.mark.slow
def test_keguan_worker_runs_the_queued_check_and_write(tmp_path):
    db = tmp_path / "worker.sqlite3"
    env = {**os.environ, "KEGUAN_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{db}",
           "DJANGO_SETTINGS_MODULE": "keguan.settings", "PYTHONPATH": str(ROOT)}

    def run(*args: str) -> str:
        done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    # the worker imports the test kind through the registry of its own process: a settings module adds it
    (tmp_path / "worker_settings.py").write_text(
        "from keguan.settings import *  # noqa\nINSTALLED_APPS = [*INSTALLED_APPS, 'tests.exchange.worker_app']\n")
    env["PYTHONPATH"] = f"{ROOT}{os.pathsep}{tmp_path}"
    env["DJANGO_SETTINGS_MODULE"] = "worker_settings"
    run("-m", "django", "migrate", "-v0")
    assert run("-c", ENQUEUE).split() == ["1", "checking", "True"]
    run("-m", "keguan.cli", "worker", "--batch", "--interval", "0")
    assert run("-c", CONFIRM).split() == ["ready", "30", "queued"]
    run("-m", "keguan.cli", "worker", "--batch", "--interval", "0")
    with sqlite3.connect(db) as conn:
        status, added = conn.execute("select status, added from exchange_importrun").fetchone()
        firms = conn.execute("select count(*) from enterprises_enterprise").fetchone()[0]
        tasks = conn.execute("select status from django_tasks_database_dbtaskresult").fetchall()
    assert (status, added, firms) == ("done", 30, 30)
    assert tasks == [("SUCCESSFUL",), ("SUCCESSFUL",)]
