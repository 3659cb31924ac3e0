"""The workbooks the engine writes: a kind's template, its export and the error file of a failed check.

All three have the kind's layout (headers in row 1, in column order), so each can be filled in or corrected
and uploaded again. The template adds a notes row (row 2, every cell starting with “说明：”, which the reader
recognises and skips), an example row (skipped too while it is left exactly as written), drop-down lists
for coded columns (an inline list when it fits Excel's 255 characters, otherwise a range on a hidden
“选项” sheet) and a 填写说明 sheet. Text that Excel would take for a formula (= + - @, tab, CR first) is
written as text (``keguan.core.excel.safe_cell``).
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from keguan.core.excel import FORMULA_START, safe_cell
from keguan.core.reading import MAX_ROWS

from .engine import NOTE_MARK, Checked
from .kinds import Context, ImportKind

HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
NOTE_FILL = PatternFill("solid", fgColor="FFF2CC")
ERROR_FILL = PatternFill("solid", fgColor="F8CBAD")
ERROR_HEADER = "错误说明"
ROW_HEADER = "原行号"


_NOT_IN_SHEET_TITLES = str.maketrans({c: "" for c in "[]:*?/\\"})


def sheet_title(title: str) -> str:
    """A kind's title as a sheet's name: Excel refuses []:*?/\\ and more than 31 characters (村/社区名单 → 村社区名单)."""
    return title.translate(_NOT_IN_SHEET_TITLES)[:31] or "Sheet1"


def _save(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def note_text(kind: ImportKind, column, ctx: Context) -> str:
    parts = []
    if column.required or column.header in kind.key:
        parts.append("必填")
    note = column.note(ctx) if callable(column.note) else column.note  # a note may depend on the params
    if note:
        parts.append(note)
    options = column.options(ctx)
    if options is not None and not note:
        parts.append("从下拉列表中选择")
    return NOTE_MARK + ("；".join(parts) if parts else "选填")


def _put(cell, value, number_format: str | None = None) -> None:
    """``value`` into a cell of a normal (not write-only) sheet: text that looks like a formula stays text
    (quote prefix, as ``safe_cell`` does for write-only sheets), a number or date gets the column's format."""
    cell.value = value
    if isinstance(value, str):
        if value.startswith(FORMULA_START):
            cell.data_type, cell.quotePrefix = "s", True
    elif number_format and value is not None:
        cell.number_format = number_format


def _value_cell(ws, value, number_format: str | None):
    if isinstance(value, str):
        return safe_cell(ws, value)
    if isinstance(value, (Decimal, int, float, dt.date)) and not isinstance(value, bool) and number_format:
        c = WriteOnlyCell(ws, value=value)
        c.number_format = number_format if number_format != "@" else "General"
        return c
    return value


def template_xlsx(kind: ImportKind, ctx: Context) -> bytes:
    filled = kind.template_rows(ctx)
    prefilled = filled is not None
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title(kind.title)
    lists = None
    for i, column in enumerate(kind.columns, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = column.width
        head = ws.cell(row=1, column=i, value=column.header)
        required = column.required or column.header in kind.key
        head.font = Font(bold=True, color="C00000" if required else None)
        head.fill = HEAD_FILL
        head.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        note = ws.cell(row=2, column=i, value=note_text(kind, column, ctx))
        note.font = Font(italic=True, color="7F6000", size=9)
        note.fill = NOTE_FILL
        note.alignment = Alignment(vertical="top", wrap_text=True)
        example = None if prefilled else column.example_value(ctx)
        if example is not None:
            _put(ws.cell(row=3, column=i), example, column.number_format)
        if column.number_format == "@":
            ws.column_dimensions[letter].number_format = "@"
        options = column.options(ctx)
        if options:
            span = f"{letter}3:{letter}{MAX_ROWS + 2}"
            inline = ",".join(options)
            if len(inline) <= 250 and all("," not in o and '"' not in o for o in options):
                formula = f'"{inline}"'
            else:
                if lists is None:
                    lists = wb.create_sheet("选项")
                    lists.sheet_state = "hidden"
                col = get_column_letter(lists.max_column + (1 if lists["A1"].value is not None else 0))
                for r, option in enumerate(options, start=1):
                    _put(lists[f"{col}{r}"], option)
                formula = f"{quote_sheetname(lists.title)}!${col}$1:${col}${len(options)}"
            dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                                errorTitle="不在可选范围内", error=f"请从下拉列表中选择“{column.header}”")
            dv.add(span)
            ws.add_data_validation(dv)
    if prefilled:
        for r, values in enumerate(filled, start=3):
            for i, value in enumerate(values, start=1):
                _put(ws.cell(row=r, column=i), value, kind.columns[i - 1].number_format)
    ws.row_dimensions[2].height = 48
    ws.freeze_panes = "A3"
    ws["A1"].comment = Comment(
        "第1行为表头，第2行为填写说明（导入时自动跳过）；"
        + ("第3行起已列出现有名单，按行补全后上传。" if prefilled else "第3行为示例，原样保留时导入自动跳过。"), "科管")
    info = wb.create_sheet("填写说明")
    info.column_dimensions["A"].width = 100
    lines = [f"{kind.title} · 填写说明", *kind.instructions, *GENERAL_NOTES]
    for line in lines:
        info.append([line])
    info["A1"].font = Font(bold=True, size=12)
    return _save(wb)


GENERAL_NOTES = (
    "",
    "通用规则：",
    "· 第1行为表头（红色为必填列），列的顺序可以调整，多出的列（如序号）会被忽略。",
    "· 第2行为各列的填写说明，导入时自动跳过；第3行为示例，原样保留时导入也会跳过，可保留或删除。",
    "· 日期写成 2024-05-01（也可用 2024/5/1、2024年5月1日）；金额按表头中的单位填写。",
    "· 上传后系统先检查全部数据，列出所有问题（行号、列、原因），不写入任何数据；检查无误并点击“确认导入”后才一次性导入。",
    "· 检查出错时整个文件都不导入，页面列出每一处问题；也可下载“出错的行”（最后一列写明原因），对照改正原文件后重新上传。",
    "· 已存在的记录按唯一标识更新，导入结果中会列出新增、更新、不变各多少条。",
)


def export_xlsx(kind: ImportKind, ctx: Context, rows: Iterable[Sequence] | None = None, *, scope_name: str = "") -> bytes:
    """The kind's records in its import layout (write-only: exports of 100,000 rows stay flat in memory)."""
    rows = iter(kind.export_rows(ctx) if rows is None else rows)
    first = next(rows, None)  # a kind refuses bad filters here, before the workbook is opened
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet_title(kind.title))
    formats = [c.number_format for c in kind.columns]
    hidden = [c.perm is not None and not ctx.may(c.perm) for c in kind.columns]
    for i, column in enumerate(kind.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.width
    ws.freeze_panes = "A2"
    ws.append([_head_cell(ws, c.header) for c in kind.columns])
    for row in itertools.chain([first] if first is not None else [], rows):
        ws.append([None if hidden[i] else _value_cell(ws, v, formats[i]) for i, v in enumerate(row)])
    info = wb.create_sheet(title="说明")
    info.column_dimensions["A"].width = 80
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    info.append([f"{kind.title}；导出范围：{scope_name or '全部'}；导出时间：{stamp}"])
    info.append(["本表的列与导入模板相同，修改后可直接导入（按唯一标识更新已有记录）。"])
    if any(hidden):
        info.append(["您没有查看个人信息的权限，" + "、".join(c.header for c, h in zip(kind.columns, hidden, strict=True) if h)
                     + "列留空（导入时空白单元格不会清除已登记的内容）。"])
    return _save(wb)


def _head_cell(ws, header: str) -> WriteOnlyCell:
    c = WriteOnlyCell(ws, value=header)
    c.font = Font(bold=True)
    c.fill = HEAD_FILL
    c.alignment = Alignment(horizontal="center", vertical="center")
    return c


def errors_xlsx(kind: ImportKind, checked: Checked) -> bytes:
    """The rows that failed, in the kind's layout, each with 错误说明 (every problem of the row) and its row
    number in the uploaded file (原行号). Both extra columns are ignored on upload, so the corrected rows can
    be imported by themselves."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet_title(kind.title))
    for i, column in enumerate(kind.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.width
    n = len(kind.columns)
    ws.column_dimensions[get_column_letter(n + 1)].width = 60
    ws.column_dimensions[get_column_letter(n + 2)].width = 8
    ws.freeze_panes = "A2"
    head = [_head_cell(ws, c.header) for c in kind.columns]
    for title in (ERROR_HEADER, ROW_HEADER):
        c = _head_cell(ws, title)
        c.fill = ERROR_FILL
        head.append(c)
    ws.append(head)
    formats = [c.number_format for c in kind.columns]
    for number in sorted(checked.failed_rows):
        raws = checked.failed_cells.get(number, {})
        problems = "；".join(f"{h}：{m}" for h, m in checked.failed_rows[number])
        out = [_value_cell(ws, raws.get(c.header), formats[i]) for i, c in enumerate(kind.columns)]
        note = safe_cell(ws, problems)
        if isinstance(note, str):
            note = WriteOnlyCell(ws, value=note)
        note.font = Font(color="C00000")
        out += [note, number]
        ws.append(out)
    return _save(wb)
