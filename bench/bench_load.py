#!/usr/bin/env python
"""Load test: locust users against ``keguan serve`` (gunicorn) on the 200,000-firm city, loopback only.

    .venv/bin/python bench/bench_load.py --db postgres|sqlite [--users 200] [--measure 180] [--spawn-rate 4]

Needs locust (``.venv/bin/pip install -e ".[bench]"``). Steps:

1. the 200,000-firm bench database of ``bench_enterprise_list.py`` (built or reused), copied so the test's writes
   leave it unchanged: PostgreSQL ``CREATE DATABASE keguan_load TEMPLATE keguan_bench``, SQLite a file copy
   (``bench/.data/keguan-load.sqlite3``); one work summary per district and one for the city are generated in
   the copy (the users preview them), and a fixture names the districts, firms, townships and summaries;
2. gunicorn as ``keguan serve`` runs it (``keguan.core.serving``: one worker per core, 4 threads each) on
   127.0.0.1 and a free port, without serve's catch-up at start (see ``LAUNCH``);
3. locust headless (``bench/locustfile.py``): the users start at ``--spawn-rate`` a second and log in; the
   measured window opens ``--settle`` seconds after the last one has logged in and lasts ``--measure``
   seconds; each user waits 4–6 s between actions;
4. the server is stopped (always), a table printed (requests/s, p50/p95/p99, max, failures by request kind, reads,
   writes and total) and the numbers, the machine's load average during the run and the environment written
   to ``bench/results/load-<db>-<time>.json``.

Target (issue 9): p99 ≤ 1 s and no failed request. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import bench_enterprise_list as bel  # noqa: E402
from bench_serve import env_for, free_port, stop, wait_up  # noqa: E402

HOST = "127.0.0.1"
LOAD_SQLITE = bel.DATA / "keguan-load.sqlite3"
SUMMARY_PERIOD = str(bel.BENCH_TODAY.year - 1)  # the last full year of the bench data
TARGET_P99_MS = 1000.0
FIRMS_READ = 2000  # firms per district the users open
FIRMS_WRITTEN = 800  # firms per district with a year's figures, shared out among that district's users


# ---------------------------------------------------------------------------------------------- database


def copy_database(db: str, source_url: str, load_url: str) -> None:
    """The load test writes: run it on a copy of the bench database."""
    from django.db import connection

    connection.close()
    if db == "postgres":
        source, target = (urlsplit(u).path.lstrip("/") for u in (source_url, load_url))
        bel._pg_admin(source_url, f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        bel._pg_admin(source_url, f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
        connection.settings_dict["NAME"] = target
    else:
        bel._unlink_sqlite(LOAD_SQLITE)
        src = sqlite3.connect(connection.settings_dict["NAME"])
        dst = sqlite3.connect(LOAD_SQLITE)
        with dst:
            src.backup(dst)
        src.close()
        dst.close()
        connection.settings_dict["NAME"] = str(LOAD_SQLITE)


def optimize_sqlite() -> None:
    """``keguan serve`` runs ``PRAGMA optimize`` on SQLite before it starts gunicorn; so does this test."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("PRAGMA optimize")


def build_fixture(seed: int) -> dict:
    """What the users need to know: each district's staff account, firms to open, firms to write (with a year
    of figures), townships and a work summary; the city's summary; the enterprise accounts and their firm."""
    from django.db.models import Max

    from keguan.accounts.models import User
    from keguan.enterprises.models import Enterprise, EnterpriseYear
    from keguan.reports.services import report_generate
    from keguan.rules.periods import Period

    rng = random.Random(seed)
    period = Period.parse(SUMMARY_PERIOD)
    city_user = User.objects.select_related("region").get(username="city_staff")
    districts = []
    for staff in User.objects.filter(username__startswith="staff_").select_related("region").order_by("username"):
        d = staff.region
        ids = list(Enterprise.objects.filter(district=d).values_list("id", flat=True))
        if not ids:
            continue
        candidates = rng.sample(ids, min(len(ids), FIRMS_WRITTEN * 2))
        years = dict(EnterpriseYear.objects.filter(enterprise_id__in=candidates).values("enterprise_id")
                     .annotate(y=Max("year")).values_list("enterprise_id", "y"))
        writable = [[pk, years[pk]] for pk in candidates if pk in years][:FIRMS_WRITTEN]
        townships = sorted({t for t in Enterprise.objects.filter(district=d).exclude(township=None)
                            .values_list("township", flat=True).distinct()})
        summary = report_generate(actor=staff, region=d, period=period)
        districts.append({
            "id": d.pk, "code": d.code, "name": d.name, "staff": staff.username,
            "firms": rng.sample(ids, min(len(ids), FIRMS_READ)), "writable": writable, "townships": townships,
            "summary": summary.pk,
        })
    city_summary = report_generate(actor=city_user, region=city_user.region, period=period)
    enterprises = []
    for user in User.objects.filter(username__startswith="ent_").exclude(enterprise=None).order_by("username"):
        year = EnterpriseYear.objects.filter(enterprise_id=user.enterprise_id).aggregate(y=Max("year"))["y"]
        if year is not None:
            enterprises.append({"username": user.username, "firm": user.enterprise_id, "year": year})
    return {"districts": districts, "city_summary": city_summary.pk, "enterprises": enterprises,
            "summary_period": SUMMARY_PERIOD}


def user_mix(users: int, enterprises: int) -> tuple[int, int, int]:
    """District staff, city staff, enterprise users: about 84 %, 10 %, 6 % (at most one per enterprise
    account, so no two users edit the same firm)."""
    ent = min(enterprises, max(1, round(users * 0.06)))
    city = max(1, round(users * 0.10))
    return users - city - ent, city, ent


# ---------------------------------------------------------------------------------------------- run


class LoadSampler(threading.Thread):
    """The machine's 1-minute load average every 5 s while the test runs."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[tuple[float, float]] = []
        self.halt = threading.Event()
        self.began = time.monotonic()

    def run(self) -> None:
        while not self.halt.wait(5):
            self.samples.append((round(time.monotonic() - self.began, 1), round(os.getloadavg()[0], 2)))


# gunicorn exactly as ``keguan serve`` runs it (keguan.core.serving: the plan, the worker class, the options),
# but without serve's catch-up at start: the bench data is dated 2025-06-30, so on today's date the stages of
# some 70,000 firms have lapsed and the pipeline's start job would re-derive them one by one (hours on this
# machine) before serving — a one-off job of a first start, not load. No task worker: the test imports nothing.
LAUNCH = ("from keguan.core import serving; "
          "serving.run_gunicorn(serving.Plan(host={host!r}, port={port}, workers={workers}, threads={threads}))")


def start_server(env: dict, port: int, workers: int | None, threads: int, log: Path) -> subprocess.Popen:
    from keguan.core.serving import default_workers

    code = LAUNCH.format(host=HOST, port=port, workers=workers or default_workers(), threads=threads)
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_up(port, proc, seconds=120)
    except SystemExit:
        stop(proc)
        raise
    return proc


def table(result: dict) -> str:
    lines = ["| 请求 | 次数 | 请求/秒 | p50 ms | p95 ms | p99 ms | 最大 ms | 失败 |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]

    def row(name: str, e: dict, bold: bool = False) -> str:
        b = "**" if bold else ""
        return (f"| {b}{name}{b} | {e['requests']:,} | {e['rps']:.1f} | {e['p50_ms']:.0f} | {e['p95_ms']:.0f} | "
                f"{e['p99_ms']:.0f} | {e['max_ms']:.0f} | {e['failures']} |")

    for name, e in sorted(result["by_name"].items(), key=lambda kv: (kv[0].split(" ", 1)[0] != "GET", kv[0])):
        lines.append(row(name, e))
    lines.append(row("读（GET）", result["reads"]))
    lines.append(row("写（POST）", result["writes"]))
    lines.append(row("合计", result["total"], bold=True))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), required=True)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=float, default=2, help="users started per second (each logs in)")
    parser.add_argument("--settle", type=int, default=20, help="seconds after the last login, not measured")
    parser.add_argument("--measure", type=int, default=180, help="measured seconds (default 180)")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: keguan serve's, the cores)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (keguan serve's default 4)")
    parser.add_argument("--host", default=HOST, help="only 127.0.0.1 is accepted")
    parser.add_argument("--enterprises", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/keguan_bench"),
                        help="the bench database to copy (default keguan_bench)")
    parser.add_argument("--load-db", default="keguan_load", help="PostgreSQL copy the test writes to (replaced)")
    args = parser.parse_args(argv)
    if args.host != HOST:
        parser.error(f"the load test runs on loopback only: --host {HOST}")
    if urlsplit(args.pg_url).hostname not in (HOST, "localhost"):
        parser.error("the PostgreSQL bench database must be on this machine (127.0.0.1)")
    if shutil.which("locust", path=str(Path(sys.executable).parent)) is None:
        parser.error('locust is not installed: .venv/bin/pip install -e ".[bench]"')

    began = time.monotonic()
    bel.configure(args.db, args.seed, args.enterprises, args.pg_url)
    meta = bel.prepare_database(args.db, args.seed, args.enterprises, args.pg_url, rebuild=False)
    load_url = urlsplit(args.pg_url)._replace(path=f"/{args.load_db}").geturl()
    copy_database(args.db, args.pg_url, load_url)
    database_url = load_url if args.db == "postgres" else f"sqlite:///{LOAD_SQLITE}"
    print(f"负载测试数据库：{database_url}", flush=True)
    optimize_sqlite()
    fixture = build_fixture(args.seed)
    environment = bel.environment(args.db)
    from django.db import connection

    connection.close()
    prepared = time.monotonic()

    mix = user_mix(args.users, len(fixture["enterprises"]))
    ramp = math.ceil(args.users / args.spawn_rate)
    run_time = ramp + args.settle + args.measure + 900  # a bound only: the locustfile stops after measuring
    work = Path(tempfile.mkdtemp(prefix="keguan-load-"))
    fixture_path, out_path = work / "fixture.json", work / "locust.json"
    fixture_path.write_text(json.dumps(fixture, ensure_ascii=False), encoding="utf-8")
    server_log = bel.DATA / f"load-server-{args.db}.log"
    env = env_for(bel.DATA, database_url)
    env["SECRET_KEY"] = "keguan-load-not-secret"
    port = free_port()
    sampler = LoadSampler()
    server = None
    try:
        server = start_server(env, port, args.workers, args.threads, server_log)
        print(f"服务：http://{HOST}:{port}（gunicorn，日志 {server_log.relative_to(ROOT)}）", flush=True)
        print(f"用户 {args.users}（区县 {mix[0]}、市局 {mix[1]}、企业 {mix[2]}），每秒启动 {args.spawn_rate:g} 个，"
              f"启动约 {ramp} s，全部登录后稳定 {args.settle} s，再测量 {args.measure} s；主机负载 {os.getloadavg()[0]:.1f}",
              flush=True)
        sampler.start()
        locust_env = {**os.environ, "KEGUAN_LOAD_FIXTURE": str(fixture_path), "KEGUAN_LOAD_OUT": str(out_path),
                      "KEGUAN_LOAD_MIX": ",".join(map(str, mix)), "KEGUAN_LOAD_SETTLE": str(args.settle),
                      "KEGUAN_LOAD_MEASURE": str(args.measure)}
        subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
             "--host", f"http://{HOST}:{port}", "--users", str(args.users), "--spawn-rate", str(args.spawn_rate),
             "--run-time", f"{run_time}s", "--stop-timeout", "20", "--only-summary", "--loglevel", "WARNING"],
            cwd=ROOT, env=locust_env, check=False, stdout=subprocess.DEVNULL,
        )
    finally:
        sampler.halt.set()
        sampler_end = time.monotonic() - sampler.began
        if server is not None:
            stop(server)
    finished = time.monotonic()
    if not out_path.exists():
        print("locust 没有写出结果（见上方输出）", file=sys.stderr)
        return 2
    result = json.loads(out_path.read_text(encoding="utf-8"))
    shutil.rmtree(work, ignore_errors=True)

    measured = [x for t, x in sampler.samples if t >= sampler_end - result["window"]["seconds"]]
    loads = measured or [x for _, x in sampler.samples] or [os.getloadavg()[0]]
    total = result["total"]
    ok = total["p99_ms"] <= TARGET_P99_MS and total["failures"] == 0
    print()
    print(table(result))
    print()
    print(f"{args.db}，{args.users} 个用户（思考时间 4–6 s），测量 {result['window']['seconds']:.0f} s："
          f"{total['rps']:.1f} 请求/秒，p50 {total['p50_ms']:.0f} / p95 {total['p95_ms']:.0f} / "
          f"p99 {total['p99_ms']:.0f} ms，失败 {total['failures']}")
    print(f"测量期间主机 1 分钟负载 {min(loads):.1f}–{max(loads):.1f}（平均 {sum(loads) / len(loads):.1f}），"
          f"{os.cpu_count()} 核")
    print(f"目标 p99 ≤ {TARGET_P99_MS:.0f} ms 且 0 失败：{'达标' if ok else '未达标'}")
    for e in result["errors"][:10]:
        print(f"  失败 {e['occurrences']}×  {e['method']} {e['name']}: {e['error'][:200]}")

    bel.RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = bel.RESULTS / f"load-{args.db}-u{args.users}-{stamp}.json"
    payload = {
        "benchmark": "load",
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "environment": environment | {"server": f"gunicorn via keguan.core.serving, workers {args.workers or 'default'}, "
                                                f"threads {args.threads}", "database_url": database_url},
        "database": meta,
        "params": {"users": args.users, "mix": dict(zip(("district", "city", "enterprise"), mix, strict=True)),
                   "spawn_rate": args.spawn_rate, "settle_s": args.settle, "measure_s": args.measure,
                   "think_s": [4, 6], "target_p99_ms": TARGET_P99_MS, "summary_period": SUMMARY_PERIOD},
        "seconds": {"prepare": round(prepared - began, 1), "run": round(finished - prepared, 1)},
        "load_average": {"measured": {"min": min(loads), "max": max(loads), "mean": round(sum(loads) / len(loads), 2)},
                         "samples": sampler.samples},
        "meets_target": ok,
        **result,
    }
    out.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"结果：{out.relative_to(ROOT)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
