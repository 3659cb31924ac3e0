#!/usr/bin/env python
"""Benchmark: the 科技特派员 coverage page (村级覆盖) of one district with 2,000 villages.

    .venv/bin/python bench/bench_fieldwork_coverage.py [--villages 2000] [--runs 30] [--rebuild] [--profile]

Builds (or reuses, keyed by the sizes and the seed) a SQLite database under ``bench/.data/``: Nanning's
regions, ``--villages`` villages spread over 青秀区's townships (a third flagged), 300 commissioners and 10
teams, one assignment per covered village (about 85% covered, some ended last year, some to firms), and the
district's staff user. Then, as that user through ``django.test.Client``, times the coverage page for this
year (the default view), the same with a township and a flag chosen, and the print view; p50/p95 in ms,
queries per request, and the rows shown. Target (issue 14): server time under 200 ms (p95).
Raw numbers go to ``bench/results/`` (not committed). Not a pytest module.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import os
import pstats
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / ".data"
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))

DISTRICT = "450103"  # 青秀区
TARGET_MS = 200.0


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q * len(ordered) + 0.5) - 1))]


def configure(villages: int, seed: int) -> Path:
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"keguan-bench-coverage-s{seed}-v{villages}.sqlite3"
    os.environ["KEGUAN_DATA_DIR"] = str(DATA)
    os.environ["DJANGO_SETTINGS_MODULE"] = "keguan.settings"
    os.environ.setdefault("SECRET_KEY", "keguan-bench-not-secret")
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    return path


def build(villages: int, seed: int) -> None:
    from django.core.management import call_command

    from keguan.accounts.models import Role
    from keguan.accounts.services import user_create
    from keguan.enterprises.models import Enterprise
    from keguan.fieldwork.models import Assignment, Commissioner, Kind, Level, Team, VillageInfo
    from keguan.regions.models import Region, RegionLevel
    from keguan.regions.services import regions_load_national

    rnd = random.Random(seed)
    call_command("migrate", interactive=False, verbosity=0)
    regions_load_national(within="4501")
    district = Region.objects.get(code=DISTRICT)
    towns = list(Region.objects.filter(parent=district, level=RegionLevel.TOWNSHIP).order_by("code"))
    rows = []
    for i in range(villages):
        town = towns[i % len(towns)]
        n = i // len(towns) + 1
        code = f"{town.code}{200 + n:03d}" if n <= 199 else f"{town.code}{n - 199:03d}"
        rows.append(Region(code=code, name=f"第{i + 1}村", level=RegionLevel.VILLAGE, parent=town,
                           path=f"{town.path}{code}/", source="基准"))
    Region.objects.bulk_create(rows, batch_size=2000)
    vs = list(Region.objects.filter(level=RegionLevel.VILLAGE, path__startswith=district.path).select_related("parent"))
    VillageInfo.objects.bulk_create([
        VillageInfo(village=v, district=district, township=v.parent, key_industry=rnd.random() < 0.3,
                    weak_economy=rnd.random() < 0.2, revitalisation=rnd.random() < 0.1) for v in vs], batch_size=2000)
    start = dt.date(dt.date.today().year - 2, 1, 1)
    people = Commissioner.objects.bulk_create([
        Commissioner(district=district, name=f"特派员{i:03d}", level=rnd.choice(Level.values),
                     kind=rnd.choice(Kind.values), start_on=start) for i in range(300)])
    teams = Team.objects.bulk_create([Team(district=district, name=f"服务团{i}", start_on=start) for i in range(10)])
    assignments = []
    last_year_end = dt.date(dt.date.today().year - 1, 12, 31)
    for v in vs:
        r = rnd.random()
        if r < 0.85:
            who = {"commissioner": rnd.choice(people)} if rnd.random() < 0.9 else {"team": rnd.choice(teams)}
            assignments.append(Assignment(district=district, township=v.parent, village=v, start_on=start, **who))
        elif r < 0.95:  # served until last year only: not covered this year
            assignments.append(Assignment(district=district, township=v.parent, village=v, start_on=start,
                                          end_on=last_year_end, commissioner=rnd.choice(people)))
    Assignment.objects.bulk_create(assignments, batch_size=2000)
    firm = Enterprise.objects.filter(district=district).first()
    if firm is not None:
        Assignment.objects.create(district=district, township=firm.township, enterprise=firm, start_on=start,
                                  commissioner=people[0])
    user_create(actor=None, username=f"staff_{DISTRICT}", password="Bench@2024", role=Role.DISTRICT_STAFF,
                region=district, full_name="基准科员")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--villages", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    path = configure(args.villages, args.seed)
    if args.rebuild and path.exists():
        path.unlink()
    fresh = not path.exists()
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from keguan.accounts.models import User
    from keguan.regions.models import Region

    if fresh:
        t0 = time.monotonic()
        build(args.villages, args.seed)
        print(f"生成基准数据库 {path.name}：{time.monotonic() - t0:.0f} 秒")
    else:
        print(f"复用基准数据库 {path.name}")
    user = User.objects.get(username=f"staff_{DISTRICT}")
    town = Region.objects.filter(parent__code=DISTRICT, level=4).order_by("code").first()
    scenarios = [
        ("本年度（默认）", "/fieldwork/coverage/"),
        ("乡镇+标识", f"/fieldwork/coverage/?year={dt.date.today().year}&township={town.pk}&flag=key_industry"),
        ("只看未覆盖", "/fieldwork/coverage/?uncovered=on"),
        ("打印版", "/fieldwork/coverage/?print=1"),
        ("对照：服务团列表", "/fieldwork/teams/"),  # the same layout (menu, 待办 of every area) with ten rows
    ]
    results = {}
    with override_settings(ALLOWED_HOSTS=["*"], DEBUG=False):
        client = Client()
        client.force_login(user)
        for label, url in scenarios:
            if args.profile:
                client.get(url)  # (warm: template compilation, URL resolvers)
                prof = cProfile.Profile()
                prof.enable()
                client.get(url)
                prof.disable()
                print(f"== {label}")
                pstats.Stats(prof).sort_stats("tottime").print_stats(25)
                continue
            for _ in range(args.warmup):
                client.get(url)
            times = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            with CaptureQueriesContext(connection) as q:
                response = client.get(url)
            rows = response.content.count(b"<tr data-village") or response.content.count(b"<tr>") - 1
            results[label] = {"url": url, "ms": times, "queries": len(q.captured_queries), "rows": rows}
    if args.profile:
        return
    # the coverage's own work, without the request and the layout: the selector and the rows' HTML
    from keguan.fieldwork.selectors.roster import Period, coverage
    from keguan.fieldwork.views.roster import _coverage_rows

    own = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        cov = coverage(user=user, period=Period.year(dt.date.today().year))
        _coverage_rows(cov.rows, printing=False)
        own.append((time.perf_counter() - t0) * 1000)
    results["（仅统计+行）"] = {"url": "selector + rows", "ms": own, "queries": 4, "rows": len(cov.rows)}
    load = os.getloadavg()[0]
    print(f"{args.villages} 个村/社区，{args.runs} 次，1 分钟负载 {load:.1f}（单位 ms）")
    print(f"{'场景':<12}{'p50':>8}{'p95':>8}{'SQL':>6}{'行数':>8}  达标(p95<{TARGET_MS:.0f})")
    for label, r in results.items():
        ok = "✓" if p(r["ms"], 0.95) < TARGET_MS else "✗"
        print(f"{label:<12}{p(r['ms'], 0.5):>8.1f}{p(r['ms'], 0.95):>8.1f}{r['queries']:>6}{r['rows']:>8}  {ok}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"fieldwork_coverage_{dt.datetime.now():%Y%m%d_%H%M%S}.json"
    out.write_text(json.dumps({"villages": args.villages, "load": load, "results": results}, ensure_ascii=False,
                              indent=1))
    print(f"原始数据：{out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
