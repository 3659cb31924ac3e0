"""Excel out (openpyxl, write-only) and the HTTP response that carries it.

Text that starts like a formula (= + - @, or a tab or carriage return, which some spreadsheets strip before
parsing) is written as a text cell with Excel's quote prefix (``safe_cell``): a name such as
``=HYPERLINK("http://…")`` typed into a form never becomes a live formula in a file a colleague opens.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(ws, value: str) -> object:
    """``value`` as a write-only cell of ``ws``: plain text unless it starts like a formula, then a text
    cell with the quote prefix (Excel shows it, keeps it text when edited, and never evaluates it)."""
    if not value.startswith(FORMULA_START):
        return value
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def build_xlsx(
    *, title: str, headers: Sequence[str], rows: Iterable[Sequence[object]], widths: Sequence[int] | None = None,
    note: str = "",
) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31])
    for i, header in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(i)].width = widths[i - 1] if widths else max(10, len(header) * 2 + 2)
    ws.freeze_panes = "A2"
    head = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=h)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center")
        head.append(cell)
    ws.append(head)
    for row in rows:
        out = []
        for value in row:
            if isinstance(value, Decimal):
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = "#,##0.00"
                out.append(cell)
            elif isinstance(value, str):
                out.append(safe_cell(ws, value))
            elif isinstance(value, dt.date):
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = "yyyy-mm-dd"
                out.append(cell)
            else:
                out.append(value)
        ws.append(out)
    if note:
        info = wb.create_sheet(title="说明")
        info.column_dimensions["A"].width = 80
        for line in note.splitlines():
            info.append([safe_cell(info, line)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
