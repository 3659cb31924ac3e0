"""Two ``keguan serve`` instances on one PostgreSQL database and one task queue, on loopback.

    .venv/bin/python bench/two_instances.py [--pg postgres://postgres@127.0.0.1:5432] [--keep]

Creates the database ``keguan_serve_two`` (dropped first, and again at the end unless ``--keep``), loads a small
demo city into it, then starts instance A (``--no-worker``) and instance B (with its task worker) on two ports,
sharing ``SECRET_KEY``, ``DATABASE_URL`` and the data folder, as two upstreams of one nginx would. Requests
alternate between the two ports (what nginx's round robin does) and show that

1. a session opened through A is valid on B (sessions are rows in the shared database);
2. an import uploaded through A (every import goes to the background: ``KEGUAN_IMPORT_BACKGROUND_ROWS=1``) is
   checked by B's worker (A has none), confirmed through A, written by B's worker;
3. the enterprise it adds is read through A and through B.

Prints each step and the time it took; exits 1 when a step fails."""

from __future__ import annotations

import argparse
import io
import re
import secrets
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from http.cookiejar import CookieJar
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import psycopg  # noqa: E402
from bench_serve import ROOT, env_for, free_port, start, stop  # noqa: E402

from keguan.rules.identifiers import credit_code_check_char  # noqa: E402

DB = "keguan_serve_two"
USER = "staff_450103"  # 区局科员, 青秀区: imports enterprises
PASSWORD = "Kejiju@2024"


def admin(pg: str, sql: str) -> None:
    with psycopg.connect(f"{pg}/postgres", autocommit=True) as conn:
        conn.execute(sql)


class Browser:
    """One user's cookies, sent to whichever instance a request goes to."""

    def __init__(self) -> None:
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, base: str, path: str) -> str:
        response = self.opener.open(base + path, timeout=30)
        self.last_url = response.geturl()
        return response.read().decode()

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def post(self, base: str, path: str, fields: dict[str, str], file: tuple[str, bytes] | None = None) -> str:
        fields = {"csrfmiddlewaretoken": self.csrf(), **fields}
        if file is None:
            body, ctype = urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded"
        else:
            boundary = uuid.uuid4().hex
            out = io.BytesIO()
            for name, value in fields.items():
                out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
            out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file[0]}"\r\n'
                      "Content-Type: application/octet-stream\r\n\r\n".encode() + file[1] + b"\r\n")
            out.write(f"--{boundary}--\r\n".encode())
            body, ctype = out.getvalue(), f"multipart/form-data; boundary={boundary}"
        request = urllib.request.Request(base + path, data=body, headers={"Content-Type": ctype,
                                                                          "Referer": base + path})
        response = self.opener.open(request, timeout=60)
        self.last_url = response.geturl()
        return response.read().decode()


def enterprise_file(name: str, code: str) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["企业名称", "统一社会信用代码", "注册日期", "行业", "企业规模"])
    ws.append([name, code, "2020-03-01", "39", "小型"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def run_status(url: str, pk: int) -> tuple[str, list]:
    with psycopg.connect(url) as conn:
        return conn.execute("select status, errors from exchange_importrun where id = %s", (pk,)).fetchone()


def wait_status(url: str, pk: int, wanted: set[str], seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while True:
        status, errors = run_status(url, pk)
        if status in wanted:
            return status
        if time.monotonic() > deadline:
            raise SystemExit(f"import {pk} still {status} after {seconds:g} s ({errors})")
        time.sleep(0.3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="server, without a database")
    parser.add_argument("--keep", action="store_true", help=f"keep the database {DB} afterwards")
    args = parser.parse_args()
    url = f"{args.pg}/{DB}"
    began = time.monotonic()

    def step(text: str) -> None:
        print(f"[{time.monotonic() - began:5.1f} s] {text}", flush=True)

    admin(args.pg, f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    admin(args.pg, f"CREATE DATABASE {DB}")
    procs = []
    try:
        with tempfile.TemporaryDirectory(prefix="kg-two-") as shared:
            env = env_for(Path(shared), url)
            env.update(SECRET_KEY=secrets.token_urlsafe(50), KEGUAN_IMPORT_BACKGROUND_ROWS="1")
            import subprocess

            subprocess.run([sys.executable, "-m", "keguan.cli", "demo", "--scale", "0.02"], cwd=ROOT, env=env,
                           check=True, capture_output=True)
            step(f"database {DB}: migrated, demo city loaded")
            port_a, port_b = free_port(), free_port()
            procs.append(start("new", port_a, env, "--no-worker", "--no-migrate", "--workers", "2"))
            procs.append(start("new", port_b, env, "--no-migrate", "--workers", "2"))
            a, b = f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}"
            step(f"instance A {a} (--no-worker), instance B {b} (with the task worker)")

            browser = Browser()
            browser.get(a, "/accounts/login/")
            browser.post(a, "/accounts/login/", {"username": USER, "password": PASSWORD})
            browser.get(b, "/")
            assert "/accounts/login/" not in browser.last_url, "B does not know A's session"
            step(f"1. logged in through A as {USER}; B serves the home page with that session")

            name = f"双实例演示科技有限公司{secrets.randbelow(1000):03d}"
            first17 = f"91450103{secrets.randbelow(10**8):08d}0"
            code = first17 + credit_code_check_char(first17)
            browser.get(a, "/exchange/enterprises/")
            browser.post(a, "/exchange/enterprises/", {"region": "450103"},
                         file=("两实例.xlsx", enterprise_file(name, code)))
            pk = int(re.search(r"/exchange/runs/(\d+)/", browser.last_url).group(1))
            step(f"2. uploaded through A: import run {pk}, {run_status(url, pk)[0]} (A has no worker)")
            status = wait_status(url, pk, {"ready", "failed"})
            if status != "ready":
                raise SystemExit(f"the check failed: {run_status(url, pk)[1]}")
            assert "两实例.xlsx" in browser.get(b, f"/exchange/runs/{pk}/")
            step(f"   checked by B's worker: {status}; the run's page shows through B")
            page = browser.get(a, f"/exchange/runs/{pk}/")
            assert f"/exchange/runs/{pk}/confirm/" in page, "A does not offer 确认导入"
            browser.post(a, f"/exchange/runs/{pk}/confirm/", {})
            status = wait_status(url, pk, {"done", "error"})
            if status != "done":
                raise SystemExit(f"the write failed: {run_status(url, pk)[1]}")
            step(f"   confirmed through A, written by B's worker: {status}")

            query = "/enterprises/?" + urllib.parse.urlencode({"q": name})
            assert name in browser.get(a, query) and name in browser.get(b, query)
            step(f"3. {name} ({code}) is listed through A and through B")
    finally:
        for proc in procs:
            stop(proc)
        if not args.keep:
            admin(args.pg, f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    step("done: two instances, one database, one task queue")


if __name__ == "__main__":
    main()
