"""Bulk writes for demo and benchmark data, shared by the generator and the areas' demo steps: rows that
are not staff edits, written without signals (so without change history) and fast at 200,000 firms."""

from __future__ import annotations

from django.db import connection


def raw_delete(qs) -> None:
    """Delete without per-row signals: demo rows are not staff edits and need no history of their removal."""
    qs._raw_delete(qs.db)


def insert_rows(model, fields: list[str], rows: list[tuple]) -> None:
    """Rows already in database form into a child table: at 200,000 enterprises ``bulk_create`` spends most
    of the load building model instances and preparing values one by one. PostgreSQL gets them by COPY,
    SQLite by one prepared INSERT. No signals either way (``bulk_create`` sends none), so no history rows."""
    if not rows:
        return
    qn = connection.ops.quote_name
    table, columns = qn(model._meta.db_table), ", ".join(qn(model._meta.get_field(f).column) for f in fields)
    with connection.cursor() as cur:
        raw = cur.cursor
        if connection.vendor == "postgresql" and hasattr(raw, "copy"):  # psycopg 3
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cur.executemany(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})", rows)
