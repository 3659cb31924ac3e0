"""Benchmark: the staff list of 科技特派员服务日志 at 500,000 logs and 2,000 villages.

    .venv/bin/python bench/bench_fieldwork_logs.py [--logs 500000] [--villages 2000] [--runs 20] [--rebuild]

Builds its own SQLite database once (``bench/.data/keguan-fwlogs-l<logs>-v<villages>.sqlite3``): the region tree of
南宁市 (GB/T 2260), ``--villages`` villages spread over the townships of the city's districts, 20 commissioners per
district, and ``--logs`` service logs over the last three years (bulk-inserted, no history rows: the list never
reads them). Measures the list page in-process (``django.test.Client``: middleware, session, queries, template;
no network) as 市局人员 (every log) and as the clerk of the district with most logs: first page, one month, one
township. Target (issue 14): p95 < 200 ms. Results are printed; nothing is written to the repository.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / ".data"
sys.path.insert(0, str(ROOT))
TARGET_MS = 200.0
TODAY = dt.date(2025, 6, 30)
KINDS = ["guidance", "teaching", "consulting", "introduction", "demonstration"]
WORDS = ["芒果修剪", "甘蔗病虫害防治", "茉莉花扦插", "桑蚕养殖", "水稻测土配方", "柑橘保果", "罗非鱼养殖", "电商直播"]


def configure(logs: int, villages: int, rebuild: bool) -> Path:
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"keguan-fwlogs-l{logs}-v{villages}.sqlite3"
    if rebuild and path.exists():
        path.unlink()
    os.environ["KEGUAN_DATA_DIR"] = str(DATA)
    os.environ["DJANGO_SETTINGS_MODULE"] = "keguan.settings"
    os.environ.setdefault("SECRET_KEY", "keguan-bench-not-secret")
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    return path


def build(logs: int, villages: int, seed: int) -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from keguan.accounts.models import Role
    from keguan.accounts.services import user_create
    from keguan.fieldwork.models import Commissioner, Kind, Level, ServiceLog
    from keguan.regions.models import Region, RegionLevel
    from keguan.regions.services import regions_load_national, villages_create

    rng = random.Random(seed)
    regions_load_national(within="4501")
    city = Region.objects.get(code="450100")
    towns = list(Region.objects.filter(path__startswith=city.path, level=RegionLevel.TOWNSHIP).order_by("code"))
    per = {t.pk: 0 for t in towns}
    for i in range(villages):
        per[towns[i % len(towns)].pk] += 1
    for t in towns:
        if per[t.pk]:
            villages_create(township=t, villages=[(f"{t.code}{200 + k:03d}", f"{t.name[:2]}{k + 1}村")
                                                  for k in range(per[t.pk])], source="bench")
    all_villages = list(Region.objects.filter(level=RegionLevel.VILLAGE).select_related("parent"))
    by_district: dict[int, list] = {}
    for v in all_villages:
        by_district.setdefault(v.parent.parent_id, []).append(v)
    districts = list(Region.objects.filter(pk__in=by_district).order_by("code"))
    people = {}
    for d in districts:
        people[d.pk] = Commissioner.objects.bulk_create([
            Commissioner(district=d, name=f"{d.name[:2]}特派员{k:02d}", level=Level.COUNTY, kind=Kind.AGRICULTURE,
                         field="crops", start_on=dt.date(2021, 1, 1)) for k in range(20)])
    weights = [len(by_district[d.pk]) for d in districts]
    batch: list = []
    for _ in range(logs):
        d = rng.choices(districts, weights)[0]
        v = rng.choice(by_district[d.pk])
        batch.append(ServiceLog(district_id=d.pk, township_id=v.parent_id, village_id=v.pk,
                                commissioner=rng.choice(people[d.pk]), served_on=TODAY - dt.timedelta(days=rng.randint(0, 1095)),
                                kind=rng.choice(KINDS), content=f"{rng.choice(WORDS)}技术指导，现场讲解并答疑",
                                served=rng.randint(1, 80), introduced=rng.randint(0, 2)))
        if len(batch) == 5000:
            ServiceLog.objects.bulk_create(batch)
            batch = []
    ServiceLog.objects.bulk_create(batch)
    password = make_password("bench")
    user_create(actor=None, username="bench_city", password="x", role=Role.CITY_STAFF, region=city,
                hashed_password=password)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(0.95 * len(xs)) - 1))]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logs", type=int, default=500_000)
    parser.add_argument("--villages", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)
    path = configure(args.logs, args.villages, args.rebuild)
    fresh = not path.exists()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from keguan.accounts.models import Role, User
    from keguan.accounts.services import user_create
    from keguan.fieldwork.models import ServiceLog
    from keguan.regions.models import Region

    call_command("migrate", verbosity=0)
    if fresh or not ServiceLog.objects.exists():
        started = time.perf_counter()
        print(f"生成 {args.logs:,} 条服务日志、{args.villages:,} 个村…")
        build(args.logs, args.villages, args.seed)
        print(f"  用时 {time.perf_counter() - started:.0f} 秒")
    top = ServiceLog.objects.values("district").annotate(n=Count("id")).order_by("-n").first()
    district = Region.objects.get(pk=top["district"])
    clerk = User.objects.filter(role=Role.DISTRICT_STAFF, region=district).first() or user_create(
        actor=None, username=f"bench_staff_{district.code}", password="x", role=Role.DISTRICT_STAFF, region=district,
        hashed_password=User.objects.get(username="bench_city").password)
    town = (ServiceLog.objects.filter(district=district).values("township").annotate(n=Count("id")).order_by("-n")
            .first()["township"])
    city_user = User.objects.get(username="bench_city")
    month = f"{TODAY:%Y-%m}"
    scenes = [("第 1 页", "/fieldwork/logs/"), ("按月份", f"/fieldwork/logs/?month={month}"),
              ("按乡镇", f"/fieldwork/logs/?township={town}"),
              ("月份+乡镇", f"/fieldwork/logs/?month={month}&township={town}")]
    print(f"\n数据库：SQLite（{path.relative_to(ROOT)}），服务日志 {ServiceLog.objects.count():,} 条；"
          f"区县用户：{district.name}（{top['n']:,} 条）；1 分钟负载 {os.getloadavg()[0]:.1f}")
    print("\n时间含整页（菜单、待办计数、模板）；“SQL ms”为该页全部查询的用时；“首页”一行是同一用户首页的用时，作为页面外壳的对照。")
    print(f"\n| 用户 | 场景 | 行数 | SQL | SQL ms | p50 ms | p95 ms | 达标（p95 < {TARGET_MS:.0f}） |\n|---|---|---:|---:|---:|---:|---:|---|")
    for who, user in (("市局", city_user), ("区县", clerk)):
        client = Client()
        client.force_login(user)
        for label, url in [("首页（对照）", "/"), *scenes]:
            for _ in range(args.warmup):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
            times = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
            with CaptureQueriesContext(connection) as q:
                response = client.get(url)
            sql_ms = sum(float(x["time"]) for x in q.captured_queries) * 1000
            found = re.search(r"共 (\d+) 条", response.content.decode())
            count = f"{int(found.group(1)):,}" if found else "—"
            mark = "" if url == "/" else ("✓" if p95(times) < TARGET_MS else "✗")
            print(f"| {who} | {label} | {count} | {len(q)} | {sql_ms:.0f} | {statistics.median(times):.0f} | "
                  f"{p95(times):.0f} | {mark} |")
    print(f"\n测量后 1 分钟负载 {os.getloadavg()[0]:.1f}（2 核；负载高于 2 时墙钟时间按比例偏高）")


if __name__ == "__main__":
    main()
