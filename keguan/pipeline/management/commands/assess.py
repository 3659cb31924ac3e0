"""``keguan assess FILE``: the 科小 and 高企 results of every firm in a table of figures, as JSON lines."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from keguan.core.errors import ImportRejected
from keguan.core.tabular import read_table
from keguan.pipeline.assess import run_rules
from keguan.pipeline.sheet import C_NAME, optional_headers, read_firm, template_xlsx, year_columns_of
from keguan.rules.explain import result_to_dict


class Command(BaseCommand):
    help = (
        "预审一张表中各企业的科小、高企条件（.xlsx 或 .csv，列见模板），每家企业输出一行 JSON，不保存任何数据。"
        "有错误的行输出 error 和行号；有错误行时退出状态为 1，文件无法读取时为 2。"
        "keguan assess --template 模板.xlsx 生成模板（含填写说明）。"
    )

    requires_system_checks: list[str] = []  # a calculation: no database, nothing to check first

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", nargs="?", help="企业年度数据表 .xlsx 或 .csv")
        parser.add_argument("--template", metavar="OUT.xlsx", help="生成模板到此文件（不预审）")
        parser.add_argument("--on", metavar="YYYY-MM-DD", help="评价（申报）日期，默认今天")

    def handle(self, *args, file: str | None, template: str | None, on: str | None, **options) -> None:
        try:
            day = dt.date.fromisoformat(on) if on else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--on 应为日期，如 2026-05-31，而不是“{on}”") from exc
        if template:
            out = Path(template)
            if out.suffix.lower() != ".xlsx":
                raise CommandError("模板文件应以 .xlsx 结尾")
            out.write_bytes(template_xlsx(day))
            self.stderr.write(f"已生成模板 {out}（填写说明见“说明”工作表）")
            return
        if not file:
            raise CommandError("请给出要预审的文件，或用 --template 生成模板")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}")
        try:
            rows = read_table(path.read_bytes(), path.name, required=[C_NAME], optional=optional_headers(day))
        except ImportRejected as exc:
            for number, column, message in exc.errors:
                self._line({"row": number, "column": column, "error": message})
            raise CommandError(f"无法读取 {path.name}", returncode=2) from exc
        columns = year_columns_of(set(rows[0].values), day)
        if not columns:
            self._line(
                {
                    "row": 1,
                    "column": "表头",
                    "error": "表格中没有年度数据列（如“2025年从业人员（人）”），请使用 keguan assess --template 生成的模板",
                }
            )
            raise CommandError(f"{path.name} 没有年度数据列", returncode=2)
        bad = done = 0
        for row in rows:
            try:
                written = self._assess(row, day, columns)
            except Exception as exc:  # one row that cannot be evaluated must not lose the lines of the others
                number = getattr(row, "number", None)
                self._line({"row": number, "name": (getattr(row, "values", None) or {}).get(C_NAME), "error": f"第{number}行无法预审（{type(exc).__name__}: {exc}），请核对该行数据",
                            "errors": [{"column": "", "message": str(exc)}]})
                bad += 1
                continue
            if written is None:
                continue
            if written:
                done += 1
            else:
                bad += 1
        if bad:
            raise CommandError(
                f"{bad} 行数据有误（见输出中带 error 的行），其余 {done} 行已预审", returncode=1
            )
        self.stderr.write(f"已预审 {done} 家企业")

    def _assess(self, row, day: dt.date, columns) -> bool | None:
        """Print one firm's line: True when assessed, False for a row with errors, None for the example row."""
        firm = read_firm(row, day, columns)
        if firm.example:
            return None
        if firm.errors:
            text = "；".join(f"{column}：{message}" for column, message in firm.errors)
            self._line(
                {
                    "row": firm.number,
                    "name": firm.name,
                    "error": f"第{firm.number}行：{text}",
                    "errors": [{"column": c, "message": m} for c, m in firm.errors],
                }
            )
            return False
        assert firm.facts is not None
        tech_sme, hnte = run_rules(firm.facts, firm.years, firm.estimates)
        self._line(
            {
                "row": firm.number,
                "name": firm.name,
                "credit_code": firm.credit_code,
                "assessed_on": day.isoformat(),
                "facts_unrecorded": list(firm.unrecorded),
                "estimated": firm.estimates is not None,
                "tech_sme": result_to_dict(tech_sme),
                "hnte": result_to_dict(hnte),
            }
        )
        return True

    def _line(self, data: dict) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False))
