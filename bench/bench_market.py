"""Benchmark: technology contract totals by district and month (技术合同统计) over 1,000,000 contracts.

    .venv/bin/python bench/bench_market.py --db sqlite|postgres [--contracts 1000000] [--runs 20]

Builds its own database (regions of 南宁市, a city user and a district clerk, ``--contracts`` contracts over five
years with two sides each: 2,000,000 ``ContractSide`` rows, bulk inserted (COPY on PostgreSQL); kept between
runs, keyed by size and seed), then measures the totals page in-process (django.test.Client, server time:
middleware, queries, template) as 市局人员 (the whole city: 12 districts, the city-only part and the city's
row) and as a district's clerk, for one year, by count and by amount. Target (issue 16): p95 < 300 ms.

PostgreSQL: ``--pg-url`` (default postgres://postgres@127.0.0.1:5432/keguan_bench_market) is created when
missing; ``--drop`` drops it at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / ".data"
sys.path.insert(0, str(ROOT))

TARGET_MS = 300.0
YEARS = (2021, 2022, 2023, 2024, 2025)
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/keguan_bench_market"


def p50(xs):
    return statistics.median(xs)


def p95(xs):
    ordered = sorted(xs)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _pg_admin(pg_url: str, sql: str) -> None:
    import psycopg

    admin = urlsplit(pg_url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)


def configure(db: str, pg_url: str, size: int, seed: int) -> str:
    DATA.mkdir(parents=True, exist_ok=True)
    os.environ["KEGUAN_DATA_DIR"] = str(DATA)
    os.environ["DJANGO_SETTINGS_MODULE"] = "keguan.settings"
    os.environ.setdefault("SECRET_KEY", "keguan-bench-not-secret")
    if db == "sqlite":
        path = DATA / f"keguan-bench-market-s{seed}-n{size}.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        return str(path.relative_to(ROOT))
    import psycopg

    name = urlsplit(pg_url).path.lstrip("/")
    admin = urlsplit(pg_url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = pg_url
    return name


def fill(size: int, seed: int) -> float:
    """``size`` contracts, each with two sides in 南宁市 (inside one district, across two, or with one party
    known only to the city), spread over ``YEARS``."""
    from django.db import connection

    from keguan.demo.bulk import insert_rows
    from keguan.market.models import ContractSide, TechContract
    from keguan.regions.models import Region

    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM market_contractside")
        cur.execute("DELETE FROM market_historicaltechcontract")
        cur.execute("DELETE FROM market_techcontract")
    city = Region.objects.get(code="450100")
    districts = list(Region.objects.filter(parent=city, level=3).order_by("code"))
    rng = random.Random(seed)
    kinds = ["development", "service", "consulting", "transfer", "license"]
    now = dt.datetime.now(dt.UTC)
    c_fields = ["id", "version", "number", "name", "kind", "seller_name", "seller_code", "seller_region", "seller_area",
                "buyer_name", "buyer_code", "buyer_region", "buyer_area", "registered_on", "contract_amount",
                "transaction_amount", "registrar", "created_at"]
    s_fields = ["contract", "side", "city", "district", "registered_on", "contract_amount", "transaction_amount"]
    chunk = 50_000
    days = [(y, (dt.date(y, 12, 31) - dt.date(y, 1, 1)).days) for y in YEARS]
    for start in range(0, size, chunk):
        contracts, sides = [], []
        for i in range(start, min(size, start + chunk)):
            pk = i + 1
            year, span = days[i % len(days)]
            on = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, span))
            amount = Decimal(rng.randint(1_000, 5_000_000)).quantize(Decimal("0.01"))
            tx = (amount * Decimal(rng.randint(60, 100)) / 100).quantize(Decimal("0.01"))
            seller = rng.choice(districts)
            roll = rng.random()
            buyer = seller if roll < 0.3 else (None if roll > 0.85 else rng.choice(districts))
            s_region, b_region = seller, (buyer or city)
            contracts.append((pk, 1, f"B{year}{pk:09d}", "基准技术合同", rng.choice(kinds), "卖方", "", s_region.pk,
                              s_region.name, "买方", "", b_region.pk, b_region.name, on, amount, tx, "", now))
            sides.append((pk, "output", city.pk, seller.pk, on, amount, tx))
            sides.append((pk, "absorb", city.pk, buyer.pk if buyer else None, on, amount, tx))
        insert_rows(TechContract, c_fields, contracts)
        insert_rows(ContractSide, s_fields, sides)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT setval(pg_get_serial_sequence('market_techcontract', 'id'), %s)", [size])
            cur.execute("VACUUM ANALYZE market_contractside")
            cur.execute("VACUUM ANALYZE market_techcontract")
        else:
            cur.execute("ANALYZE")
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), required=True)
    parser.add_argument("--contracts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_MARKET_PG_URL", PG_DEFAULT))
    parser.add_argument("--drop", action="store_true", help="drop the PostgreSQL bench database at the end")
    args = parser.parse_args(argv)
    where = configure(args.db, args.pg_url, args.contracts, args.seed)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from keguan.accounts.models import Role, User
    from keguan.accounts.services import user_create
    from keguan.market.models import ContractSide, TechContract
    from keguan.regions.models import Region
    from keguan.regions.services import regions_load_national

    call_command("migrate", interactive=False, verbosity=0)
    if not Region.objects.filter(code="450100").exists():
        regions_load_national(within="4501")
    city = Region.objects.get(code="450100")
    clerk_region = Region.objects.get(code="450103")
    users = {}
    for name, role, region in (("bench_city", Role.CITY_STAFF, city), ("bench_clerk", Role.DISTRICT_STAFF, clerk_region)):
        users[name] = User.objects.filter(username=name).first() or user_create(
            actor=None, username=name, password="Kejiju@2024", role=role, region=region, full_name=name)
    if TechContract.objects.count() != args.contracts:
        print(f"生成 {args.contracts:,} 个技术合同…")
        print(f"  用时 {fill(args.contracts, args.seed):.0f} 秒")
    n_sides = ContractSide.objects.count()
    print(f"\n数据库：{args.db}（{where}），技术合同 {TechContract.objects.count():,} 个，计数行 {n_sides:,} 行")
    print(f"{'用户':<8}{'场景':<20}{'SQL':>5}{'p50 ms':>10}{'p95 ms':>10}")
    worst = 0.0
    scenes = [("2024年 按项数", "/market/contracts/totals/?year=2024&measure=count"),
              ("2024年 按成交额", "/market/contracts/totals/?year=2024&measure=contract"),
              ("2025年 按交易额", "/market/contracts/totals/?year=2025&measure=transaction")]
    for who, user in (("市局", users["bench_city"]), ("青秀区", users["bench_clerk"])):
        client = Client()
        client.force_login(user)
        for name, url in scenes:
            for _ in range(3):
                client.get(url)
            times = []
            for _ in range(args.runs):
                t = time.perf_counter()
                r = client.get(url)
                times.append((time.perf_counter() - t) * 1000)
                assert r.status_code == 200, (url, r.status_code)
            with CaptureQueriesContext(connection) as q:
                client.get(url)
            worst = max(worst, p95(times))
            print(f"{who:<8}{name:<20}{len(q.captured_queries):>5}{p50(times):>10.1f}{p95(times):>10.1f}")
    print(f"\n目标 p95 < {TARGET_MS:.0f} ms：{'达标' if worst < TARGET_MS else '未达标'}（最慢 p95 {worst:.1f} ms）")
    if args.db == "postgres" and args.drop:
        connection.close()
        _pg_admin(args.pg_url, f'DROP DATABASE "{urlsplit(args.pg_url).path.lstrip("/")}"')
        print("已删除基准数据库")


if __name__ == "__main__":
    main()
