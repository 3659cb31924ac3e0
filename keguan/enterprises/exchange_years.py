"""企业年度数据 as an import/export kind (``keguan.exchange``): one row per firm and fiscal year, the firm named by
its 统一社会信用代码 (it must be registered in the district the import goes to), money in 万元 as on the forms
firms fill in (a cell may name its own unit: "125000元"), staff and IP counts as whole numbers.

A new year needs the figures the form requires; for a stored year an empty cell keeps the stored value (总收入
too: it is never cleared by an import). Every row is checked as it will be stored (the form's checks:
``services.check_year_figures``), and figures that look like a unit slip or a figure in the wrong box
(``figures.unusual_year_figures``) are shown as notes to check before the import is confirmed. Writes go
through ``services.year_figures_save`` (history, one writer of a firm's years at a time).

Counts: a year not stored yet is 新增, a changed one 更新.
"""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from keguan.exchange.kinds import Column, Context, ImportKind, Plan, Row
from keguan.exchange.readers import Integer, Money, Number, Text, Year, credit_code

from .figures import BLANK_IS_ZERO, MONEY_FIELDS, MONEY_REQUIRED, money_label, unusual_year_figures
from .models import YEAR_STAFF, YEAR_STORED, Enterprise, EnterpriseYear
from .services import check_year_figures, year_figure_limit, year_figures_save

C_NAME, C_CODE, C_YEAR = "企业名称", "统一社会信用代码", "年度"
CHUNK = 2000
COUNTS = {"employees": "从业人员（人）", "st_staff": "科技人员（人）", "ip_class1": "Ⅰ类知识产权（件）",
          "ip_class2": "Ⅱ类知识产权（件）"}
REQUIRED = ("employees", "st_staff", *MONEY_REQUIRED)  # what a new year must give (as the form)


def _header(key: str) -> str:
    return COUNTS.get(key) or f"{money_label(key)}（万元）"


def _reader(key: str):
    if key in MONEY_FIELDS:
        limit = year_figure_limit(key)[0]
        return Money("万元", min=-limit if key == "net_assets" else 0, max=limit)
    if key in YEAR_STAFF:  # full-year monthly averages: up to two decimals
        return Number(places=2, max=year_figure_limit(key)[0])
    return Integer(max=int(year_figure_limit(key)[0]), unit="件")


NOTES = {
    "total_income": "收入总额（销售收入与其他收入之和）；高企按它计算高新收入占比，不填时按销售收入计",
    "net_assets": "资产总额减负债总额，可为负",
    "rd_abroad": "不填按0计",
    "hightech_income": "不填按0计",
}
HEADERS = {key: _header(key) for key in YEAR_STORED}


class YearFiguresKind(ImportKind):
    code = "enterprise_years"
    title = "企业年度数据"
    import_perm = "enterprises.import"
    export_perm = "enterprises.export"
    key = (C_CODE, C_YEAR)
    columns = (
        Column(C_NAME, Text(128), width=36, example="（示例）某某科技有限公司", note="仅供核对，导入时不读取"),
        Column(C_CODE, credit_code, aliases=("信用代码", "社会信用代码"), required=True, width=22,
               example="91450103MA5XXXXXXX", note="须为本区县已登记的企业"),
        Column(C_YEAR, Year(), aliases=("会计年度", "年份"), required=True, field="year", width=8,
               example=lambda ctx: ctx.today.year - 1, note="四位年份，不晚于今年"),
        *(Column(HEADERS[key], _reader(key), field=key, width=14 if key in MONEY_FIELDS else 10,
                 note=NOTES.get(key, "金额单位万元，可保留小数（精确到分）" if key in MONEY_FIELDS
                                else "全年月平均数，可保留两位小数" if key in YEAR_STAFF else "整数"),
                 example={"employees": 80, "st_staff": 20, "sales_revenue": Decimal("3200"),
                          "total_income": Decimal("3300"), "total_cost": Decimal("2500"),
                          "rd_domestic": Decimal("150"), "rd_abroad": Decimal("0"), "total_assets": Decimal("4000"),
                          "net_assets": Decimal("2000"), "hightech_income": Decimal("2100"), "ip_class1": 1,
                          "ip_class2": 3}[key])
          for key in YEAR_STORED),
    )
    instructions = (
        "每行一家企业一个年度的数据。统一社会信用代码和年度必填，企业须已在本区县登记（可先导入“企业名录”）。",
        "金额单位为万元，可保留小数（精确到分），如 3200 表示 3200 万元；单元格中写明单位的按所写单位读取（如“125000元”）。",
        "新年度须填写从业人员、科技人员、销售收入、成本费用总额、境内研发费用、资产总额和净资产；"
        "已有的年度留空的单元格保持原值，不会被清除。",
        "导入前按填报表单的规则检查（科技人员不多于从业人员、研发费用不大于成本费用等）；"
        "看起来像单位填错的数据（如有几十名员工而销售收入不足1万元）会列出提示，请核对后再确认导入。",
        "导出的年度数据与本模板的列相同，可直接修改后导入。",
    )

    def prepare(self, ctx: Context, keys: set[tuple]) -> None:
        codes = sorted({code for code, _year in keys if code})
        firms: dict[str, int] = {}
        for i in range(0, len(codes), CHUNK):
            firms.update(ctx.limit(Enterprise.objects.filter(credit_code__in=codes[i:i + CHUNK]))
                         .values_list("credit_code", "pk"))
        stored: dict[tuple[int, int], SimpleNamespace] = {}
        ids = sorted(firms.values())
        for i in range(0, len(ids), CHUNK):
            for values in EnterpriseYear.objects.filter(enterprise_id__in=ids[i:i + CHUNK]).values_list(
                "enterprise_id", "year", "version", *YEAR_STORED
            ):
                row = SimpleNamespace(**dict(zip(("enterprise_id", "year", "version", *YEAR_STORED), values,
                                                 strict=True)))
                stored[(row.enterprise_id, row.year)] = row
        ctx.cache.update(firms=firms, stored=stored)

    def check(self, row: Row, ctx: Context) -> Plan | None:
        code, year = row[C_CODE], row[C_YEAR]
        firm = ctx.cache["firms"].get(code)
        if firm is None:
            region = ctx.region.name if ctx.region else "您的辖区"
            row.error(C_CODE, f"{code} 不是{region}已登记的企业，请先在企业库中登记或导入企业名录")
            return None
        stored = ctx.cache["stored"].get((firm, year))
        data = {key: row[HEADERS[key]] for key in YEAR_STORED if row[HEADERS[key]] is not None}
        if stored is None:
            unreadable = {header for header, _message in row.errors}  # a cell already said what is wrong
            missing = [HEADERS[k] for k in REQUIRED if k not in data and HEADERS[k] not in unreadable]
            for header in missing:
                row.error(header, f"新年度（{year}年）须填写")
            if not row.ok:
                return None
            for key in BLANK_IS_ZERO:
                data.setdefault(key, Decimal(0))
        if not row.ok:
            return None
        whole = {**({k: getattr(stored, k) for k in YEAR_STORED} if stored else {}), **data}
        for field, message in check_year_figures(whole):
            row.error(HEADERS.get(field, C_YEAR), message)
        if not row.ok:
            return None
        for field, message in unusual_year_figures(whole):
            row.warn(HEADERS[field], message)
        return Plan.decide(stored, data, firm=firm, year=year)

    def write(self, plan: Plan, ctx: Context) -> None:
        enterprise = Enterprise.objects.get(pk=plan.extra["firm"])
        year_figures_save(enterprise=enterprise, actor=ctx.user, year=plan.extra["year"], **plan.data)

    def back(self, ctx: Context) -> tuple[str, str]:
        from django.urls import reverse

        return "企业库", reverse("enterprises:list")

    def export_rows(self, ctx: Context):
        rows = ctx.limit(EnterpriseYear.objects.select_related("enterprise")).order_by(
            "enterprise__name", "enterprise_id", "-year")
        year = ctx.filters.get("year")
        if year:
            if not str(year).isdigit():
                raise ValueError("年度应为四位年份")
            rows = rows.filter(year=int(year))
        for r in rows.iterator(chunk_size=2000):
            yield [r.enterprise.name, r.enterprise.credit_code, r.year,
                   *((_to_wan(getattr(r, k)) if k in MONEY_FIELDS else getattr(r, k)) for k in YEAR_STORED)]


def _to_wan(value: Decimal | None) -> Decimal | None:
    return None if value is None else (value / 10000).normalize()


YEAR_FIGURES = YearFiguresKind()
