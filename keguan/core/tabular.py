"""Reading a table into rows keyed by their Chinese headers, for ``keguan assess`` (imports go through
``keguan.exchange``). The file is read by ``keguan.core.reading``, which checks its type from the content and
its size before loading it. Every problem is reported in Chinese with the row number as the user sees it in Excel (header = row 1).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .errors import ImportRejected
from .reading import read_grid


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
    """Rows of the first sheet, read through ``keguan.core.reading`` (file type checked from the content, the
    sheet's size guarded before it is loaded). Raises ImportRejected when the file is not a table of the
    expected shape."""
    grid = [(number, [_cell(v) for v in raw]) for number, raw in read_grid(data, filename).rows]
    while grid and all(v in ("", None) for v in grid[-1][1]):
        grid.pop()
    if not grid:
        raise ImportRejected([(None, "文件", "表格中没有内容")])
    header_row, head = grid[0]
    headers = [str(h).strip() if h is not None else "" for h in head]
    missing = [h for h in required if h not in headers]
    if missing:
        raise ImportRejected([(header_row, "表头", f"缺少列：{'、'.join(missing)}（请使用下载的模板，第1行为表头）")])
    keep = {h for h in [*required, *optional]}
    rows = []
    for number, raw in grid[1:]:
        if all(v in ("", None) for v in raw):
            continue
        values = {h: raw[j] if j < len(raw) else None for j, h in enumerate(headers) if h in keep}
        rows.append(Row(number, values))
    if not rows:
        raise ImportRejected([(None, "文件", "表格中只有表头，没有数据行")])
    return rows
