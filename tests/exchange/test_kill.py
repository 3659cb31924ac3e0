"""A process killed in the middle of the write leaves the database as it was (one transaction): the import
runs in a subprocess against a file-based SQLite database and SIGKILLs itself after writing 20 of 50 rows."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent("""
    import django, io, sys
    django.setup()
    import openpyxl
    from keguan.regions.models import Region
    from keguan.exchange.engine import run_import
    from keguan.exchange.kinds import Context
    from tests.conftest import credit_code
    from tests.exchange.kinds import HEAD_FOR_KILL, KILLING

    province = Region.objects.create(code="45", name="广西壮族自治区", level=1, path="/45/")
    city = Region.objects.create(code="4501", name="南宁市", level=2, parent=province, path="/45/4501/")
    district = Region.objects.create(code="450103", name="青秀区", level=3, parent=city, path="/45/4501/450103/")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEAD_FOR_KILL)
    for n in range(50):
        ws.append([f"企业{n}", credit_code("450103", 900 + n), "2020-01-01", "小型", "", 10, 1])
    buf = io.BytesIO()
    wb.save(buf)
    print("importing", flush=True)
    run_import(KILLING, buf.getvalue(), "kill.xlsx", Context(region=district))
    print("not killed", flush=True)
""")


@pytest.mark.slow
def test_a_killed_import_leaves_nothing(tmp_path):
    db = tmp_path / "kill.sqlite3"
    env = {**os.environ, "KEGUAN_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{db}",
           "DJANGO_SETTINGS_MODULE": "keguan.settings", "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "django", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=120)
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stdout + done.stderr
    assert "importing" in done.stdout and "not killed" not in done.stdout
    with sqlite3.connect(db) as conn:
        regions = conn.execute("select count(*) from regions_region").fetchone()[0]
        firms = conn.execute("select count(*) from enterprises_enterprise").fetchone()[0]
        history = conn.execute("select count(*) from enterprises_historicalenterprise").fetchone()[0]
        years = conn.execute("select count(*) from enterprises_enterpriseyear").fetchone()[0]
    assert regions == 3  # committed before the import
    assert (firms, history, years) == (0, 0, 0)
