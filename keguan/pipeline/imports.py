"""Importing a year's 科技型中小企业 入库名单 from .xlsx/.csv. Every row is checked first — read, then against the
rules of a 科小 record (``services.sme_record_check``, the service's own check), within the file, and against
the user's enterprise registry (the firm must be there under that credit code and name) and the stored
records —; one bad row rejects the whole file. Each row is then stored through ``services.sme_record_add``,
which also moves the firm's stage."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from keguan.core.errors import ImportRejected, ServiceError
from keguan.core.excel import build_xlsx
from keguan.core.scope import scoped
from keguan.core.tabular import BAD_DATE, Row, read_table
from keguan.enterprises.models import Enterprise
from keguan.rules.identifiers import validate_credit_code

from .models import TechSmeRecord
from .services import SME_FIRST_YEAR, sme_record_add, sme_record_check

C_CODE, C_NAME, C_YEAR, C_NUMBER, C_DATE = "统一社会信用代码", "企业名称", "评价年度", "入库登记编号", "入库日期"
HEADERS = [C_CODE, C_NAME, C_YEAR, C_NUMBER, C_DATE]
_BY_FIELD = {"year": C_YEAR, "number": C_NUMBER, "registered_on": C_DATE, "enterprise": C_CODE}


@dataclass
class SmeImportResult:
    added: int = 0
    years: list[int] = field(default_factory=list)


def sme_template_xlsx(*, region_name: str) -> bytes:
    year = timezone.localdate().year
    example = ["91450103MA5XXXXXXX", "（示例）某某科技有限公司", year, f"{year}4501030A0001", dt.date(year, 5, 20)]
    note = "\n".join(
        [
            "填写说明：",
            "1. 每行一家企业，五列都必填；第1行为表头，请勿修改。示例行请删除。",
            f"2. 统一社会信用代码和企业名称须与{region_name}企业库中登记的一致（企业名称中的全角、半角括号视为相同）；"
            "企业库中没有的企业请先在“企业库”登记。",
            f"3. 评价年度为{SME_FIRST_YEAR}年至今年的四位年份；入库日期须在评价年度内且不晚于今天，写成 2024-05-20。",
            "4. 入库登记编号以科技型中小企业评价服务平台公告为准（8至32位数字或字母）。"
            "编号较长时请先把该列设为“文本”格式，以免 Excel 把它变成科学计数法。",
            "5. 任何一行有错误时整个文件都不会导入，系统会列出出错的行和列；改正后重新上传即可。",
            "6. 导入后，各企业的培育阶段按入库记录自动更新（已是高企或在培育库中的企业阶段不变）。",
        ]
    )
    return build_xlsx(title="科小入库名单", headers=HEADERS, rows=[example], widths=[22, 36, 10, 24, 12], note=note)


def _same_name(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return re.sub(r"\s+", "", s).replace("（", "(").replace("）", ")")

    return norm(a) == norm(b)


def sme_records_import(*, user, data: bytes, filename: str) -> SmeImportResult:
    rows = read_table(data, filename, required=HEADERS)
    errors: list[tuple[int | None, str, str]] = []
    today = timezone.localdate()
    plans: list[tuple[Row, str, int, str, dt.date]] = []
    codes_seen: dict[str, int] = {}
    numbers_seen: dict[str, int] = {}
    for row in rows:
        def bad(header: str, message: str, row=row) -> None:
            errors.append((row.number, header, message))

        ok = True
        checked = validate_credit_code(row.text(C_CODE))
        code = checked.value
        if not checked.ok:
            bad(C_CODE, checked.errors[0])
            ok = False
        name = row.text(C_NAME)
        if not name:
            bad(C_NAME, "企业名称不能为空")
            ok = False
        year_text = row.text(C_YEAR).removesuffix("年")
        year = int(year_text) if year_text.isdigit() else None
        if year is None:
            bad(C_YEAR, f"“{row.text(C_YEAR)}”不是年份，请写四位年份，如 {today.year}" if year_text else "评价年度不能为空")
            ok = False
        raw_number = row.values.get(C_NUMBER)
        number: str | None = row.text(C_NUMBER).upper()
        if isinstance(raw_number, float) and abs(raw_number) >= 1e15:
            bad(C_NUMBER, "编号被 Excel 存成了数值，超过15位的数字已不准确：请把该列设为“文本”格式后重新填写编号")
            number, ok = None, False
        elif not number:
            bad(C_NUMBER, "入库登记编号不能为空")
            number, ok = None, False
        registered_on = row.date(C_DATE)
        if registered_on is None or registered_on == BAD_DATE:
            shown = row.text(C_DATE)
            bad(C_DATE, f"“{shown}”不是有效日期，请写成 {today.year}-05-20" if shown else "入库日期不能为空")
            registered_on, ok = None, False
        # the rules of a 科小 record, on the values that could be read
        problems = sme_record_check(year=year, number=number, registered_on=registered_on, today=today)
        for field_name, message in problems:
            bad(_BY_FIELD[field_name], message)
            ok = False
        if number is not None and not any(f == "number" for f, _ in problems):
            if number in numbers_seen:
                bad(C_NUMBER, f"与第{numbers_seen[number]}行的入库登记编号重复")
                ok = False
            numbers_seen.setdefault(number, row.number)
        if checked.ok and year is not None:
            key = f"{code}/{year}"
            if key in codes_seen:
                bad(C_CODE, f"与第{codes_seen[key]}行是同一企业同一评价年度，请删除重复行")
                ok = False
            codes_seen.setdefault(key, row.number)
        if ok:
            plans.append((row, code, year, number, registered_on))  # type: ignore[arg-type]

    # Against the registry (only the firms the user may see: a code outside the scope reads as unknown) and
    # against the records already stored.
    firms = {
        e.credit_code: e
        for e in scoped(Enterprise, user).filter(credit_code__in=[code for _, code, *_ in plans])
    }
    taken_years = set(
        TechSmeRecord.objects.filter(enterprise__in=list(firms.values())).values_list("enterprise__credit_code", "year")
    )
    taken_numbers = set(
        TechSmeRecord.objects.filter(number__in=[n for *_, n, _ in plans]).values_list("number", flat=True)
    )
    ready: list[tuple[Row, Enterprise, int, str, dt.date]] = []
    for row, code, year, number, registered_on in plans:
        firm = firms.get(code)
        if firm is None:
            errors.append((row.number, C_CODE, f"{code} 不在您辖区的企业库中，请核对代码，或先在“企业库”登记该企业"))
            continue
        if not _same_name(row.text(C_NAME), firm.name):
            errors.append((row.number, C_NAME, f"与企业库中该统一社会信用代码登记的名称“{firm.name}”不一致"))
            continue
        conflicts = sme_record_check(year=year, number=number, registered_on=registered_on, today=today,
                                     year_taken=lambda y, code=code: (code, y) in taken_years,
                                     number_taken=taken_numbers.__contains__)
        if conflicts:
            errors.extend((row.number, _BY_FIELD[f], message) for f, message in conflicts)
            continue
        ready.append((row, firm, year, number, registered_on))
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: (e[0] or 0, HEADERS.index(e[1]) if e[1] in HEADERS else 9)))

    result = SmeImportResult()
    with transaction.atomic():
        for row, firm, year, number, registered_on in ready:
            try:
                sme_record_add(enterprise=firm, actor=user, year=year, number=number, registered_on=registered_on)
            except ServiceError as exc:  # (a rule the checks above do not repeat, or a concurrent change)
                raise ImportRejected([(row.number, _BY_FIELD.get(exc.field or "", "—"), exc.message)]) from exc
            result.added += 1
            if year not in result.years:
                result.years.append(year)
    return result
