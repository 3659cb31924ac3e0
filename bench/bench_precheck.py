#!/usr/bin/env python
"""Benchmark: the district pre-check (科小/高企) over one district of 20,000 firms with three years of figures.

    .venv/bin/python bench/bench_precheck.py --db sqlite|postgres [--runs 10] [--export-runs 3]

Builds (or reuses, keyed by seed, sizes and the generator's "today") its own database: the demo city at a
small scale with one district (青秀区) of 20,000 firms. Then, as that district's staff user
(``staff_<code>``) through ``django.test.Client``, times the pre-check page for each rule (first page, and
with a status filter) and the .xlsx export of the whole district for each rule. Prints p50/p95 and a digest
of what each request shows (so a change of code can be checked to change no result) and writes the raw
numbers as JSON to ``bench/results/``. ``--profile`` runs each scenario once under cProfile instead.
Target (issue 4): the page under 3 s (p95). See bench/README.md.

Not a pytest module (its name does not start with ``test_``).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import hashlib
import io
import json
import os
import pstats
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_enterprise_list import (  # noqa: E402
    DATA,
    RESULTS,
    ROOT,
    _pg_admin,
    _pg_exists,
    _read_meta,
    _unlink_sqlite,
    _write_meta,
    environment,
    p50,
    p95,
)

DISTRICT = "450103"  # 青秀区
DISTRICT_FIRMS = 20_000
OTHER_SCALE = 0.05  # the other districts: 15–100 firms each
PAGE_TARGET_MS = 3000.0
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/keguan_bench_precheck"


def generator_today() -> dt.date:
    """The demo's "today": 30 June of this year, so that its three fiscal years are the ones a pre-check made
    today uses (the page assesses on the real date). The database is rebuilt when the year turns."""
    from django.utils import timezone

    return dt.date(timezone.localdate().year, 6, 30)


def bench_key(seed: int, firms: int, today: dt.date) -> str:
    return f"precheck seed={seed} district={DISTRICT}:{firms} scale={OTHER_SCALE} today={today.isoformat()}"


def configure(db: str, seed: int, firms: int, pg_url: str) -> str:
    DATA.mkdir(parents=True, exist_ok=True)
    os.environ["KEGUAN_DATA_DIR"] = str(DATA)
    os.environ["DJANGO_SETTINGS_MODULE"] = "keguan.settings"
    os.environ.setdefault("SECRET_KEY", "keguan-bench-not-secret")
    if db == "sqlite":
        path = DATA / f"keguan-bench-precheck-s{seed}-n{firms}.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        return str(path.relative_to(ROOT))
    os.environ["DATABASE_URL"] = pg_url
    parts = urlsplit(pg_url)
    return f"{parts.hostname}:{parts.port or 5432}/{parts.path.lstrip('/')}"


def prepare_database(db: str, seed: int, firms: int, pg_url: str, rebuild: bool) -> dict:
    """Reuse the bench database when its key matches, otherwise build it (SQLite: beside the old file, then
    swapped in; PostgreSQL: the database is dropped and created). Returns its meta."""
    if db == "postgres" and not _pg_exists(pg_url):
        _pg_admin(pg_url, f'CREATE DATABASE "{urlsplit(pg_url).path.lstrip("/")}"')

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    today = generator_today()
    key = bench_key(seed, firms, today)
    meta = None if rebuild else _read_meta()
    if meta is not None and meta.get("key") == key:
        call_command("migrate", interactive=False, verbosity=0)
        print(f"复用基准数据库（{key}，生成用时 {float(meta['generate_seconds']):.0f} 秒）")
        return meta | {"reused": True}

    print(f"生成基准数据库（{key}）…")
    connection.close()
    if db == "sqlite":
        final = Path(connection.settings_dict["NAME"])
        building = final.with_name(final.name + ".building")
        _unlink_sqlite(building)
        connection.settings_dict["NAME"] = str(building)
    else:
        name = urlsplit(pg_url).path.lstrip("/")
        _pg_admin(pg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _pg_admin(pg_url, f'CREATE DATABASE "{name}"')
    started = time.monotonic()
    call_command("migrate", interactive=False, verbosity=0)
    migrated = time.monotonic()

    from keguan.demo.generator import generate_demo

    result = generate_demo(
        seed=seed,
        scale=OTHER_SCALE,
        today=today,
        district_sizes={DISTRICT: firms},
        progress=lambda msg: print(f"  {msg}", flush=True),
    )
    generated = time.monotonic()
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
    meta = {
        "key": key,
        "seed": seed,
        "enterprises": result.enterprises,
        "migrate_seconds": round(migrated - started, 1),
        "generate_seconds": round(generated - migrated, 1),
        "built_at": dt.datetime.now().isoformat(timespec="seconds"),
    }
    _write_meta(meta)
    if db == "sqlite":
        connection.close()
        _unlink_sqlite(final)
        os.replace(building, final)
        connection.settings_dict["NAME"] = str(final)
    print(f"迁移 {meta['migrate_seconds']} 秒，生成 {result.enterprises} 家企业 {meta['generate_seconds']} 秒")
    return meta | {"reused": False}


# ---------------------------------------------------------------------------------------------- scenarios


@dataclass
class Scenario:
    name: str
    kind: str  # "page" or "export"
    url: str
    description: str
    times: list[float] = field(default_factory=list)
    queries: int | None = None
    shown: int | None = None  # rows on the page / in the export
    digest: str = ""
    size: int = 0  # bytes of the response


def build_scenarios() -> list[Scenario]:
    from django.urls import reverse

    page, export = reverse("pipeline:precheck"), reverse("pipeline:precheck_export")

    def url(base: str, params: dict) -> str:
        return f"{base}?{urlencode(params)}"

    return [
        Scenario("tech_sme", "page", url(page, {"rule": "tech_sme"}), "科小预审，第 1 页"),
        Scenario("tech_sme+failed", "page", url(page, {"rule": "tech_sme", "status": "failed"}),
                 "科小预审，只看“不符合条件”，第 1 页"),
        Scenario("hnte", "page", url(page, {"rule": "hnte"}), "高企预审，第 1 页"),
        Scenario("hnte+failed", "page", url(page, {"rule": "hnte", "status": "failed"}),
                 "高企预审，只看“不符合条件”，第 1 页"),
        Scenario("export tech_sme", "export", url(export, {"rule": "tech_sme"}), "科小预审名单导出（全区）"),
        Scenario("export hnte", "export", url(export, {"rule": "hnte"}), "高企预审名单导出（全区）"),
    ]


def _get(client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"GET {url} → {response.status_code}")
    response.getvalue()  # a streamed response is produced while it is read
    return response


def _timed(client, url: str) -> float:
    started = time.perf_counter()
    _get(client, url)
    return (time.perf_counter() - started) * 1000


def _digest(s: Scenario, response) -> tuple[int, str]:
    """What the request shows, hashed: the page's status counts and its table (rank, name, status, score,
    what is lacking); the export's first sheet, every cell."""
    h = hashlib.sha256()
    if s.kind == "page":
        html = response.content.decode()
        shown = html[html.index('data-testid="status-counts"') : html.index("</tbody>")]
        h.update(shown.encode())
        return shown.count('<td class="text-end text-muted">'), h.hexdigest()[:16]
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(response.getvalue()), read_only=True)
    n = 0
    for row in wb.worksheets[0].iter_rows(min_row=2, values_only=True):
        h.update(repr(row).encode())
        n += 1
    return n, h.hexdigest()[:16]


def measure(scenarios: list[Scenario], client, runs: int, export_runs: int, warmup: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for s in scenarios:
        with CaptureQueriesContext(connection) as q:
            response = _get(client, s.url)
        s.queries = len(q.captured_queries)
        s.size = len(response.getvalue())
        s.shown, s.digest = _digest(s, response)
        del response
        for _ in range(warmup if s.kind == "page" else 0):
            _get(client, s.url)
        gc.collect()
        for _ in range(runs if s.kind == "page" else export_runs):
            s.times.append(_timed(client, s.url))
        print(f"  {s.name:<16} p50 {p50(s.times):8.0f} ms   p95 {p95(s.times):8.0f} ms   "
              f"{s.queries} SQL   {s.shown} 行   {s.digest}", flush=True)


def profile(scenarios: list[Scenario], client, top: int) -> None:
    for s in scenarios:
        _get(client, s.url)  # warm
        prof = cProfile.Profile()
        prof.enable()
        _get(client, s.url)
        prof.disable()
        print(f"\n===== {s.name}: {s.url}")
        stats = pstats.Stats(prof)
        stats.sort_stats("cumulative").print_stats(top)
        stats.sort_stats("tottime").print_stats(top)


def table(scenarios: list[Scenario], db: str) -> str:
    lines = [f"**{db}**", "", "| scenario | rows | p50 ms | p95 ms | SQL | digest | target |",
             "|---|---:|---:|---:|---:|---|---|"]
    for s in scenarios:
        ok = "✓" if p95(s.times) < PAGE_TARGET_MS else "✗"
        lines.append(f"| {s.name} | {s.shown:,} | {p50(s.times):.0f} | {p95(s.times):.0f} | {s.queries} | "
                     f"{s.digest} | {ok if s.kind == 'page' else ''} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), required=True)
    parser.add_argument("--firms", type=int, default=DISTRICT_FIRMS, help="firms in the measured district")
    parser.add_argument("--runs", type=int, default=10, help="timed requests per page (default 10)")
    parser.add_argument("--export-runs", type=int, default=3, help="timed exports per rule (default 3)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed requests per page first (default 2)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--rebuild", action="store_true", help="regenerate the bench database even if it matches")
    parser.add_argument("--only", default="", help="comma-separated scenario names (default: all)")
    parser.add_argument("--profile", action="store_true", help="profile one request per scenario, no timing")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PRECHECK_PG_URL", DEFAULT_PG_URL),
                        help="PostgreSQL database for --db postgres (created/replaced; default keguan_bench_precheck)")
    args = parser.parse_args(argv)

    run_started = time.monotonic()
    load_before = os.getloadavg()
    where = configure(args.db, args.seed, args.firms, args.pg_url)
    print(f"数据库：{args.db} {where}")
    meta = prepare_database(args.db, args.seed, args.firms, args.pg_url, args.rebuild)
    prepared = time.monotonic()

    from django.test import Client
    from django.utils import timezone

    from keguan.accounts.models import User
    from keguan.enterprises.models import Enterprise, EnterpriseYear

    user = User.objects.select_related("region").get(username=f"staff_{DISTRICT}")
    client = Client()
    client.force_login(user)
    firms = Enterprise.objects.filter(district=user.region).count()
    with_years = EnterpriseYear.objects.filter(enterprise__district=user.region).values("enterprise").distinct().count()
    on = timezone.localdate()
    print(f"用户 {user.username}（{user.region.name}，企业 {firms:,} 家，有年度数据 {with_years:,} 家）；评价日期 {on}")

    scenarios = build_scenarios()
    if args.only:
        wanted = {x.strip() for x in args.only.split(",")}
        scenarios = [s for s in scenarios if s.name in wanted]
    if args.profile:
        profile(scenarios, client, 30)
        return
    load = os.getloadavg()[0]
    print(f"测量：页面预热 {args.warmup} 次、计时 {args.runs} 次；导出计时 {args.export_runs} 次；主机负载 {load:.1f}")
    if load > 0.5 * (os.cpu_count() or 1):
        print("注意：主机负载较高，绝对时间会偏大")
    measure(scenarios, client, args.runs, args.export_runs, args.warmup)
    finished = time.monotonic()
    load_after = os.getloadavg()

    print()
    print(table(scenarios, args.db))
    misses = [s for s in scenarios if s.kind == "page" and p95(s.times) >= PAGE_TARGET_MS]
    print()
    print(f"目标：页面 p95 < {PAGE_TARGET_MS:.0f} ms —— {'达标' if not misses else f'{len(misses)} 项未达标'}")
    print(f"用时：准备数据库 {prepared - run_started:.0f} 秒，测量 {finished - prepared:.0f} 秒")

    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = RESULTS / f"precheck-{args.db}-{stamp}.json"
    payload = {
        "benchmark": "precheck",
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "environment": environment(args.db),
        "database": meta,
        "params": {
            "district": f"{user.region.code} {user.region.name}", "district_enterprises": firms,
            "with_figures": with_years, "assessed_on": on.isoformat(), "runs": args.runs,
            "export_runs": args.export_runs, "warmup": args.warmup, "seed": args.seed,
            "target_page_p95_ms": PAGE_TARGET_MS,
        },
        "seconds": {"prepare": round(prepared - run_started, 1), "measure": round(finished - prepared, 1)},
        "load_average": {"before": [round(x, 2) for x in load_before], "after": [round(x, 2) for x in load_after]},
        "scenarios": [
            {
                "name": s.name, "kind": s.kind, "url": s.url, "description": s.description, "rows": s.shown,
                "queries": s.queries, "bytes": s.size, "digest": s.digest,
                "ms": {"p50": round(p50(s.times), 1), "p95": round(p95(s.times), 1),
                       "all": [round(t, 1) for t in s.times]},
            }
            for s in scenarios
        ],
    }
    out.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"结果：{out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
