"""The scope walker's view of 行政区划 (see ``keguan.core.scope_walk``)."""

from __future__ import annotations

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from keguan.core.scope_walk import BUREAU_SIDE, Walk, status


def csv_upload(name: str, rows: list[list[str]]) -> SimpleUploadedFile:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), content_type="text/csv")


def village_import(township) -> dict:
    """An upload of one village under ``township`` for the engine's page (``exchange:kind`` "villages")."""
    return {"file": csv_upload("村社区.csv", [["村/社区代码（12位）", "村/社区名称"], [f"{township.code}001", "范围测试社区"]])}


# The village list is imported and exported on the engine's pages (keguan.exchange.scope_walk walks them).
WALK = Walk(
    pk_kinds={"regions": "region"},
    page_status={
        "regions:tree": status(BUREAU_SIDE),
    },
    anchors={"regions.Region": lambda r: (r, None)},
)
