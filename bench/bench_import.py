#!/usr/bin/env python
"""Benchmark: reading and checking a 50,000-row enterprise list, the import engine beside the usual tools.

    .venv/bin/python bench/bench_import.py [--rows 50000] [--runs 3] [--iie-rows 50000] [--db sqlite|postgres]

Writes a 50,000-row enterprise list (.xlsx, the 13 columns of the enterprise kind, valid credit codes,
labels for the coded columns, Excel dates, phones) once per seed and size under ``bench/.data/``, then
measures rows per second of:

1. ``calamine``: python-calamine reading the file into Python lists (the floor: the engine reads with it);
2. ``pandas``: ``pandas.read_excel(engine="openpyxl")`` (reading only, no checks);
3. ``engine``: ``keguan.exchange.engine.check_file`` with ``keguan.enterprises.exchange.ENTERPRISES`` — the
   full dry run: read, header match, every cell read and checked (credit-code check character, choices,
   dates, phone, lengths, industry, township), duplicate keys, the register looked up for every code, the
   per-row cross checks. Once against an empty register (every row new) and once after the same 50,000 firms
   were stored (every row compared with its stored firm: all unchanged);
4. ``import-export``: django-import-export 4, a ``ModelResource`` over ``Enterprise`` with the same columns
   and checks (widgets for labels, dates and townships, the credit code and phone validated in
   ``before_import_row``, ``clean_model_instances``), the file loaded with tablib, ``import_data(dry_run=True)``
   — how that library checks a file (it saves each row inside a transaction it rolls back).

Wall time per step, best of ``--runs`` (import-export: one run). Prints a table and writes JSON to
``bench/results/``. See bench/README.md. Not a pytest module.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import io
import json
import os
import platform
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DATA = BENCH / ".data"
RESULTS = BENCH / "results"
DISTRICT = "450103"
sys.path.insert(0, str(ROOT))

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
WORDS = ["电子", "生物", "网络", "农业", "新材料", "智能", "精密", "环保", "医药", "软件", "能源", "数据"]


def configure(db: str, pg_url: str) -> str:
    DATA.mkdir(parents=True, exist_ok=True)
    os.environ["KEGUAN_DATA_DIR"] = str(DATA)
    os.environ["DJANGO_SETTINGS_MODULE"] = "keguan.settings"
    os.environ.setdefault("SECRET_KEY", "keguan-bench-not-secret")
    if db == "sqlite":
        path = DATA / "keguan-bench-import.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        return str(path.relative_to(ROOT))
    os.environ["DATABASE_URL"] = pg_url
    return pg_url


def generate(path: Path, rows: int, seed: int, towns: list[str]) -> None:
    from openpyxl import Workbook

    from keguan.enterprises.exchange import ENTERPRISES
    from keguan.enterprises.industry import DIVISIONS, division_label
    from keguan.enterprises.models import SizeClass, Stage, TechField
    from keguan.rules.identifiers import credit_code_check_char

    rnd = random.Random(seed)
    divisions = [division_label(c) for c in DIVISIONS]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("企业名录")
    ws.append(ENTERPRISES.headers)
    for i in range(rows):
        first17 = f"91{DISTRICT}{i:08d}X"
        person = rnd.choice(SURNAMES) + rnd.choice(GIVEN) + rnd.choice(GIVEN)
        ws.append([
            f"南宁{rnd.choice(WORDS)}{rnd.choice(WORDS)}科技有限公司{i}", first17 + credit_code_check_char(first17), person,
            dt.date(2000, 1, 1) + dt.timedelta(days=rnd.randrange(9000)), "青秀区", rnd.choice(towns),
            rnd.choice(divisions), rnd.choice(TechField.labels), rnd.choice(SizeClass.labels), rnd.choice(Stage.labels),
            rnd.choice(SURNAMES) + rnd.choice(GIVEN), f"1{rnd.choice('3589')}{rnd.randrange(10**9):09d}",
            f"青秀区{rnd.choice(WORDS)}路{rnd.randrange(1, 999)}号",
        ])
    wb.save(path)


def best_of(runs: int, fn) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        gc.collect()
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), result


def iie_resource(district):
    """django-import-export's way: a ModelResource with widgets for the labels, dates and townships."""
    from import_export import fields, resources, widgets

    from keguan.core.errors import ServiceError
    from keguan.enterprises.industry import DIVISIONS
    from keguan.enterprises.models import Enterprise, SizeClass, Stage, TechField
    from keguan.regions.models import Region
    from keguan.rules.identifiers import validate_credit_code, validate_phone

    class LabelWidget(widgets.Widget):
        def __init__(self, choices):
            super().__init__()
            self.by_label = {label: value for value, label in choices}

        def clean(self, value, row=None, **kwargs):
            if value in (None, ""):
                return ""
            if value not in self.by_label:
                raise ValueError(f"“{value}”不是可选值")
            return self.by_label[value]

    towns = {t.name: t for t in Region.objects.filter(parent=district)}

    class TownWidget(widgets.Widget):
        def clean(self, value, row=None, **kwargs):
            if not value:
                return None
            if value not in towns:
                raise ValueError(f"“{value}”不是{district.name}的乡镇/街道")
            return towns[value]

    class IndustryWidget(widgets.Widget):
        def clean(self, value, row=None, **kwargs):
            head = str(value or "").split()[0] if value else ""
            code = head[1:] if head[:1].isalpha() else head
            if code and code not in DIVISIONS:
                raise ValueError("不是国民经济行业大类")
            return code

    def f(attribute, header, widget=None):
        return fields.Field(attribute=attribute, column_name=header, widget=widget or widgets.CharWidget())

    class EnterpriseResource(resources.ModelResource):
        name = f("name", "企业名称")
        credit_code = f("credit_code", "统一社会信用代码")
        legal_rep = f("legal_rep", "法定代表人")
        registered_on = f("registered_on", "注册日期", widgets.DateWidget("%Y-%m-%d"))
        township = f("township", "所属乡镇/街道", TownWidget())
        industry_code = f("industry_code", "行业", IndustryWidget())
        tech_field = f("tech_field", "高新技术领域", LabelWidget(TechField.choices))
        size_class = f("size_class", "企业规模", LabelWidget(SizeClass.choices))
        stage = f("stage", "培育阶段", LabelWidget(Stage.choices))
        contact_name = f("contact_name", "联系人")
        contact_phone = f("contact_phone", "联系电话")
        address = f("address", "注册地址")

        class Meta:
            model = Enterprise
            import_id_fields = ("credit_code",)
            fields = ("name", "credit_code", "legal_rep", "registered_on", "township", "industry_code", "tech_field",
                      "size_class", "stage", "contact_name", "contact_phone", "address")
            clean_model_instances = True
            skip_unchanged = True
            report_skipped = True

        def before_import_row(self, row, **kwargs):
            checked = validate_credit_code(str(row.get("统一社会信用代码") or ""))
            if not checked.ok:
                raise ServiceError(checked.errors[0])
            phone = row.get("联系电话")
            if phone and not validate_phone(str(phone)).ok:
                raise ServiceError("联系电话格式不正确")

        def init_instance(self, row=None):
            instance = super().init_instance(row)
            instance.district = district
            return instance

    return EnterpriseResource()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--iie-rows", type=int, default=None, help="rows for django-import-export (default: --rows)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/keguan_bench_import")
    args = parser.parse_args()
    where = configure(args.db, args.pg_url)

    if args.db == "postgres":
        from urllib.parse import urlsplit

        import psycopg

        parts = urlsplit(args.pg_url)
        with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
            name = parts.path.lstrip("/")
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')

    import django

    django.setup()
    from django.core.management import call_command

    from keguan.enterprises.exchange import ENTERPRISES
    from keguan.enterprises.models import Enterprise
    from keguan.exchange.engine import check_file
    from keguan.exchange.kinds import Context
    from keguan.regions.models import Region
    from keguan.regions.services import regions_load_national

    print(f"数据库：{where}")
    call_command("migrate", interactive=False, verbosity=0)
    regions_load_national(within="4501")
    district = Region.objects.get(code=DISTRICT)
    towns = list(Region.objects.filter(parent=district).order_by("code").values_list("name", flat=True))
    path = DATA / f"enterprises-{args.rows}-s{args.seed}.xlsx"
    if not path.exists():
        print(f"生成 {args.rows} 行企业名录 {path.relative_to(ROOT)} …")
        generate(path, args.rows, args.seed, towns)
    data = path.read_bytes()
    rows = args.rows
    results: dict[str, dict] = {}

    def record(name: str, seconds: float, n: int = rows, **extra) -> None:
        results[name] = {"seconds": round(seconds, 3), "rows": n, "rows_per_second": round(n / seconds), **extra}
        print(f"{name:<28} {seconds:8.2f} s  {n / seconds:10,.0f} 行/秒")

    from python_calamine import CalamineWorkbook

    def calamine():
        return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()

    seconds, grid = best_of(args.runs, calamine)
    assert len(grid) == rows + 1
    record("calamine", seconds)

    import pandas

    seconds, frame = best_of(max(1, args.runs - 1), lambda: pandas.read_excel(io.BytesIO(data), engine="openpyxl"))
    assert len(frame) == rows
    record("pandas+openpyxl", seconds)

    ctx = lambda: Context(user=None, region=district)  # noqa: E731
    seconds, checked = best_of(args.runs, lambda: check_file(ENTERPRISES, data, path.name, ctx()))
    assert checked.ok and checked.added == rows, checked.errors[:5]
    record("engine (all new)", seconds)

    # The same firms stored (bulk, bypassing the services: only the dry run is measured), then checked again.
    Enterprise.objects.bulk_create(
        [Enterprise(name=p.data["name"], credit_code=p.data["credit_code"], district=district,
                    legal_rep=p.data.get("legal_rep", ""), registered_on=p.data.get("registered_on"),
                    township=p.data.get("township"), industry_code=p.data.get("industry_code", ""),
                    tech_field=p.data.get("tech_field", ""), size_class=p.data.get("size_class", ""),
                    stage=p.extra["stage"], contact_name=p.data.get("contact_name", ""),
                    contact_phone=p.data.get("contact_phone", ""), address=p.data.get("address", ""))
         for p in checked.plans], batch_size=2000)
    seconds, again = best_of(args.runs, lambda: check_file(ENTERPRISES, data, path.name, ctx()))
    assert again.ok and again.unchanged == rows, (again.added, again.updated, again.errors[:3])
    record("engine (all stored)", seconds)
    Enterprise.objects.all().delete()

    import tablib
    from django.db import transaction

    iie_rows = args.iie_rows or rows
    source = data
    if iie_rows != rows:
        buf = io.BytesIO()
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet()
        for r in grid[: iie_rows + 1]:
            ws.append(r)
        wb.save(buf)
        source = buf.getvalue()
    started = time.perf_counter()
    dataset = tablib.Dataset().load(io.BytesIO(source), format="xlsx")
    loaded = time.perf_counter() - started
    resource = iie_resource(district)
    started = time.perf_counter()
    with transaction.atomic():
        result = resource.import_data(dataset, dry_run=True, raise_errors=False)
    checked_s = time.perf_counter() - started
    bad = [(r.errors, getattr(r, "validation_error", None)) for r in result.rows
           if r.errors or getattr(r, "validation_error", None)]
    assert not result.has_errors() and not result.has_validation_errors(), (result.base_errors[:1], bad[:3])
    record("import-export (tablib load)", loaded, iie_rows)
    record("import-export (dry run)", checked_s, iie_rows)
    record("import-export (total)", loaded + checked_s, iie_rows, totals=result.totals)
    assert not Enterprise.objects.exists()

    calamine_rps = results["calamine"]["rows_per_second"]
    engine_rps = results["engine (all new)"]["rows_per_second"]
    print()
    print(f"引擎 / calamine 原始读取：慢 {calamine_rps / engine_rps:.1f} 倍（目标：5 倍以内）")
    print(f"引擎 / pandas+openpyxl：快 {engine_rps / results['pandas+openpyxl']['rows_per_second']:.1f} 倍")
    print(f"引擎 / django-import-export：快 {engine_rps / results['import-export (total)']['rows_per_second']:.1f} 倍")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"import-{args.db}-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps({
        "rows": rows, "db": args.db, "python": platform.python_version(), "machine": platform.machine(),
        "results": results,
    }, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"结果已写入 {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
