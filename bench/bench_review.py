"""评审专家分配的基准：2,000 项申报 × 500 位专家（keguan.rules.reviewer_assign，纯 Python，不用数据库）。

    .venv/bin/python bench/bench_review.py [--apps 2000] [--experts 500] [--n 5] [--runs 5] [--seed 2024]

随机专家库：10 个技术领域，每位专家 1–3 个领域，约 10% 暂不可评审，约 40% 在某家申报企业工作，每位专家声明
0–3 个回避单位；申报单位从 1,500 家企业和 100 家机构中抽取。报告每次运行的墙钟时间（中位数、最慢）。目标 < 5 s。
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from keguan.rules.reviewer_assign import App, Reviewer, assign  # noqa: E402

FIELDS = [f"f{i}" for i in range(10)]


def make(apps: int, experts: int, seed: int) -> tuple[list[App], list[Reviewer]]:
    rnd = random.Random(seed)
    applicants = [("ent", i) for i in range(1500)] + [("org", i) for i in range(100)]
    a = [App(i, rnd.choice(FIELDS), frozenset({rnd.choice(applicants)})) for i in range(1, apps + 1)]
    r = []
    for i in range(1, experts + 1):
        own = frozenset({rnd.choice(applicants)}) if rnd.random() < 0.4 else frozenset()
        conflicts = frozenset(rnd.sample(applicants, rnd.randint(0, 3)))
        r.append(Reviewer(i, frozenset(rnd.sample(FIELDS, rnd.randint(1, 3))), own, conflicts, rnd.random() > 0.1))
    return a, r


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--apps", type=int, default=2000)
    p.add_argument("--experts", type=int, default=500)
    p.add_argument("--n", type=int, default=5)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--seed", type=int, default=2024)
    args = p.parse_args()
    apps, reviewers = make(args.apps, args.experts, args.seed)
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        result = assign(apps, reviewers, args.n)
        times.append(time.perf_counter() - t0)
    loads = [v for k, v in result.loads.items() if v]
    print(f"{args.apps} 项申报 × {args.experts} 位专家，每项 {args.n} 位：中位数 {statistics.median(times):.3f} s，"
          f"最慢 {max(times):.3f} s（{args.runs} 次）")
    print(f"跨领域补足 {len(result.fallback)} 项，不足 {len(result.shortfalls)} 项；专家负载 {min(loads)}–{max(loads)}")
    print("达标" if max(times) < 5 else "未达标（目标 < 5 s）")


if __name__ == "__main__":
    main()
