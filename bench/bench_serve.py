"""Throughput of ``keguan serve``: the old server (one waitress process, 8 threads, connection limit 100, as
before gunicorn) against the new one (gunicorn, CPU cores × 4 threads), on the demo city in SQLite.

    .venv/bin/python bench/bench_serve.py [--seconds 8] [--clients 20 50] [--data-dir /tmp/kg-bench-serve]

A small threaded Python client (wrk and ab are not installed): each client thread keeps one HTTP/1.1
connection open and sends requests one after another for ``--seconds``; the table gives requests per second,
p50/p95 latency and errors, for /healthz and for the logged-in home page (市局人员 city_staff). The client runs
on the same machine and takes CPU from the server: compare the rows, not the absolute numbers."""

from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Kejiju@2024"
OLD = ("from waitress import serve; from keguan.wsgi import application; "
       "serve(application, host='127.0.0.1', port={port}, threads=8, ident='keguan')")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_for(data_dir: Path | None, database_url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEGUAN_") and k != "DATABASE_URL"}
    env.update(PYTHONPATH=str(ROOT), DJANGO_SETTINGS_MODULE="keguan.settings")
    if data_dir is not None:
        env["KEGUAN_DATA_DIR"] = str(data_dir)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def wait_up(port: int, proc: subprocess.Popen, seconds: float = 40) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"server on port {port} did not start") from None
            time.sleep(0.2)


def start(kind: str, port: int, env: dict[str, str], *extra: str) -> subprocess.Popen:
    if kind == "old":
        cmd = [sys.executable, "-c", OLD.format(port=port)]
    else:
        cmd = [sys.executable, "-m", "keguan.cli", "serve", "--port", str(port), "--no-migrate", *extra]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    wait_up(port, proc)
    return proc


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the group this script started
            proc.wait()


def login(port: int, username: str) -> str:
    """The session cookie of ``username`` (through the login form, as a browser)."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}"
    page = opener.open(base + "/accounts/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD})
    opener.open(urllib.request.Request(base + "/accounts/login/", data=data.encode(),
                                       headers={"Referer": base + "/accounts/login/"}), timeout=30).read()
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        raise SystemExit(f"login of {username} failed")
    return f"sessionid={cookies['sessionid']}; csrftoken={cookies['csrftoken']}"


def load(port: int, path: str, clients: int, seconds: float, cookies: list[str] | None = None) -> dict:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(n: int) -> None:
        headers = {"Cookie": cookies[n % len(cookies)]} if cookies else {}
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, bad = [], 0
        while time.monotonic() < stop_at:
            started = time.monotonic()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    bad += 1
                else:
                    mine.append(time.monotonic() - started)
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.monotonic() - started
    latencies.sort()

    def pct(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else float("nan")

    return {"rps": len(latencies) / took, "p50": pct(0.5), "p95": pct(0.95), "errors": errors[0],
            "median": statistics.median(latencies) * 1000 if latencies else float("nan")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--clients", type=int, nargs="+", default=[20, 50])
    parser.add_argument("--data-dir", default="/tmp/kg-bench-serve")
    parser.add_argument("--user", default="city_staff")
    parser.add_argument("--database-url", default=None,
                        help="a PostgreSQL database to (re)load the demo city into, e.g. "
                             "postgres://postgres@127.0.0.1:5432/keguan_serve_bench (default: SQLite in --data-dir)")
    args = parser.parse_args()
    data_dir = Path(args.data_dir)
    env = env_for(data_dir, args.database_url)
    if args.database_url or not (data_dir / "keguan.sqlite3").exists():
        print("keguan demo --scale 0.1 …", flush=True)
        subprocess.run([sys.executable, "-m", "keguan.cli", "demo", "--scale", "0.1"], cwd=ROOT, env=env,
                       check=True, capture_output=True)
    print(f"CPU {os.cpu_count()}, load {os.getloadavg()[0]:.1f}; {args.seconds:g} s per row", flush=True)
    print("| server | page | clients | req/s | p50 ms | p95 ms | errors |\n|---|---|---:|---:|---:|---:|---:|")
    for kind in ("old", "new"):
        port = free_port()
        proc = start(kind, port, env, "--no-worker")
        try:
            sessions = [login(port, args.user) for _ in range(4)]
            name = "waitress（改进前）" if kind == "old" else "gunicorn（改进后）"
            for path, cookies in (("/healthz", None), ("/", sessions)):
                load(port, path, 4, 1, cookies)  # warm up every worker
                for clients in args.clients:
                    r = load(port, path, clients, args.seconds, cookies)
                    print(f"| {name} | {path} | {clients} | {r['rps']:.0f} | {r['p50']:.0f} | {r['p95']:.0f} "
                          f"| {r['errors']} |", flush=True)
        finally:
            stop(proc)


if __name__ == "__main__":
    main()
