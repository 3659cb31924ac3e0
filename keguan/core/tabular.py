"""Reading uploaded tables (.xlsx/.xls with python-calamine, .csv) into rows keyed by their Chinese headers.

Every problem is reported in Chinese with the row number as the user sees it in Excel (header = row 1).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from python_calamine import CalamineError, CalamineWorkbook

from .errors import ImportRejected

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"


@dataclass
class Row:
    number: int  # the row number in the sheet (header is row 1)
    values: dict[str, object]

    def text(self, header: str) -> str:
        value = self.values.get(header)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()

    def date(self, header: str) -> dt.date | None | str:
        """The cell as a date: an Excel date, or text like 2025-03-15, 2025/3/15, 2025.3.15, 2025年3月15日.
        None for an empty cell, ``BAD_DATE`` for anything else (the caller names the row and column)."""
        value = self.values.get(header)
        if value in (None, ""):
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = str(value).strip().replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-").rstrip("日")
        try:
            return dt.date.fromisoformat("-".join(p.zfill(2) for p in text.split("-")))
        except ValueError:
            return BAD_DATE


BAD_DATE = "bad"


def _cell(value: object) -> object:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    return value


def read_table(data: bytes, filename: str, *, required: list[str], optional: list[str] = ()) -> list[Row]:
    """Rows of the first sheet. Raises ImportRejected when the file is not a table of the expected shape."""
    name = (filename or "").lower()
    if not data:
        raise ImportRejected([(None, "文件", "上传的文件是空的")])
    if name.endswith(".csv"):
        grid = _read_csv(data)
    elif name.endswith((".xlsx", ".xlsm", ".xls")):
        magic_ok = data.startswith(XLSX_MAGIC) if not name.endswith(".xls") else data.startswith(XLS_MAGIC)
        if not magic_ok:
            raise ImportRejected([(None, "文件", f"“{filename}”不是有效的 Excel 文件（内容与扩展名不符），请用 Excel 另存为 .xlsx 后重新上传")])
        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            grid = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
        except (CalamineError, Exception) as exc:  # calamine raises several error types for damaged files
            raise ImportRejected([(None, "文件", f"无法读取“{filename}”：文件已损坏或加密（{type(exc).__name__}）")]) from exc
    else:
        raise ImportRejected([(None, "文件", "只支持 .xlsx、.xls 或 .csv 文件")])
    grid = [[_cell(v) for v in row] for row in grid]
    while grid and all(v in ("", None) for v in grid[-1]):
        grid.pop()
    if not grid:
        raise ImportRejected([(None, "文件", "表格中没有内容")])
    headers = [str(h).strip() if h is not None else "" for h in grid[0]]
    missing = [h for h in required if h not in headers]
    if missing:
        raise ImportRejected([(1, "表头", f"缺少列：{'、'.join(missing)}（请使用下载的模板，第1行为表头）")])
    keep = {h for h in [*required, *optional]}
    rows = []
    for i, raw in enumerate(grid[1:], start=2):
        if all(v in ("", None) for v in raw):
            continue
        values = {h: raw[j] if j < len(raw) else None for j, h in enumerate(headers) if h in keep}
        rows.append(Row(i, values))
    if not rows:
        raise ImportRejected([(None, "文件", "表格中只有表头，没有数据行")])
    return rows


def _read_csv(data: bytes) -> list[list[object]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportRejected([(None, "文件", "CSV 文件编码无法识别，请保存为 UTF-8 或 GBK 编码")])
    return [list(r) for r in csv.reader(io.StringIO(text))]
