"""科小入库名单 as an import/export kind (``keguan.exchange``): a year's 科技型中小企业 入库名单, one row per firm
and evaluation year, identified by (统一社会信用代码, 评价年度).

Each row is checked against the rules of a 科小 record (``services.sme_record_check``, the same function the
service refuses with), within the file (a 入库登记编号 once), against the district's enterprise register (the
firm must be there under that code and name) and against the stored records, and is stored through
``services.sme_record_add``, which also moves the firm's stage.

A row identical to the stored record of that firm and year (same 入库登记编号 and 入库日期) is unchanged, so an
exported list imports again as all unchanged. A stored record is never changed by an import: a row that
differs from it is an error naming what is registered (a record entered wrongly is deleted on the firm's
资质与培育 page and registered again).
"""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

from django.urls import reverse

from keguan.enterprises.models import Enterprise
from keguan.enterprises.services import counts_deferred
from keguan.exchange.kinds import Column, Context, ImportKind, Plan, Row
from keguan.exchange.readers import CellError, Date, Text, Year, as_text, credit_code

from .models import TechSmeRecord
from .services import SME_FIRST_YEAR, sme_record_add, sme_record_check

C_CODE, C_NAME, C_YEAR, C_NUMBER, C_DATE = "统一社会信用代码", "企业名称", "评价年度", "入库登记编号", "入库日期"
CHUNK = 2000  # credit codes / firms per query


class SmeNumber:
    """入库登记编号 as stored (stripped, upper case). Its form (8 to 32 letters or digits) is a rule of the
    record (``sme_record_check``); this only refuses a long number Excel has turned into an inexact one."""

    number_format = "@"

    def __call__(self, raw: object, ctx=None) -> str:
        if isinstance(raw, (int, float)) and not isinstance(raw, bool) and abs(raw) >= 1e15:
            raise CellError("编号被 Excel 存成了数值，超过15位的数字已不准确：请把该列设为“文本”格式后重新填写编号")
        return as_text(raw).strip().upper()


def _same_name(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return re.sub(r"\s+", "", s).replace("（", "(").replace("）", ")")

    return norm(a) == norm(b)


class SmeRecordKind(ImportKind):
    code = "sme_records"
    title = "科小入库名单"
    import_perm = "pipeline.import"
    export_perm = "pipeline.export"
    region_level = 3
    key = (C_CODE, C_YEAR)
    columns = (
        Column(C_CODE, credit_code, aliases=("信用代码", "社会信用代码"), required=True, field="enterprise", width=22,
               example="91450103MA5XXXXXXX", note="18位；须与本区县企业库中登记的一致"),
        Column(C_NAME, Text(128), required=True, width=36, example="（示例）某某科技有限公司",
               note="须与企业库中该代码登记的名称一致（全角、半角括号视为相同）"),
        # (any year is read; the years a record may have are sme_record_check's rule)
        Column(C_YEAR, Year(first=1000, ahead=1000), aliases=("年度",), required=True, field="year", width=10,
               example=lambda ctx: ctx.today.year, note=f"四位年份，{SME_FIRST_YEAR}年至今年"),
        Column(C_NUMBER, SmeNumber(), aliases=("登记编号", "入库编号"), required=True, field="number", width=24,
               example=lambda ctx: f"{ctx.today.year}4501030A0001",
               note="以评价服务平台公告为准（8至32位数字或字母）；请把该列设为“文本”格式"),
        Column(C_DATE, Date(), aliases=("入库时间",), required=True, field="registered_on", width=12,
               example=lambda ctx: dt.date(ctx.today.year, 5, 20), note="如 2024-05-20；须在评价年度内，不晚于今天"),
    )
    instructions = (
        "每行一家企业一个评价年度，五列都必填。",
        "统一社会信用代码和企业名称须与本区县企业库中登记的一致；企业库中没有的企业请先在“企业库”登记。",
        f"评价年度为{SME_FIRST_YEAR}年至今年的四位年份；入库日期须在评价年度内且不晚于今天。",
        "入库登记编号以科技型中小企业评价服务平台公告为准（8至32位数字或字母），同一编号只能登记一次；"
        "编号较长时请先把该列设为“文本”格式，以免 Excel 把它变成科学计数法。",
        "已登记的入库记录（同一企业同一评价年度）与表中一致的计为“不变”；不一致的报错，不会修改已登记的记录"
        "（登记有误的，请在企业的“资质与培育”页删除后重新登记）。",
        "导入后，各企业的培育阶段按入库记录自动更新（已是高企或在培育库中的企业阶段不变），并记入变更记录。",
        "导出的科小入库名单与本模板的列相同，可直接导入。",
    )

    def prepare(self, ctx: Context, keys: set[tuple]) -> None:
        codes = sorted({code for code, _year in keys})
        firms: dict[str, SimpleNamespace] = {}
        for i in range(0, len(codes), CHUNK):
            for pk, code, name in ctx.limit(Enterprise.objects.filter(credit_code__in=codes[i:i + CHUNK])).values_list(
                    "pk", "credit_code", "name"):
                firms[code] = SimpleNamespace(pk=pk, name=name)
        stored: dict[tuple[str, int], SimpleNamespace] = {}
        ids = [f.pk for f in firms.values()]
        for i in range(0, len(ids), CHUNK):
            for code, year, number, registered_on in TechSmeRecord.objects.filter(
                    enterprise_id__in=ids[i:i + CHUNK]).values_list("enterprise__credit_code", "year", "number",
                                                                    "registered_on"):
                stored[(code, year)] = SimpleNamespace(year=year, number=number, registered_on=registered_on)
        # 入库登记编号 are unique across the city: every stored one (one query; a few thousand a year)
        numbers = set(TechSmeRecord.objects.values_list("number", flat=True))
        ctx.cache.update(firms=firms, stored=stored, numbers=numbers, numbers_seen={})

    def check(self, row: Row, ctx: Context) -> Plan | None:
        code, year, number, registered_on = row[C_CODE], row[C_YEAR], row[C_NUMBER], row[C_DATE]
        problems = sme_record_check(year=year, number=number, registered_on=registered_on, today=ctx.today)
        for name, message in problems:
            row.error(self.header_for_field(name), message)
        seen = ctx.cache["numbers_seen"]
        if number is not None and not any(name == "number" for name, _ in problems):
            if number in seen:
                row.error(C_NUMBER, f"与第{seen[number]}行的入库登记编号重复")
            seen.setdefault(number, row.number)
        if not row.ok:
            return None
        firm = ctx.cache["firms"].get(code)
        if firm is None:
            row.error(C_CODE, f"{code} 不在您辖区的企业库中，请核对代码，或先在“企业库”登记该企业")
            return None
        if not _same_name(row[C_NAME], firm.name):
            row.error(C_NAME, f"与企业库中该统一社会信用代码登记的名称“{firm.name}”不一致")
            return None
        stored = ctx.cache["stored"].get((code, year))
        same = stored is not None and (stored.number, stored.registered_on) == (number, registered_on)
        conflicts = sme_record_check(
            year=year, number=number, registered_on=registered_on, today=ctx.today,
            year_taken=lambda y: not same and (code, y) in ctx.cache["stored"],
            number_taken=lambda n: (not same and n in ctx.cache["numbers"]
                                    and not (stored is not None and stored.number == n)),
        )
        for name, message in conflicts:
            if name == "year" and stored is not None:
                message += (f"（已登记的入库登记编号为{stored.number}、入库日期为{stored.registered_on:%Y-%m-%d}，"
                            "与本行不一致；导入不修改已登记的记录，如有误请在企业的“资质与培育”页删除后重新登记）")
            row.error(self.header_for_field(name), message)
        if not row.ok:
            return None
        data = {"year": year, "number": number, "registered_on": registered_on}
        return Plan.decide(stored, data, enterprise=firm.pk)

    def writing(self, ctx: Context):
        return counts_deferred()  # each entry moves the firm's stage: the counter moves once, at the end

    def write(self, plan: Plan, ctx: Context) -> None:
        # (only additions reach here: a row differing from its stored record is an error of the check)
        enterprise = Enterprise.objects.get(pk=plan.extra["enterprise"])
        sme_record_add(enterprise=enterprise, actor=ctx.user, **plan.data)

    def export_rows(self, ctx: Context):
        qs = ctx.limit(TechSmeRecord.objects.select_related("enterprise"))
        year = ctx.filters.get("year")
        if year:
            if not year.isdigit():
                raise ValueError(f"评价年度应为四位年份，而不是“{year}”")
            qs = qs.filter(year=int(year))
        for r in qs.order_by("-year", "enterprise__name", "id").iterator(chunk_size=2000):
            yield [r.enterprise.credit_code, r.enterprise.name, r.year, r.number, r.registered_on]

    def back(self, ctx: Context) -> tuple[str, str]:
        return ("科小入库", reverse("pipeline:sme_records"))


SME_RECORDS = SmeRecordKind()
