"""Benchmark: the 科技活动 list at 200,000 events (and later the needs ledger), server time.

    .venv/bin/python bench/bench_outreach.py --db sqlite|postgres [--events 200000] [--runs 20] [--enterprises 5000]

Reuses (or builds) a bench database made by bench_enterprise_list.py's builder (the demo city; by default with
5,000 firms — the list's time does not depend on the register's size, and the 200,000-firm base takes hours
to build), then puts ``--events`` events into it (once; replaced when the count differs): spread over the 12
districts and five years, every kind, each with two material rows and, for a third of them, two firms. Measures
the list page in-process (django.test.Client: middleware, queries, template) as 市局人员 (all events) and as the
largest district's clerk: unfiltered, by kind, one month, by keyword, a deep page; and the month calendar.
Target (issue 15): p95 < 150 ms.
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
KINDS = ["science_week", "popsci_day", "countryside", "training", "policy", "symposium", "matchmaking", "roadshow",
         "expo", "contest", "other"]
TITLES = ["科技下乡进村入户", "科技活动周启动仪式", "全国科普日主场活动", "高素质农民培训班", "科技惠企政策宣讲会",
          "规上企业研发投入调研座谈会", "政产学研金对接会", "科技成果转化路演", "高新技术成果交易会", "创新创业大赛"]


def fill(events: int, seed: int) -> float:
    """Put ``events`` events into the bench database (replacing earlier ones). Returns seconds taken."""
    from django.db import connection

    from keguan.enterprises.models import Enterprise
    from keguan.outreach.models import Event, EventFirm, EventMaterial
    from keguan.regions.models import Region

    started = time.perf_counter()
    rng = random.Random(seed)
    with connection.cursor() as cur:  # raw, fast wipe of earlier bench events (no history kept for bench rows)
        for table in ("outreach_eventmaterial", "outreach_eventfirm", "outreach_eventphoto", "outreach_historicalevent",
                      "outreach_historicaleventmaterial", "outreach_historicaleventfirm", "outreach_need",
                      "outreach_event"):
            cur.execute(f"DELETE FROM {table}")
    city = Region.objects.get(code="450100")
    districts = list(Region.objects.filter(parent=city, level=3).order_by("code"))
    towns = {d.pk: list(Region.objects.filter(parent=d, level=4).values_list("pk", flat=True)) for d in districts}
    firms = {d.pk: list(Enterprise.objects.filter(district=d).values_list("pk", flat=True)[:2000]) for d in districts}
    first = dt.date(2021, 1, 1)
    batch = 20_000
    for start in range(0, events, batch):
        rows = []
        for i in range(start, min(events, start + batch)):
            d = districts[i % len(districts)]
            kind = rng.choice(KINDS)
            day = first + dt.timedelta(days=rng.randint(0, 5 * 365))
            rows.append(Event(
                region=d, township_id=rng.choice(towns[d.pk]) if kind == "countryside" and towns[d.pk] else None,
                kind=kind, role="sent" if kind in ("roadshow", "expo", "contest") else "host",
                title=f"{rng.choice(TITLES)}（{i + 1}）", starts_on=day, place="区科技馆",
                organisers=f"{d.name}科学技术局", participants=rng.randint(20, 3000), trainees=rng.randint(0, 200),
                questions=rng.randint(0, 300)))
        Event.objects.bulk_create(rows, batch_size=2000)
        EventMaterial.objects.bulk_create(
            [EventMaterial(event=e, kind=k, count=rng.randint(100, 5000)) for e in rows for k in ("brochure", "leaflet")],
            batch_size=5000)
        EventFirm.objects.bulk_create(
            [EventFirm(event=e, enterprise_id=pk) for n, e in enumerate(rows) if n % 3 == 0 and firms[e.region_id]
             for pk in rng.sample(firms[e.region_id], min(2, len(firms[e.region_id])))],
            batch_size=5000)
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE outreach_event" if connection.vendor == "postgresql" else "ANALYZE")
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), required=True)
    parser.add_argument("--enterprises", type=int, default=5_000)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL",
                                                           "postgres://postgres@127.0.0.1:5432/keguan_bench_outreach"))
    args = parser.parse_args(argv)
    where = configure(args.db, args.seed, args.enterprises, args.pg_url)
    prepare_database(args.db, args.seed, args.enterprises, args.pg_url, rebuild=False)

    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # (the responses' context, for the row counts)

    from keguan.accounts.models import Role, User
    from keguan.outreach.models import Event
    from keguan.regions.models import Region

    if Event.objects.count() != args.events:
        print(f"生成 {args.events} 项活动…")
        print(f"  用时 {fill(args.events, args.seed):.0f} 秒")
    city = Region.objects.get(code="450100")
    largest = Region.objects.get(code="450181")
    city_user = User.objects.filter(role=Role.CITY_STAFF, region=city).first()
    clerk = User.objects.filter(role=Role.DISTRICT_STAFF, region=largest).first()
    scenes = [
        ("不加条件", "/outreach/events/"),
        ("按类型（科技下乡）", "/outreach/events/?kind=countryside"),
        ("一个月", "/outreach/events/?month=2024-05"),
        ("关键词", "/outreach/events/?q=路演"),
        ("第 100 页", "/outreach/events/?page=100"),
        ("活动日历", "/outreach/events/calendar/?month=2024-05"),
    ]
    print(f"\n数据库：{args.db}（{where}），活动 {Event.objects.count()} 项")
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
            ctx = r.context
            count = ctx["page"].paginator.count if ctx and "page" in ctx else (ctx["count"] if ctx and "count" in ctx else "—")
            worst = max(worst, p95(times))
            print(f"{who:<8}{name:<18}{count!s:>8}{p50(times):>10.1f}{p95(times):>10.1f}")
    print(f"\n目标 p95 < {TARGET_MS:.0f} ms：{'达标' if worst < TARGET_MS else '未达标'}（最慢 p95 {worst:.1f} ms）")


if __name__ == "__main__":
    main()
