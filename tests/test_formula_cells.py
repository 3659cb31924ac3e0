"""Text that looks like a formula (a firm can type its own name) is written as text in every export: Excel
shows it and never evaluates it."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
from django.urls import reverse

from keguan.enterprises.models import Enterprise
from keguan.enterprises.services import enterprise_update, label_add
from keguan.pipeline import services as pipeline
from keguan.rd.services import rd_round_create

PLANTED = '=HYPERLINK("http://example.invalid","点此")'


def _cells(response) -> list:
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"], response.status_code
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def test_formula_like_text_is_inert_in_every_export(world, login):
    firm = Enterprise.objects.get(pk=world.ent_a2.pk)  # no qualification records: it may join a pool
    enterprise_update(enterprise=firm, actor=world.ent_user, name=PLANTED)
    label_add(enterprise=firm, actor=None, kind="above_size", level="none", year=2023)
    today = dt.date.today()
    pool = pipeline.pool_create(district=world.a, actor=None, start_year=today.year - 1, end_year=today.year + 1)
    pipeline.pool_add(pool=pool, enterprise=firm, actor=None, on=today, reason="入库")
    rd_round = rd_round_create(actor=None, district=world.a, year=2024, opened_on=today)
    assert rd_round.firms.filter(enterprise=firm).exists()
    c = login(world.staff)
    urls = [
        reverse("enterprises:export"),
        reverse("pipeline:precheck_export"),
        reverse("pipeline:pool_export", args=[pool.pk]),
        reverse("pipeline:pool_members_export"),
        reverse("rd:round_export", args=[rd_round.pk]),
        reverse("exchange:template", args=["rd_amounts"]) + f"?round={rd_round.pk}",
        reverse("exchange:export", args=["enterprises"]),
    ]
    for url in urls:
        planted = [cell for cell in _cells(c.get(url)) if str(cell.value).startswith("=HYPERLINK")]
        assert planted, f"{url}: the firm's name is missing"
        for cell in planted:
            assert cell.data_type == "s", (url, cell.coordinate, cell.data_type)  # text, not a formula
