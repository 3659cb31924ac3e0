"""Benchmark: the work summary and the city dashboard at 200,000 enterprises.

    .venv/bin/python bench/bench_reports.py --db sqlite|postgres [--enterprises 200000] [--runs 10]

Reuses (or builds) the bench database of bench_enterprise_list.py. Measures, in-process:
- one district's summary for a year: building the draft from the records, and rendering the Word file;
- the summaries of every district of the city, one after another;
- the city dashboard page (/indicators/ as 市局人员), server time through django.test.Client.
Targets (issue 3): one district's report under 2 s; the city dashboard under 300 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_enterprise_list import BENCH_TODAY, RESULTS, configure, p50, p95, prepare_database  # noqa: E402

REPORT_TARGET_S = 2.0
DASHBOARD_TARGET_MS = 300.0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), required=True)
    parser.add_argument("--enterprises", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--rebuild", action="store_true", help="regenerate the bench database even if it matches")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/keguan_bench"))
    args = parser.parse_args(argv)
    where = configure(args.db, args.seed, args.enterprises, args.pg_url)
    prepare_database(args.db, args.seed, args.enterprises, args.pg_url, rebuild=args.rebuild)

    from django.test import Client
    from django.test.utils import setup_test_environment

    from keguan.accounts.models import User
    from keguan.indicators.selectors import Engine, districts_of
    from keguan.regions.models import Region
    from keguan.reports.builder import build_draft
    from keguan.reports.docx.render import render_docx
    from keguan.rules.periods import Period

    setup_test_environment()
    city = Region.objects.get(code="450100")
    districts = districts_of(city)
    district = max(districts, key=lambda d: d.district_enterprises.count())
    year = Period.parse(str(BENCH_TODAY.year - 1))
    results: dict[str, list[float]] = {"draft_one": [], "docx_one": [], "report_one": [], "all_districts": [], "dashboard": []}
    build_draft(district, year)  # warm-up
    for _ in range(args.runs):
        t0 = time.perf_counter()
        draft = build_draft(district, year)
        t1 = time.perf_counter()
        render_docx(draft)
        t2 = time.perf_counter()
        results["draft_one"].append((t1 - t0) * 1000)
        results["docx_one"].append((t2 - t1) * 1000)
        results["report_one"].append((t2 - t0) * 1000)
    for _ in range(max(1, args.runs // 5)):
        t0 = time.perf_counter()
        engine = Engine(districts)  # one engine: the city's grouped queries are shared by all districts
        for d in districts:
            render_docx(build_draft(d, year, engine=engine))
        results["all_districts"].append((time.perf_counter() - t0) * 1000)
    client = Client()
    client.force_login(User.objects.get(username="city_staff"))
    url = f"/indicators/?period={BENCH_TODAY.year}H1"
    assert client.get(url).status_code == 200
    for _ in range(args.runs):
        t0 = time.perf_counter()
        response = client.get(url)
        results["dashboard"].append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
    labels = {
        "draft_one": f"{district.name}{year.label}总结：生成初稿",
        "docx_one": "　渲染 Word",
        "report_one": f"{district.name}{year.label}总结：合计（目标 < {REPORT_TARGET_S * 1000:.0f} ms）",
        "all_districts": f"全市 {len(districts)} 个区县的总结（依次）",
        "dashboard": f"全市指标对比页（目标 < {DASHBOARD_TARGET_MS:.0f} ms）",
    }
    print(f"\n数据库：{args.db}（{where}），企业 {args.enterprises} 家")
    print(f"{'场景':<40} {'p50 ms':>10} {'p95 ms':>10}")
    for key, xs in results.items():
        print(f"{labels[key]:<40} {p50(xs):>10.1f} {p95(xs):>10.1f}")
    ok = p95(results["report_one"]) < REPORT_TARGET_S * 1000 and p95(results["dashboard"]) < DASHBOARD_TARGET_MS
    print("达标" if ok else "未达标")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"reports-{args.db}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps({"db": args.db, "enterprises": args.enterprises, "results": results,
                               "p50": {k: p50(v) for k, v in results.items()}, "p95": {k: p95(v) for k, v in results.items()}},
                              ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
