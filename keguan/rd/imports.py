"""Importing reported amounts from .xlsx/.csv into a round.

Columns: 统一社会信用代码 (required) and 填报金额（万元） — the unit the bureau writes its figures in; a file
with 填报金额（元） instead is accepted too (one amount column, not both) — and optional 填报日期 (empty:
the day of the import) and 备注. Other columns (企业名称 …) are ignored, so the round's own export can be
filled in and uploaded again. Rows with an empty amount are left as they are (nothing is cleared).
Every row is checked first; one bad row rejects the whole file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from keguan.core.errors import ImportRejected, ServiceError
from keguan.core.excel import build_xlsx
from keguan.core.tabular import BAD_DATE, Row, read_table
from keguan.rules.identifiers import validate_credit_code

from .models import RdFirm, RdRound
from .services import parse_amount, rd_amount_record

C_NAME, C_CODE, C_WAN, C_YUAN, C_DATE, C_NOTE = (
    "企业名称", "统一社会信用代码", "填报金额（万元）", "填报金额（元）", "填报日期", "备注",
)
TEMPLATE_HEADERS = [C_NAME, C_CODE, C_WAN, C_DATE, C_NOTE]
WAN = Decimal(10000)


@dataclass
class RdImportResult:
    recorded: int = 0  # firms that had no amount before
    corrected: int = 0  # amounts (or dates, notes) changed
    unchanged: int = 0
    blank: int = 0  # rows without an amount, left as they were


def rd_template_xlsx(rd_round: RdRound) -> bytes:
    """The round's firms, with what they have reported so far: fill in the blanks and upload."""
    firms = RdFirm.objects.filter(round=rd_round).select_related("enterprise").order_by("enterprise__name", "id")

    def rows():
        for f in firms.iterator(chunk_size=2000):
            yield [f.enterprise.name, f.enterprise.credit_code,
                   f.amount / WAN if f.amount is not None else None, f.reported_on, f.note]

    note = "\n".join(
        [
            f"{rd_round.district.name} {rd_round.title} · 填写说明：",
            "1. 表中已列出本轮填报名单中的全部企业。按企业填写“填报金额（万元）”和“填报日期”后上传。",
            "2. 统一社会信用代码必填，须为本轮填报名单中的企业；名单外的企业请先在页面上“添加企业”。",
            "3. 金额单位为万元，可保留小数（精确到元以下两位）；也可把列名改为“填报金额（元）”按元填写。",
            "4. 填报日期写成 2025-03-15；留空按导入当天。不能晚于今天。",
            "5. 金额留空的行保持原样，不会清除已登记的金额；已登记的金额会被表中的新金额覆盖并记入变更记录。",
            "6. 任何一行有错误时整个文件都不会导入，请按提示修改后重新上传。",
            "7. 填报的研发经费（统计口径）与企业年度数据中的研发费用（会计口径）是两个数，导入不会修改企业年度数据。",
        ]
    )
    return build_xlsx(title="研发经费填报", headers=TEMPLATE_HEADERS, rows=rows(), widths=[40, 24, 18, 14, 30], note=note)


def _amount_text(value: object) -> str:
    if isinstance(value, float):
        return repr(value)  # the shortest text that reads back as the number in the cell
    return str(value).strip()


def rd_amounts_import(*, user, rd_round: RdRound, data: bytes, filename: str) -> RdImportResult:
    rows = read_table(data, filename, required=[C_CODE], optional=[C_NAME, C_WAN, C_YUAN, C_DATE, C_NOTE])
    present = set(rows[0].values)
    if C_WAN in present and C_YUAN in present:
        raise ImportRejected([(1, "表头", f"“{C_WAN}”和“{C_YUAN}”只能保留一列")])
    if C_WAN not in present and C_YUAN not in present:
        raise ImportRejected([(1, "表头", f"缺少列：{C_WAN}（或按元填写的“{C_YUAN}”）（请使用下载的模板，第1行为表头）")])
    amount_col, scale = (C_WAN, WAN) if C_WAN in present else (C_YUAN, Decimal(1))
    firms = {f.enterprise.credit_code: f for f in RdFirm.objects.filter(round=rd_round).select_related("enterprise", "round")}
    today = timezone.localdate()
    year_start = dt.date(rd_round.year, 1, 1)
    errors: list[tuple[int | None, str, str]] = []
    seen: dict[str, int] = {}
    plans: list[tuple[Row, RdFirm, Decimal, dt.date | None, str | None]] = []
    result = RdImportResult()
    for row in rows:
        def bad(header: str, message: str, row=row) -> None:
            errors.append((row.number, header, message))

        checked = validate_credit_code(row.text(C_CODE))
        firm = None
        if not checked.ok:
            bad(C_CODE, checked.errors[0])
        else:
            code = checked.value
            if code in seen:
                bad(C_CODE, f"与第{seen[code]}行的统一社会信用代码重复")
            seen.setdefault(code, row.number)
            firm = firms.get(code)
            if firm is None:
                bad(C_CODE, f"{code} 不在本轮填报名单中，请先在页面上添加该企业")
        raw = row.values.get(amount_col)
        amount = None
        if raw not in (None, ""):
            text = _amount_text(raw).replace(",", "").replace("，", "")
            try:
                value = Decimal(text)
                if not value.is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                bad(amount_col, f"“{text}”不是有效的金额，请只填数字")
            else:
                try:
                    amount = parse_amount(value * scale)
                except ServiceError as exc:
                    bad(amount_col, exc.message)
        on = row.date(C_DATE)
        if on == BAD_DATE:
            bad(C_DATE, f"“{row.text(C_DATE)}”不是有效日期，请写成 2025-03-15")
        elif on is not None:
            if on > today:
                bad(C_DATE, "填报日期不能晚于今天")
            elif on < year_start:
                bad(C_DATE, f"填报日期不能早于{rd_round.year}年1月1日")
        note = row.text(C_NOTE) if C_NOTE in present else ""
        if len(note) > 200:
            bad(C_NOTE, "备注最多200字")
        if amount is None:
            if raw in (None, "") and firm is not None:
                result.blank += 1
            continue
        if firm is not None:
            plans.append((row, firm, amount, on if isinstance(on, dt.date) else None, note or None))
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: (e[0] or 0)))
    with transaction.atomic():
        for row, firm, amount, on, note in plans:
            before = (firm.amount, firm.reported_on, firm.note)
            when = on or (firm.reported_on if firm.amount == amount and firm.reported_on else today)
            try:
                rd_amount_record(firm=firm, actor=user, amount=amount, reported_on=when, note=note)
            except ServiceError as exc:
                header = {"amount": amount_col, "reported_on": C_DATE, "note": C_NOTE}.get(exc.field or "", "—")
                raise ImportRejected([(row.number, header, exc.message)]) from exc
            if before == (firm.amount, firm.reported_on, firm.note):
                result.unchanged += 1
            elif before[0] is None:
                result.recorded += 1
            else:
                result.corrected += 1
    return result

