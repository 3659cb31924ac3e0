"""Benchmark: the bureau's project list (项目申报办理) at 50,000 projects, on the 200,000-firm bench city.

    .venv/bin/python bench/bench_projects.py --db sqlite|postgres [--projects 50000] [--runs 20]

Reuses (or builds) the bench database of bench_enterprise_list.py, then puts ``--projects`` applications into
it (once; the count is kept in the bench meta table): a county program and a provincial one per district, a
call a year for five years, projects spread over the districts' firms in every status. Measures the list page
in-process (django.test.Client, server time: middleware, queries, template) as 市局人员 (all 50,000) and as the
largest district's clerk: unfiltered, by status, by keyword, a deep page. Target (issue 13): p95 < 150 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_enterprise_list import configure, p50, p95, prepare_database  # noqa: E402

TARGET_MS = 150.0
STATUSES = ["submitted", "screening", "returned", "review", "recommended", "approved", "rejected", "signed", "running",
            "acceptance", "closed"]
TOPICS = ["智能制造关键技术研发", "新材料制备工艺研究", "农产品精深加工示范", "工业互联网平台应用", "节能装备研制",
          "生物医药绿色合成", "数字化车间改造", "新能源汽车零部件轻量化", "智慧物流调度系统", "中药材规范化种植"]


def wipe_projects() -> None:
    """Raw, fast wipe of every row of the projects area (the demo's and earlier bench runs'; no history kept):
    TRUNCATE … CASCADE on PostgreSQL, on SQLite DELETE with the foreign-key checks off for the while."""
    from django.apps import apps
    from django.db import connection

    tables = [m._meta.db_table for m in apps.get_app_config("projects").get_models()]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
            return
        cur.execute("PRAGMA foreign_keys = OFF")
        try:
            for table in tables:
                cur.execute(f"DELETE FROM {table}")
        finally:
            cur.execute("PRAGMA foreign_keys = ON")


def fill(projects: int, seed: int) -> float:
    """Put ``projects`` applications into the bench database (replacing earlier ones). Returns seconds taken."""
    from django.db import connection
    from django.utils import timezone

    from keguan.enterprises.models import Enterprise
    from keguan.projects.models import Application, Call, Level, Program
    from keguan.regions.models import Region

    started = time.perf_counter()
    rng = random.Random(seed)
    wipe_projects()
    city = Region.objects.get(code="450100")
    districts = list(Region.objects.filter(parent=city, level=3).order_by("code"))
    firms = {d.pk: list(Enterprise.objects.filter(district=d).values_list("pk", flat=True)[:5000]) for d in districts}
    calls = []
    for d in districts:
        for level, name in ((Level.COUNTY, f"{d.name}科技计划项目"), (Level.PROVINCE, "广西重点研发计划")):
            program = Program.objects.create(region=d, name=name, level=level, managing_body="科技局")
            for year in range(2021, 2026):
                calls.append(Call.objects.create(program=program, region=d, year=year, title=f"{year}年度{name}",
                                                 opens_on=dt.date(year, 3, 1), closes_on=dt.date(year, 4, 30)))
    by_district: dict[int, list] = {}
    for c in calls:
        by_district.setdefault(c.region_id, []).append(c)
    rows = []
    now = timezone.now()
    for i in range(projects):
        d = districts[i % len(districts)]
        call = rng.choice(by_district[d.pk])
        status = rng.choice(STATUSES if call.program.level == Level.PROVINCE else
                            [s for s in STATUSES if s != "recommended"])
        requested = Decimal(rng.randint(10, 300)) * 10000
        rows.append(Application(
            call=call, year=call.year, enterprise_id=rng.choice(firms[d.pk]), district=d, title=f"{rng.choice(TOPICS)}（{i + 1}）",
            field="electronics", own_funds=requested, requested=requested, status=status,
            status_on=dt.date(call.year, 6, 1), submitted_at=now,
            approved=requested if status in ("approved", "signed", "running", "acceptance", "closed") else None,
            approved_on=dt.date(call.year, 7, 1) if status in ("approved", "signed", "running", "acceptance",
                                                                "closed") else None))
    Application.objects.bulk_create(rows, batch_size=2000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE projects_application")
    else:
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), required=True)
    parser.add_argument("--enterprises", type=int, default=200_000)
    parser.add_argument("--projects", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/keguan_bench"))
    args = parser.parse_args(argv)
    where = configure(args.db, args.seed, args.enterprises, args.pg_url)
    prepare_database(args.db, args.seed, args.enterprises, args.pg_url, rebuild=False)

    from django.test import Client

    from keguan.accounts.models import Role, User
    from keguan.projects.models import Application
    from keguan.regions.models import Region

    if Application.objects.count() != args.projects:
        print(f"生成 {args.projects} 个项目…")
        print(f"  用时 {fill(args.projects, args.seed):.0f} 秒")
    city = Region.objects.get(code="450100")
    largest = Region.objects.get(code="450181")
    city_user = User.objects.filter(role=Role.CITY_STAFF, region=city).first()
    clerk = User.objects.filter(role=Role.DISTRICT_STAFF, region=largest).first()
    scenes = [
        ("不加条件", "/projects/applications/"),
        ("按状态（实施）", "/projects/applications/?status=running"),
        ("关键词", "/projects/applications/?q=智能制造"),
        ("第 100 页", "/projects/applications/?page=100"),
    ]
    print(f"\n数据库：{args.db}（{where}），项目 {Application.objects.count()} 个")
    print(f"{'用户':<8}{'场景':<18}{'行数':>8}{'p50 ms':>10}{'p95 ms':>10}")
    worst = 0.0
    for who, user in (("市局", city_user), ("横州市", clerk)):
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
            count = r.context["page"].paginator.count if r.context and "page" in r.context else "—"
            worst = max(worst, p95(times))
            print(f"{who:<8}{name:<18}{count!s:>8}{p50(times):>10.1f}{p95(times):>10.1f}")
    print(f"\n目标 p95 < {TARGET_MS:.0f} ms：{'达标' if worst < TARGET_MS else '未达标'}（最慢 p95 {worst:.1f} ms）")


if __name__ == "__main__":
    main()
