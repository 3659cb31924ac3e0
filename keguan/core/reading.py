"""Reading an uploaded table: the bytes of an .xlsx, .xls or .csv file → numbered rows of raw cells.

What this module guarantees before a single row reaches a kind:

* the file is what its extension says (an .xlsx is a zip, an .xls an OLE2 compound file, a .csv text in
  UTF-8 or GBK/GB18030); otherwise it is refused in Chinese, naming the file;
* the sheet is not larger than ``MAX_ROWS`` × ``MAX_COLUMNS`` (``MAX_CELLS`` in all). python-calamine (the
  fast Rust reader) builds a dense grid of the sheet's used range, so a 5 KB .xlsx holding one cell at A1 and
  one at ZZ60000 would cost it 42 million cells (1.3 GB). For .xlsx the extent is found first by scanning the
  sheet's XML as it is unzipped (cell and row references only, about a tenth of calamine's own time), and for
  .xls from the sheet's DIMENSIONS record; only then is calamine asked for the sheet. Rows are converted to
  Python one at a time (``iter_rows``) and are not kept by this module;
* rows carry the number Excel shows (the header is usually row 1, a title row above it is allowed).

Header matching (``match_headers``) is separate: it looks for the kind's header row among the first rows,
accepts each column by its header or an alias in any order, ignores columns it does not know (序号, 备注 …),
and refuses a file that is not this kind's layout by naming the headers it expected.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from python_calamine import CalamineWorkbook

from .errors import ImportRejected

MAX_UPLOAD = 10 * 1024 * 1024  # bytes
MAX_COLUMNS = 200
MAX_ROWS = 200_000
MAX_CELLS = 4_000_000  # rows × columns of the used range: about 130 MB inside calamine
MAX_XML = 400 * 1024 * 1024  # the unzipped sheet XML: a zip bomb stops here
HEADER_SEARCH_ROWS = 10  # the header row may sit under a title row or two

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

Problem = tuple[int | None, str, str]


def refuse(message: str, *, row: int | None = None, column: str = "文件") -> ImportRejected:
    return ImportRejected([(row, column, message)])


@dataclass
class Grid:
    """The first sheet of a file: ``rows`` yields (row number as Excel shows it, cells) lazily; ``last_row``
    is the number of the last row of the used range."""

    rows: Iterator[tuple[int, list]]
    last_row: int


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(letters: bytes) -> int:
    n = 0
    for c in letters:
        n = n * 26 + c - 64
    return n


def _too_big(rows: int, columns: int) -> ImportRejected | None:
    if columns > MAX_COLUMNS:
        return refuse(
            f"表格的使用范围过宽（到第{columns}列，即 {column_letter(columns - 1)} 列）：最多{MAX_COLUMNS}列。"
            "请删除表格右侧多余的内容（包括看不见的空格）后重新上传"
        )
    if rows > MAX_ROWS:
        return refuse(f"表格过大（到第{rows:,}行）：一次最多导入{MAX_ROWS:,}行，请分成几个文件上传，或删除表格下方多余的内容")
    if rows * columns > MAX_CELLS:
        return refuse(
            f"表格的使用范围过大（{rows:,}行 × {columns}列）：最多{MAX_CELLS:,}个单元格。"
            "请删除多余的行列后重新上传，或分成几个文件"
        )
    return None


# ------------------------------------------------------------------------------------------------ xlsx

# Cell and row references as Excel, WPS, LibreOffice and openpyxl write them (``<c r="B7"``), also with a
# namespace prefix (``<x:c r="B7"``, the .NET Open XML SDK).
_CELL_COLUMN = re.compile(rb'<(?:\w+:)?c r="([A-Z]{1,3})\d')
_ROW_NUMBER = re.compile(rb'row r="(\d+)"')
_SHEET_RID = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\br:id="([^"]+)"')


def _first_sheet_path(book: zipfile.ZipFile) -> list[str]:
    """The first worksheet's part name (the sheet calamine reads); all worksheets if that cannot be told."""
    sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
    try:
        rid = _SHEET_RID.search(book.read("xl/workbook.xml"))
        rels = book.read("xl/_rels/workbook.xml.rels")
        if rid:
            for rel in re.finditer(rb"<Relationship\b[^>]*>", rels):
                tag = rel.group(0)
                if re.search(rb'\bId="' + re.escape(rid.group(1)) + rb'"', tag):
                    target = re.search(rb'\bTarget="([^"]+)"', tag)
                    if target:
                        path = target.group(1).decode()
                        path = path.lstrip("/") if path.startswith("/") else "xl/" + path
                        if path in book.namelist():
                            return [path]
    except (KeyError, zipfile.BadZipFile):
        pass
    return sheets


def _xlsx_extent(data: bytes, filename: str) -> tuple[int, int]:
    """(last row, last column) of the first sheet's cells, from its XML; refuses zip bombs."""
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        parts = _first_sheet_path(book)
    except (zipfile.BadZipFile, OSError) as exc:
        raise refuse(f"无法读取“{filename}”：文件已损坏（{type(exc).__name__}）") from exc
    if not parts:
        raise refuse(f"“{filename}”中没有工作表")
    max_row = max_col = 0
    for part in parts:
        info = book.getinfo(part)
        if info.file_size > MAX_XML:
            raise refuse(f"“{filename}”的工作表解压后过大（{info.file_size // 1048576} MB），请删除多余内容或分成几个文件")
        carry = b""
        read = 0
        with book.open(info) as stream:
            while True:
                chunk = stream.read(1 << 20)
                if not chunk:
                    break
                read += len(chunk)
                if read > MAX_XML:  # the zip's sizes can lie
                    raise refuse(f"“{filename}”的工作表解压后过大，请删除多余内容或分成几个文件")
                buf = carry + chunk
                for letters in set(_CELL_COLUMN.findall(buf)):
                    max_col = max(max_col, _column_index(letters))
                last = buf.rfind(b'row r="')
                if last >= 0:
                    found = _ROW_NUMBER.match(buf, last)
                    if found:
                        max_row = max(max_row, int(found.group(1)))
                for ref in re.findall(rb'<(?:\w+:)?c r="[A-Z]{1,3}(\d{7,})', buf):  # a cell beyond its row
                    max_row = max(max_row, int(ref))
                carry = buf[-64:]
    return max_row, max_col


# ------------------------------------------------------------------------------------------------ xls

_DIMENSIONS = re.compile(rb"\x00\x02\x0e\x00(.{4})(.{4})(.{2})(.{2})", re.DOTALL)


def _xls_extent(data: bytes) -> tuple[int, int]:
    """The largest (rows, columns) any sheet's BIFF8 DIMENSIONS record declares."""
    rows = cols = 0
    for m in _DIMENSIONS.finditer(data):
        first_row, last_row = int.from_bytes(m.group(1), "little"), int.from_bytes(m.group(2), "little")
        first_col, last_col = int.from_bytes(m.group(3), "little"), int.from_bytes(m.group(4), "little")
        if first_row <= last_row <= 65536 and first_col <= last_col <= 256:
            rows, cols = max(rows, last_row), max(cols, last_col)
    return rows, cols


# ------------------------------------------------------------------------------------------------ reading


def _calamine_rows(book: CalamineWorkbook, filename: str) -> Grid:
    try:
        sheet = book.get_sheet_by_index(0)
    except Exception as exc:  # noqa: BLE001 - calamine raises several error types for damaged files
        raise refuse(f"无法读取“{filename}”：文件已损坏或加密（{type(exc).__name__}）") from exc
    start = sheet.start
    if start is None:
        return Grid(iter(()), 0)
    refused = _too_big(sheet.height + start[0], sheet.width)
    if refused:
        raise refused
    first = start[0] + 1

    def rows() -> Iterator[tuple[int, list]]:
        for offset, cells in enumerate(sheet.iter_rows()):
            yield first + offset, cells

    return Grid(rows(), start[0] + sheet.height)


def _decode_csv(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise refuse("CSV 文件编码无法识别，请保存为 UTF-8 或 GBK 编码")


def read_grid(data: bytes, filename: str) -> Grid:
    """The first sheet of an .xlsx/.xlsm/.xls or the rows of a .csv. Raises ``ImportRejected``."""
    name = (filename or "").lower()
    if not data:
        raise refuse("上传的文件是空的")
    if len(data) > MAX_UPLOAD:
        raise refuse(f"文件不能超过{MAX_UPLOAD // 1048576}MB")
    if name.endswith(".csv"):
        if data.startswith((XLSX_MAGIC, XLS_MAGIC)) or b"\x00" in data[:4096]:
            raise refuse(f"“{filename}”不是 CSV 文本文件（内容与扩展名不符），请另存为 CSV 或 .xlsx 后重新上传")
        text = _decode_csv(data)
        table = list(csv.reader(io.StringIO(text)))
        width = max((len(r) for r in table), default=0)
        while width and all(len(r) < width or r[width - 1].strip() == "" for r in table):
            width -= 1
        refused = _too_big(len(table), width)
        if refused:
            raise refused
        return Grid(((i, row[:width]) for i, row in enumerate(table, start=1)), len(table))
    if name.endswith((".xlsx", ".xlsm")):
        if data.startswith(XLS_MAGIC):
            raise refuse(f"“{filename}”实际是旧版 Excel（.xls）文件：请把扩展名改为 .xls，或用 Excel 另存为 .xlsx 后上传")
        if not data.startswith(XLSX_MAGIC):
            raise refuse(f"“{filename}”不是有效的 Excel 文件（内容与扩展名不符），请用 Excel 另存为 .xlsx 后重新上传")
        rows, cols = _xlsx_extent(data, filename)
    elif name.endswith(".xls"):
        if not data.startswith(XLS_MAGIC):
            raise refuse(f"“{filename}”不是有效的 .xls 文件（内容与扩展名不符），请用 Excel 另存为 .xlsx 后重新上传")
        rows, cols = _xls_extent(data)
    else:
        raise refuse("只支持 .xlsx、.xls 或 .csv 文件")
    refused = _too_big(rows, cols)
    if refused:
        raise refused
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001
        raise refuse(f"无法读取“{filename}”：文件已损坏或加密（{type(exc).__name__}）") from exc
    return _calamine_rows(book, filename)


def cell(value: object) -> object:
    """A raw cell as the readers take it: text stripped, empty text → None, midnight datetimes → dates."""
    if value.__class__ is str:
        value = value.strip()  # type: ignore[union-attr]
        return value or None
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    return value


def fold_header(text: object) -> str:
    """A header as it is compared: blanks, line breaks and required marks (*) removed, brackets half-width."""
    if text is None:
        return ""
    s = str(text)
    for a, b in (("（", "("), ("）", ")"), ("＊", ""), ("*", ""), (" ", ""), ("\u3000", ""), ("\n", ""), ("\r", ""),
                 ("\t", "")):
        s = s.replace(a, b)
    return s.lower()


@dataclass
class Layout:
    """Where the kind's columns are in this file: ``positions`` maps each found column's header to its cell
    index; ``header_row`` is the header's row number."""

    header_row: int
    positions: dict[str, int]
    ignored: list[str]


def match_headers(
    first_rows: Sequence[tuple[int, list]], *, columns: Sequence, required: Sequence[str], title: str
) -> Layout:
    """Find the header row among ``first_rows`` (the row that names most of the kind's columns) and map the
    columns. ``columns`` are ``keguan.exchange.kinds.Column``s."""
    names: dict[str, str] = {}
    for col in columns:
        for spelling in (col.header, *col.aliases):
            names.setdefault(fold_header(spelling), col.header)
    best: tuple[int, int, list] | None = None
    for number, cells in first_rows[:HEADER_SEARCH_ROWS]:
        hits = sum(1 for c in cells if fold_header(c) in names)
        if hits and (best is None or hits > best[0]):
            best = (hits, number, cells)
    expected = "、".join(c.header for c in columns)
    if best is None:
        raise refuse(f"这不是“{title}”的导入文件：没有找到表头。第1行应为表头：{expected}（请使用下载的模板）",
                     column="表头")
    _, number, cells = best
    positions: dict[str, int] = {}
    problems: list[Problem] = []
    ignored: list[str] = []
    for index, raw in enumerate(cells):
        header = names.get(fold_header(raw))
        if header is None:
            if raw not in (None, ""):
                ignored.append(str(raw).strip())
            continue
        if header in positions:
            problems.append((number, header, f"第{column_letter(positions[header])}列和第{column_letter(index)}列都是“{header}”，"
                                              "请删除其中一列"))
            continue
        positions[header] = index
    missing = [h for h in required if h not in positions]
    if missing:
        problems.append((number, "表头", f"缺少必填列：{'、'.join(missing)}。“{title}”的表头为：{expected}（列的顺序不限）"))
    if problems:
        raise ImportRejected(problems)
    return Layout(number, positions, ignored)
