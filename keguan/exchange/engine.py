"""The engine: a kind plus the bytes of a file → every problem at once, or the plans; plans → one transaction.

``check_file`` reads the file (``reading``), finds the kind's header row, skips the template's notes row
and an untouched example row, reads every cell with its column's reader, reports empty required cells and
natural keys repeated inside the file (naming the first row), then calls the kind's ``prepare`` once and
its ``check`` for every row. It writes nothing and returns a ``Checked``: the plans, the counts (将新增 /
更新 / 不变) and every problem as (row, column header, message), row numbers as Excel shows them.

``apply`` writes the plans of a clean ``Checked`` through the kind's ``write`` inside one
``transaction.atomic()``: a ``ServiceError`` (or anything else) rolls everything back, and a process killed
half way leaves the database as it was, since nothing is committed before the last row. ``run_import``
does both, re-checking inside the same transaction, which is what a confirmed import runs: what is written
is what was just checked against the database as it is now.

Both take an optional ``progress(done, total)`` callback, called every few hundred rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from keguan.accounts import oplog
from keguan.core.errors import ImportRejected, ServiceError
from keguan.core.reading import Layout, Problem, cell, match_headers, read_grid

from .kinds import ADD, UNCHANGED, UPDATE, Context, ImportKind, Plan, Row
from .readers import CellError, as_text

NOTE_MARK = "说明："  # every cell of the template's notes row (row 2) starts with it
PROGRESS_EVERY = 500
HEAD_ROWS = 10  # rows searched for the header
MIDNIGHT = dt.time()

Progress = Callable[[int, int], None]


@dataclass
class Checked:
    """The dry run of one file."""

    rows: int = 0  # data rows read (blank rows, the notes row and the example row not counted)
    skipped: int = 0  # rows the kind's check passed over (returned no plan and no error)
    plans: list[Plan] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # figures to check; they do not stop the import
    layout: Layout | None = None
    failed_rows: dict[int, list[tuple[str, str]]] = field(default_factory=dict)  # row → [(header, message)]
    failed_cells: dict[int, dict[str, object]] = field(default_factory=dict)  # row → {header: cell as written}

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for p in self.plans if p.action == action)

    @property
    def added(self) -> int:
        return self.count(ADD)

    @property
    def updated(self) -> int:
        return self.count(UPDATE)

    @property
    def unchanged(self) -> int:
        return self.count(UNCHANGED)

    @property
    def failed(self) -> int:
        return len(self.failed_rows)


def _is_notes_row(cells: list) -> bool:
    texts = [c for c in cells if c not in (None, "")]
    return bool(texts) and all(isinstance(c, str) and c.strip().startswith(NOTE_MARK) for c in texts)


def _example_texts(kind: ImportKind, ctx: Context) -> dict[str, str]:
    return {c.header: as_text(v) for c in kind.columns if (v := c.example_value(ctx)) is not None and v != ""}


def _head(grid) -> list[tuple[int, list]]:
    head: list[tuple[int, list]] = []
    for item in grid.rows:
        head.append(item)
        if len(head) >= HEAD_ROWS:
            break
    if not head:
        raise ImportRejected([(None, "文件", "表格中没有内容")])
    return head


def count_rows(kind: ImportKind, data: bytes, filename: str) -> int:
    """An upper bound of the data rows, read fast (to choose between now and the background), after checking
    that the file is this kind's layout. Raises ``ImportRejected``."""
    grid = read_grid(data, filename)
    layout = match_headers(_head(grid), columns=kind.columns, required=kind.required_headers, title=kind.title)
    return max(0, grid.last_row - layout.header_row)


def _is_example(cells: list, fields: list, example: dict[str, str]) -> bool:
    width = len(cells)
    for header, index, _read, _required in fields:
        raw = cell(cells[index]) if index < width else None
        if (as_text(raw).strip() if raw is not None else "") != example.get(header, ""):
            return False
    return True


def check_file(
    kind: ImportKind, data: bytes, filename: str, ctx: Context, *, progress: Progress | None = None
) -> Checked:
    """The dry run: every problem of the file, or the plans. Never writes. File-level problems (not an Excel
    file, not this kind's layout, too large) are returned as the only error, with no row."""
    result = Checked()
    try:
        grid = read_grid(data, filename)
        head = _head(grid)
        layout = match_headers(head, columns=kind.columns, required=kind.required_headers, title=kind.title)
    except ImportRejected as exc:
        result.errors = list(exc.errors)
        return result
    result.layout = layout

    def rest():
        yield from head
        yield from grid.rows

    total = max(1, grid.last_row - layout.header_row)
    present = frozenset(layout.positions)
    fields = [(c.header, layout.positions[c.header], c.read, c.required) for c in kind.columns if c.header in present]
    missing_optional = [c.header for c in kind.columns if c.header not in present]
    example = _example_texts(kind, ctx)
    key_headers = kind.key
    keys_seen: dict[tuple, int] = {}
    rows: list[Row] = []
    errors = result.errors
    number_after_header = layout.header_row + 1
    for number, cells in rest():
        if number <= layout.header_row:
            continue
        width = len(cells)
        if number <= number_after_header + 1:
            if number == number_after_header and _is_notes_row(cells):
                continue
            if example and _is_example(cells, fields, example):
                continue
        values: dict = {}
        raws: dict = {}
        row_errors: list[tuple[str, str]] = []
        blank = True
        for header, index, read, required in fields:
            raw = cells[index] if index < width else None
            if raw.__class__ is str:  # (inlined ``reading.cell``: this loop runs for every cell)
                raw = raw.strip() or None  # type: ignore[union-attr]
            elif raw.__class__ is dt.datetime and raw.time() == MIDNIGHT:  # type: ignore[union-attr]
                raw = raw.date()  # type: ignore[union-attr]
            raws[header] = raw
            if raw is None:
                values[header] = None
                if required:
                    row_errors.append((header, "不能为空"))
                continue
            blank = False
            try:
                values[header] = read(raw, ctx)
            except CellError as exc:
                values[header] = None
                row_errors.append((header, exc.message))
        if blank:
            continue  # an empty row (or one with only columns this kind does not read)
        for header in missing_optional:
            values[header] = None
        row = Row(number, values, raws, present)
        row.errors = row_errors
        if key_headers and not any(h == k for k in key_headers for h, _m in row_errors):
            key = tuple(values[k] for k in key_headers)
            if None not in key:
                first = keys_seen.setdefault(key, number)
                if first != number:
                    shown = "、".join(key_headers)
                    row.error(key_headers[0], f"与第{first}行重复（{shown}相同），同一记录只能出现一次")
        rows.append(row)
        if progress and len(rows) % PROGRESS_EVERY == 0:
            progress(len(rows), total * 2)
    result.rows = len(rows)
    if not rows:
        result.errors.append((None, "文件", f"表格中只有表头，没有数据行（“{kind.title}”的数据从第{layout.header_row + 1}行开始）"))
        return result
    kind.prepare(ctx, set(keys_seen))
    for i, row in enumerate(rows, start=1):
        plan = kind.check(row, ctx)
        result.warnings.extend((row.number, header, message) for header, message in row.warnings)
        if row.errors:
            result.failed_rows[row.number] = row.errors
            result.failed_cells[row.number] = row.raws
            errors.extend((row.number, header, message) for header, message in row.errors)
        elif plan is not None:
            plan.row = row.number
            result.plans.append(plan)
        else:
            result.skipped += 1
        if progress and i % PROGRESS_EVERY == 0:
            progress(len(rows) + i, len(rows) * 2)
    if progress:
        progress(len(rows) * 2, len(rows) * 2)
    return result


def apply(kind: ImportKind, checked: Checked, ctx: Context, *, progress: Progress | None = None) -> None:
    """Write the plans of a clean dry run in one transaction. Raises ``ImportRejected`` (with the row and
    column of the service's refusal) after rolling everything back."""
    if not checked.ok:
        raise ImportRejected(checked.errors)
    todo = [p for p in checked.plans if p.action != UNCHANGED]
    with transaction.atomic(), kind.writing(ctx), oplog.quiet():  # one log line per run, not per row
        for i, plan in enumerate(todo, start=1):
            try:
                kind.write(plan, ctx)
            except ServiceError as exc:
                raise ImportRejected([(plan.row, kind.header_for_field(exc.field), exc.message)]) from exc
            if progress and i % PROGRESS_EVERY == 0:
                progress(i, len(todo))
        try:
            kind.finish(ctx)
        except ServiceError as exc:
            raise ImportRejected([(None, kind.header_for_field(exc.field), exc.message)]) from exc
    if progress:
        progress(len(todo), len(todo))


def run_import(
    kind: ImportKind, data: bytes, filename: str, ctx: Context, *, progress: Progress | None = None,
    check_progress: Progress | None = None,
) -> Checked:
    """Check the file and, when it is clean, write it, both inside one transaction. Returns the check (its
    counts are what was written); raises ``ImportRejected`` when the file has problems or a service refused
    a row, with nothing written."""
    with transaction.atomic():
        checked = check_file(kind, data, filename, ctx, progress=check_progress)
        if not checked.ok:
            raise ImportRejected(checked.errors)
        apply(kind, checked, ctx, progress=progress)
    return checked
