"""keguan check-deploy (keguan/core/checks.py) under settings overrides, and the production settings read from
the environment."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import secrets
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings
from django.utils import timezone

GOOD = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "DEBUG": False,
    "ALLOWED_HOSTS": ["kj.example.gov.cn"],
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": 31_536_000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
}


@pytest.fixture
def data_dir(tmp_path):
    (tmp_path / "secret_key").write_text("generated-" + "k" * 50, encoding="utf-8")
    backups = tmp_path / "backups"
    backups.mkdir()
    backups.chmod(0o700)
    return tmp_path


def run(**overrides) -> tuple[str | None, str]:
    """(the SystemCheckError's text or None, what the command wrote)."""
    out, err = io.StringIO(), io.StringIO()
    with override_settings(**overrides):
        try:
            call_command("check_deploy", stdout=out, stderr=err)
        except SystemCheckError as exc:
            return str(exc), out.getvalue() + err.getvalue()
    return None, out.getvalue() + err.getvalue()


@pytest.mark.django_db
def test_a_coherent_production_setup_passes_with_only_the_sqlite_warning(data_dir, db):
    failure, said = run(DATA_DIR=data_dir, **GOOD)
    assert failure is None
    assert "未发现错误" in said
    from django.db import connection

    if connection.vendor == "sqlite":
        assert "keguan.W004" in said and "适用于单机、少量用户" in said
    else:
        assert "keguan.W004" not in said
    assert "keguan.E" not in said and "keguan.W009" not in said


@pytest.mark.django_db
def test_the_embedded_defaults_are_errors(data_dir):
    generated = (data_dir / "secret_key").read_text(encoding="utf-8")
    failure, _ = run(DATA_DIR=data_dir, **{**GOOD, "SECRET_KEY": generated, "DEBUG": True,
                                             "ALLOWED_HOSTS": ["localhost", "127.0.0.1"]})
    assert failure is not None
    for check in ("keguan.E001", "keguan.E002", "keguan.E003"):
        assert check in failure
    assert "自动生成的密钥" in failure and "调试模式" in failure and "只有本机地址" in failure


@pytest.mark.django_db
def test_backups_readable_by_others_is_an_error_and_missing_backups_a_warning(data_dir):
    (data_dir / "backups").chmod(0o755)
    failure, _ = run(DATA_DIR=data_dir, **GOOD)
    assert failure is not None and "keguan.E007" in failure and "chmod 700" in failure
    (data_dir / "backups").rmdir()
    failure, said = run(DATA_DIR=data_dir, **GOOD)
    assert failure is None and "keguan.W006" in said


@pytest.mark.django_db
def test_https_settings_must_agree(data_dir):
    failure, _ = run(DATA_DIR=data_dir, **{**GOOD, "SESSION_COOKIE_SECURE": False})
    assert failure is not None and "keguan.E010" in failure
    failure, said = run(DATA_DIR=data_dir, **{**GOOD, "SECURE_PROXY_SSL_HEADER": None})
    assert failure is None and "keguan.W011" in said  # behind nginx it would redirect forever
    plain = {**GOOD, "SECURE_SSL_REDIRECT": False, "SECURE_HSTS_SECONDS": 0, "SESSION_COOKIE_SECURE": False,
             "CSRF_COOKIE_SECURE": False, "SECURE_PROXY_SSL_HEADER": None}
    failure, said = run(DATA_DIR=data_dir, **plain)
    assert failure is None and "keguan.W009" in said and "明文" in said


@pytest.mark.django_db
def test_tasks_waiting_long_mean_no_worker_runs(data_dir):
    from django_tasks_db.models import DBTaskResult

    failure, said = run(DATA_DIR=data_dir, **GOOD)
    assert failure is None and "keguan.I008" in said
    task = DBTaskResult.objects.create(task_path="keguan.nothing", args_kwargs={"args": [], "kwargs": {}},
                                       backend_name="default", queue_name="default",
                                       run_after=timezone.now() - dt.timedelta(hours=1))
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - dt.timedelta(minutes=30))
    failure, _ = run(DATA_DIR=data_dir, **GOOD)
    assert failure is not None and "keguan.E008" in failure and "keguan worker" in failure


def settings_under(env: dict[str, str], tmp_path) -> dict:
    code = ("import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({k: "
            "getattr(s, k, None) for k in ('SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', "
            "'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
            "'SECURE_PROXY_SSL_HEADER', 'USE_X_FORWARDED_HOST')}))")
    base = {k: v for k, v in os.environ.items() if not k.startswith("KEGUAN_")}
    full = {**base, "DJANGO_SETTINGS_MODULE": "keguan.settings", "KEGUAN_DATA_DIR": str(tmp_path), **env}
    done = subprocess.run([sys.executable, "-c", code], env=full, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_production_settings_come_from_the_environment(tmp_path):
    plain = settings_under({}, tmp_path)
    assert plain == {"SECURE_SSL_REDIRECT": False, "SECURE_HSTS_SECONDS": 0, "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
                     "SESSION_COOKIE_SECURE": False, "CSRF_COOKIE_SECURE": False, "SECURE_PROXY_SSL_HEADER": None,
                     "USE_X_FORWARDED_HOST": False}
    https = settings_under({"KEGUAN_HTTPS": "true", "KEGUAN_BEHIND_PROXY": "true"}, tmp_path)
    assert https == {"SECURE_SSL_REDIRECT": True, "SECURE_HSTS_SECONDS": 31_536_000,
                     "SECURE_HSTS_INCLUDE_SUBDOMAINS": True, "SESSION_COOKIE_SECURE": True,
                     "CSRF_COOKIE_SECURE": True, "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
                     "USE_X_FORWARDED_HOST": False}
    assert settings_under({"KEGUAN_FORWARDED_HOST": "true"}, tmp_path)["USE_X_FORWARDED_HOST"] is True


def test_keguan_check_deploy_exits_non_zero_on_errors(tmp_path):
    base = {k: v for k, v in os.environ.items() if not k.startswith("KEGUAN_") and k != "SECRET_KEY"}
    done = subprocess.run([sys.executable, "-m", "keguan.cli", "check-deploy"], capture_output=True, text=True,
                          env={**base, "KEGUAN_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert done.returncode == 1
    assert "keguan.E001" in done.stderr
