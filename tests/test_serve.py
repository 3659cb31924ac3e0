"""``keguan serve`` as a real server: the demo city on SQLite, 150 idle TCP connections held open, and /healthz
must still answer within a second (waitress's old default of 100 connections made it time out)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def keguan_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEGUAN_") and k not in ("DATABASE_URL",)}
    env.update(KEGUAN_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT))
    return env


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("serve")
    subprocess.run([sys.executable, "-m", "keguan.cli", "demo", "--scale", "0.1"], cwd=ROOT,
                   env=keguan_env(data_dir), check=True, capture_output=True, timeout=120)
    return data_dir


def get(url: str, timeout: float) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, response.read()


class Server:
    def __init__(self, data_dir: Path, *args: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "keguan.cli", "serve", "--port", str(self.port), "--no-migrate", *args],
            cwd=ROOT, env=keguan_env(data_dir), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            start_new_session=True)
        deadline = time.monotonic() + 30
        while True:
            try:
                get(self.url + "/healthz", timeout=1)
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise AssertionError("keguan serve did not start:\n" + self.output) from None
                time.sleep(0.2)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # the group this test started
                self.proc.wait()
        self.output = self.proc.stdout.read().decode(errors="replace")
        self.proc.stdout.close()


@pytest.mark.parametrize("server", ["gunicorn", "waitress"])
def test_idle_connections_do_not_starve_healthz(demo_dir, server):
    if server == "gunicorn" and os.name == "nt":
        pytest.skip("gunicorn runs on Linux")
    srv = Server(demo_dir, "--server", server)
    idle = []
    try:
        idle = [socket.create_connection(("127.0.0.1", srv.port), timeout=5) for _ in range(150)]
        time.sleep(0.3)
        for _ in range(5):
            started = time.monotonic()
            status, body = get(srv.url + "/healthz", timeout=5)
            took = time.monotonic() - started
            assert (status, body) == (200, b"ok")
            assert took < 1.0, f"/healthz took {took:.2f} s with 150 idle connections"
        status, _ = get(srv.url + "/accounts/login/", timeout=5)  # a real page, through Django and the database
        assert status == 200
    finally:
        for s in idle:
            s.close()
        srv.stop()
    if server == "gunicorn":
        assert "gunicorn" in srv.output and "后台任务进程已启动" in srv.output
