#!/usr/bin/env python
"""Benchmark: the enterprise list at 200,000 enterprises beside Django admin's change list.

    .venv/bin/python bench/bench_enterprise_list.py --db sqlite|postgres [--enterprises 200000] [--runs 30]

Builds (or reuses, keyed by seed, size and the generator's "today") a bench database filled by the demo
generator, then measures server time in-process with ``django.test.Client`` (wall time around
``client.get``, after warm-up) for each scenario as a city user and as a district user, each paired with the
admin change list over the same rows. Prints p50/p95 per scenario and the ratio keguan/admin and writes the
raw numbers as JSON to ``bench/results/``. See bench/README.md.

Not a pytest module (its name does not start with ``test_``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DATA = BENCH / ".data"
RESULTS = BENCH / "results"

BENCH_TODAY = dt.date(2025, 6, 30)  # fixed, so the same seed and size always give the same rows
ADMIN_USER = "bench_admin"
SEARCH_Q = "科技"  # a common name fragment: the trade words 电子科技, 生物科技, 网络科技, 农业科技 … contain it
SEARCH_STAGE = "hnte"
INDUSTRY = "C"  # 制造业, the broadest section (about 60 % of the demo firms)
DEEP_PAGE = 500  # keguan shows 20 rows a page: rows 9,981–10,000
PAGE_SIZE = 20
ADMIN_PAGE_SIZE = 100  # Django admin's list_per_page default
TARGET_MS = 150.0

sys.path.insert(0, str(ROOT))


# ---------------------------------------------------------------------------------------------- database


def bench_key(seed: int, size: int) -> str:
    return f"seed={seed} enterprises={size} today={BENCH_TODAY.isoformat()}"


def configure(db: str, seed: int, size: int, pg_url: str) -> str:
    """Point keguan at the bench database (before Django is set up). Returns a description."""
    DATA.mkdir(parents=True, exist_ok=True)
    os.environ["KEGUAN_DATA_DIR"] = str(DATA)
    os.environ["DJANGO_SETTINGS_MODULE"] = "keguan.settings"
    os.environ.setdefault("SECRET_KEY", "keguan-bench-not-secret")
    if db == "sqlite":
        path = DATA / f"keguan-bench-s{seed}-n{size}.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        return str(path.relative_to(ROOT))
    os.environ["DATABASE_URL"] = pg_url
    parts = urlsplit(pg_url)
    return f"{parts.hostname}:{parts.port or 5432}/{parts.path.lstrip('/')}"


def _pg_admin(pg_url: str, sql: str) -> None:
    """Run ``sql`` on the server's maintenance database (CREATE/DROP DATABASE)."""
    import psycopg

    parts = urlsplit(pg_url)
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql)


def _pg_exists(pg_url: str) -> bool:
    import psycopg

    parts = urlsplit(pg_url)
    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def _read_meta() -> dict | None:
    from django.db import connection

    if "keguan_bench_meta" not in connection.introspection.table_names():
        return None
    with connection.cursor() as cur:
        cur.execute("SELECT k, v FROM keguan_bench_meta")
        return dict(cur.fetchall())


def _write_meta(meta: dict) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS keguan_bench_meta (k varchar(64) PRIMARY KEY, v text NOT NULL)")
        cur.execute("DELETE FROM keguan_bench_meta")
        for k, v in meta.items():
            cur.execute("INSERT INTO keguan_bench_meta (k, v) VALUES (%s, %s)", [k, str(v)])


def prepare_database(db: str, seed: int, size: int, pg_url: str, rebuild: bool) -> dict:
    """Reuse the bench database when it holds this seed and size, otherwise build it. Returns its meta."""
    key = bench_key(seed, size)
    if db == "postgres" and not _pg_exists(pg_url):
        _pg_admin(pg_url, f'CREATE DATABASE "{urlsplit(pg_url).path.lstrip("/")}"')

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    meta = None if rebuild else _read_meta()
    if meta is not None and meta.get("key") == key:
        call_command("migrate", interactive=False, verbosity=0)  # new indexes, if any
        print(f"复用基准数据库（{key}，生成用时 {float(meta['generate_seconds']):.0f} 秒）")
        return meta | {"reused": True}

    print(f"生成基准数据库（{key}）…")
    connection.close()
    if db == "sqlite":
        # Build beside the old file and swap it in when complete: other runs (bench_reports.py) may be
        # reading the old one, and an interrupted build leaves the old one in place.
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
        seed=seed, enterprises=size, today=BENCH_TODAY, progress=lambda msg: print(f"  {msg}", flush=True)
    )
    generated = time.monotonic()
    _ensure_admin()
    if connection.vendor == "postgresql":
        # Bring the freshly loaded tables to the steady state autovacuum would reach (visibility map, stats).
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
        connection.close()  # the last connection checkpoints the WAL into the file
        _unlink_sqlite(final)
        os.replace(building, final)
        connection.settings_dict["NAME"] = str(final)
    print(f"迁移 {meta['migrate_seconds']} 秒，生成 {result.enterprises} 家企业 {meta['generate_seconds']} 秒")
    return meta | {"reused": False}


def _unlink_sqlite(path: Path) -> None:
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        p.unlink(missing_ok=True)


def _ensure_admin():
    from keguan.accounts.models import User

    user = User.objects.filter(username=ADMIN_USER).first()
    if user is None:
        user = User.objects.create_superuser(ADMIN_USER, password="Kejiju@2024-bench")
    return user


# ---------------------------------------------------------------------------------------------- scenarios


@dataclass
class Scenario:
    name: str
    persona: str  # "city" or "district"
    keguan_url: str
    admin_url: str
    description: str
    keguan_times: list[float] = field(default_factory=list)
    admin_times: list[float] = field(default_factory=list)
    keguan_rows: int | None = None
    admin_rows: int | None = None
    keguan_queries: int | None = None
    admin_queries: int | None = None


def build_scenarios(district, township, deep_page: int = DEEP_PAGE) -> list[Scenario]:
    from django.urls import reverse

    lst = reverse("enterprises:list")
    adm = reverse("admin:enterprises_enterprise_changelist")
    admin_deep = math.ceil(deep_page * PAGE_SIZE / ADMIN_PAGE_SIZE)

    def url(base: str, params: dict) -> str:
        return f"{base}?{urlencode(params)}" if params else base

    out = []
    for persona in ("city", "district"):
        # The admin peer is the superuser's change list; for the district user it is narrowed to the same
        # district, so both pages count and show the same rows.
        scope = {"district__id__exact": district.pk} if persona == "district" else {}
        out += [
            Scenario(
                "search+stage", persona,
                url(lst, {"q": SEARCH_Q, "stage": SEARCH_STAGE}),
                url(adm, {"q": SEARCH_Q, "stage__exact": SEARCH_STAGE, **scope}),
                f"名称含“{SEARCH_Q}”且阶段为高企，第 1 页",
            ),
            Scenario(
                "township", persona,
                url(lst, {"township": township.pk}),
                url(adm, {"township__id__exact": township.pk, **scope}),
                f"乡镇/街道 = {township.name}，第 1 页",
            ),
            Scenario(
                "industry", persona,
                url(lst, {"industry": INDUSTRY}),
                url(adm, {"industry_section__exact": INDUSTRY, **scope}),
                f"行业门类 = {INDUSTRY}（制造业），第 1 页",
            ),
            Scenario(
                "deep-page", persona,
                url(lst, {"page": deep_page}),
                url(adm, {"p": admin_deep, **scope}),
                f"不加条件，第 {deep_page} 页（admin 第 {admin_deep} 页，每页 {ADMIN_PAGE_SIZE} 行）",
            ),
        ]
    return out


KEGUAN_COUNT = re.compile(r"共 (\d+) 条")
ADMIN_COUNT = re.compile(r'<p class="paginator">.*?(\d+) 企业', re.S)  # "… 9057 企业" after the page links


def _count(pattern: re.Pattern, html: str) -> int | None:
    m = pattern.search(html)
    return int(m.group(1)) if m else 0 if "kg-empty" in html else None


def _timed_get(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"GET {url} → {response.status_code}")
    return elapsed


def measure(scenarios: list[Scenario], clients: dict, runs: int, warmup: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for s in scenarios:
        kc, ac = clients[s.persona], clients["admin"]
        # Check the pair shows the same rows, count the SQL, and warm caches.
        html = kc.get(s.keguan_url).content.decode()
        s.keguan_rows = _count(KEGUAN_COUNT, html)
        html = ac.get(s.admin_url).content.decode()
        s.admin_rows = _count(ADMIN_COUNT, html)
        with CaptureQueriesContext(connection) as q:
            kc.get(s.keguan_url)
        s.keguan_queries = len(q.captured_queries)
        with CaptureQueriesContext(connection) as q:
            ac.get(s.admin_url)
        s.admin_queries = len(q.captured_queries)
        for _ in range(warmup):
            kc.get(s.keguan_url)
            ac.get(s.admin_url)
        gc.collect()
        for _ in range(runs):  # interleaved, so drift hits both sides alike
            s.keguan_times.append(_timed_get(kc, s.keguan_url))
            s.admin_times.append(_timed_get(ac, s.admin_url))
        print(f"  {s.persona:<8} {s.name:<13} keguan p95 {p95(s.keguan_times):7.1f} ms   admin p95 {p95(s.admin_times):7.1f} ms",
              flush=True)


def p50(xs: list[float]) -> float:
    return statistics.median(xs)


def p95(xs: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(xs)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


# ---------------------------------------------------------------------------------------------- report


def table(scenarios: list[Scenario], db: str) -> str:
    head = ("| 用户 | 场景 | 行数 | keguan p50 | keguan p95 | admin p50 | admin p95 | keguan/admin p50 | "
            "keguan/admin p95 | SQL keguan/admin | 达标 |")
    lines = [f"**{db}**", "", head, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for s in scenarios:
        k50, k95, a50, a95 = p50(s.keguan_times), p95(s.keguan_times), p50(s.admin_times), p95(s.admin_times)
        ok = k95 < TARGET_MS and k95 <= a95
        rows = f"{s.keguan_rows:,}" if s.keguan_rows == s.admin_rows else f"{s.keguan_rows} ≠ {s.admin_rows}"
        lines.append(
            f"| {s.persona} | {s.name} | {rows} | {k50:.1f} | {k95:.1f} | {a50:.1f} | {a95:.1f} | "
            f"{k50 / a50:.2f} | {k95 / a95:.2f} | {s.keguan_queries}/{s.admin_queries} | {'✓' if ok else '✗'} |"
        )
    return "\n".join(lines)


def environment(db: str) -> dict:
    import django
    from django.db import connection

    import keguan

    with connection.cursor() as cur:
        cur.execute("SELECT sqlite_version()" if db == "sqlite" else "SHOW server_version")
        server = cur.fetchone()[0]
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, check=True).stdout.strip()
        dirty = bool(subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "keguan"],
                                    capture_output=True, text=True, check=True).stdout.strip())
    except (OSError, subprocess.CalledProcessError):
        commit, dirty = "", False
    return {
        "database": db,
        "server_version": server,
        "python": platform.python_version(),
        "django": django.get_version(),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPU",
        "git_commit": commit + ("+dirty" if dirty else ""),
        "code": str(Path(keguan.__file__).parent),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), required=True)
    parser.add_argument("--enterprises", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=30, help="timed requests per page (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per page first (default 3)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--rebuild", action="store_true", help="regenerate the bench database even if it matches")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/keguan_bench"),
                        help="PostgreSQL database for --db postgres (created/replaced; default keguan_bench)")
    args = parser.parse_args(argv)

    run_started = time.monotonic()
    load_before = os.getloadavg()
    where = configure(args.db, args.seed, args.enterprises, args.pg_url)
    print(f"数据库：{args.db} {where}")
    meta = prepare_database(args.db, args.seed, args.enterprises, args.pg_url, args.rebuild)
    prepared = time.monotonic()

    from django.db.models import Count
    from django.test import Client

    from keguan.accounts.models import User
    from keguan.enterprises.models import Enterprise
    from keguan.regions.models import Region

    city_user = User.objects.select_related("region").get(username="city_staff")
    # The district user is the one of the largest district; the township filter uses its largest township.
    district_id = (Enterprise.objects.values("district").annotate(n=Count("id")).order_by("-n", "district")
                   .values_list("district", flat=True).first())
    district = Region.objects.get(pk=district_id)
    township = Region.objects.get(pk=Enterprise.objects.filter(district=district).exclude(township=None)
                                  .values("township").annotate(n=Count("id")).order_by("-n", "township")
                                  .values_list("township", flat=True).first())
    district_user = User.objects.get(username=f"staff_{district.code}")
    admin = _ensure_admin()
    clients = {}
    for key, user in (("city", city_user), ("district", district_user), ("admin", admin)):
        clients[key] = Client()
        clients[key].force_login(user)
    total = Enterprise.objects.count()
    in_district = Enterprise.objects.filter(district=district).count()
    print(f"企业 {total:,} 家；市局用户 {city_user.username}，区县用户 {district_user.username}"
          f"（{district.name}，{in_district:,} 家）；乡镇 {township.name}")

    # page 500 (rows 9,981–10,000); at small --enterprises the district's last full admin page instead
    deep_page = max(1, min(DEEP_PAGE, in_district // ADMIN_PAGE_SIZE * ADMIN_PAGE_SIZE // PAGE_SIZE))
    scenarios = build_scenarios(district, township, deep_page)
    load = os.getloadavg()[0]
    print(f"测量：每页预热 {args.warmup} 次，计时 {args.runs} 次（keguan 与 admin 交替）；主机负载 {load:.1f}")
    if load > 0.5 * (os.cpu_count() or 1):
        print("注意：主机负载较高，绝对时间会偏大（keguan/admin 之比受影响较小）")
    measure(scenarios, clients, args.runs, args.warmup)
    finished = time.monotonic()
    load_after = os.getloadavg()

    print()
    print(table(scenarios, args.db))
    misses = [s for s in scenarios if not (p95(s.keguan_times) < TARGET_MS and p95(s.keguan_times) <= p95(s.admin_times))]
    mismatched = [s for s in scenarios if s.keguan_rows != s.admin_rows]
    print()
    print(f"目标：p95 < {TARGET_MS:.0f} ms 且不慢于 admin —— {'全部达标' if not misses else f'{len(misses)} 项未达标'}")
    if mismatched:
        print("注意：以下场景 keguan 与 admin 的行数不同：" + "，".join(f"{s.persona}/{s.name}" for s in mismatched))
    print(f"用时：准备数据库 {prepared - run_started:.0f} 秒，测量 {finished - prepared:.0f} 秒")

    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = RESULTS / f"enterprise_list-{args.db}-{stamp}.json"
    payload = {
        "benchmark": "enterprise_list",
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "environment": environment(args.db),
        "database": meta,
        "params": {
            "enterprises": total, "runs": args.runs, "warmup": args.warmup, "seed": args.seed,
            "district": f"{district.code} {district.name}", "district_enterprises": in_district,
            "township": f"{township.code} {township.name}", "target_p95_ms": TARGET_MS,
        },
        "seconds": {"prepare": round(prepared - run_started, 1), "measure": round(finished - prepared, 1)},
        "load_average": {"before": [round(x, 2) for x in load_before], "after": [round(x, 2) for x in load_after]},
        "scenarios": [
            {
                "persona": s.persona, "name": s.name, "description": s.description,
                "keguan_url": s.keguan_url, "admin_url": s.admin_url,
                "rows": {"keguan": s.keguan_rows, "admin": s.admin_rows},
                "queries": {"keguan": s.keguan_queries, "admin": s.admin_queries},
                "keguan_ms": {"p50": round(p50(s.keguan_times), 2), "p95": round(p95(s.keguan_times), 2),
                              "all": [round(t, 2) for t in s.keguan_times]},
                "admin_ms": {"p50": round(p50(s.admin_times), 2), "p95": round(p95(s.admin_times), 2),
                             "all": [round(t, 2) for t in s.admin_times]},
                "meets_target": p95(s.keguan_times) < TARGET_MS and p95(s.keguan_times) <= p95(s.admin_times),
            }
            for s in scenarios
        ],
    }
    out.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"结果：{out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
