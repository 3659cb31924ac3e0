"""Benchmark: the needs ledger (需求台账) at 200,000 needs, on the 200,000-firm bench city.

    .venv/bin/python bench/bench_outreach_needs.py --db sqlite|postgres [--needs 200000] [--runs 20]

Reuses (or builds) the bench database of bench_enterprise_list.py, then puts ``--needs`` needs into it (once; the
count is checked on each run): spread over the districts' firms, raised over two years, in every status, a third
with an owner. Measures the list page in-process (django.test.Client, server time: middleware, queries, 待办,
template) as 市局人员 (all 200,000) and as the largest district's clerk: the first page, the "open longer than 30
days" filter, a keyword. Target (issue 15): p95 < 150 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_enterprise_list import configure, p50, p95, prepare_database  # noqa: E402

TARGET_MS = 150.0
TODAY = dt.date(2025, 6, 30)
TEXTS = ["引进嵌入式软件工程师", "对接高校专利成果转化", "建设市级企业研发中心", "关键工艺技术攻关", "科技型中小企业贷款",
         "研发费用加计扣除政策咨询", "参加行业展会对接市场", "申报高新技术企业辅导", "联合实验室共建", "检测认证平台对接"]
CATEGORIES = ["talent", "transfer", "platform", "rd", "finance", "policy", "other"]
SOURCES = ["visit", "questionnaire", "hotline", "event", "online"]


def fill(needs: int, seed: int) -> float:
    """Put ``needs`` needs into the bench database (replacing earlier ones). Returns seconds taken."""
    from django.db import connection

    from keguan.accounts.models import Role, User
    from keguan.enterprises.models import Enterprise
    from keguan.outreach.models import Need
    from keguan.regions.models import Region

    started = time.perf_counter()
    rng = random.Random(seed)
    with connection.cursor() as cur:
        for table in ("outreach_historicalfollowup", "outreach_followup", "outreach_historicalneed", "outreach_need"):
            cur.execute(f"DELETE FROM {table}")
    city = Region.objects.get(code="450100")
    districts = list(Region.objects.filter(parent=city, level=3).order_by("code"))
    firms = {d.pk: list(Enterprise.objects.filter(district=d).values_list("pk", "township_id")[:20000]) for d in districts}
    owners = {d.pk: list(User.objects.filter(region=d, role__in=[Role.DISTRICT_STAFF, Role.DISTRICT_LEADER])
                         .values_list("pk", flat=True)) for d in districts}
    rows = []
    for i in range(needs):
        d = districts[i % len(districts)]
        pk, town = rng.choice(firms[d.pk])
        raised = TODAY - dt.timedelta(days=rng.randint(0, 730))
        status = rng.choices(["new", "following", "solved", "unsolvable"], [1, 2, 6, 1])[0]
        closed = min(TODAY, raised + dt.timedelta(days=rng.randint(5, 60))) if status in ("solved", "unsolvable") else None
        owner = rng.choice(owners[d.pk]) if owners[d.pk] and (status != "new" or rng.random() < 0.3) else None
        rows.append(Need(district=d, township_id=town, enterprise_id=pk, category=rng.choice(CATEGORIES),
                         description=f"{rng.choice(TEXTS)}（{i + 1}）", source=rng.choice(SOURCES), raised_on=raised,
                         owner_id=owner, status=status, closed_on=closed, result="已办结" if closed else ""))
        if len(rows) == 5000:
            Need.objects.bulk_create(rows)
            rows = []
    Need.objects.bulk_create(rows)
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE outreach_need" if connection.vendor == "postgresql" else "ANALYZE")
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), required=True)
    parser.add_argument("--enterprises", type=int, default=200_000)
    parser.add_argument("--needs", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/keguan_bench"))
    args = parser.parse_args(argv)
    where = configure(args.db, args.seed, args.enterprises, args.pg_url)
    prepare_database(args.db, args.seed, args.enterprises, args.pg_url, rebuild=False)

    from django.test import Client

    from keguan.accounts.models import Role, User
    from keguan.outreach.models import Need
    from keguan.regions.models import Region

    if Need.objects.count() != args.needs:
        print(f"生成 {args.needs} 项企业需求…")
        print(f"  用时 {fill(args.needs, args.seed):.0f} 秒")
    city = Region.objects.get(code="450100")
    largest = Region.objects.get(code="450181")
    city_user = User.objects.filter(role=Role.CITY_STAFF, region=city).first()
    clerk = User.objects.filter(role=Role.DISTRICT_STAFF, region=largest).first()
    scenes = [
        ("第 1 页", "/outreach/needs/"),
        ("超30天未办结", "/outreach/needs/?stale=on"),
        ("关键词", "/outreach/needs/?q=研发中心"),
    ]
    print(f"\n数据库：{args.db}（{where}），企业需求 {Need.objects.count()} 项")
    print(f"{'用户':<8}{'场景':<16}{'行数':>8}{'SQL':>6}{'p50 ms':>10}{'p95 ms':>10}")
    worst = 0.0
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

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
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                r = client.get(url)
            count = r.context["page"].paginator.count if r.context and "page" in r.context else "—"
            worst = max(worst, p95(times))
            print(f"{who:<8}{name:<16}{count!s:>8}{len(queries):>6}{p50(times):>10.1f}{p95(times):>10.1f}")
    print(f"\n目标 p95 < {TARGET_MS:.0f} ms：{'达标' if worst < TARGET_MS else '未达标'}（最慢 p95 {worst:.1f} ms）")


if __name__ == "__main__":
    main()
