"""Kinds found through the areas' declarations and direct registration; the .xls size guard."""

from __future__ import annotations

import pytest

from keguan.core import areas
from keguan.core.errors import ImportRejected
from keguan.core.reading import XLS_MAGIC, read_grid
from keguan.exchange import registry

from .kinds import FIRMS, REFUSING


def test_kinds_come_from_the_areas_and_the_direct_registrations(monkeypatch):
    area = areas.Area(code="exchangetest", title="测试", order=999, app="tests.exchange",
                      kinds=("tests.exchange.kinds.REFUSING", "tests.exchange.kinds:FIRMS"))
    monkeypatch.setitem(areas._AREAS, area.code, area)
    found = registry.all_kinds()
    codes = [k.code for k in found]
    assert codes.count("testfirms") == 1 and codes.count("testrefusing") == 1  # declared and registered: once
    assert registry.get_kind("testrefusing") is REFUSING and registry.get_kind("testfirms") is FIRMS
    with pytest.raises(KeyError):
        registry.get_kind("nosuch")


def test_a_kind_cannot_take_a_code_twice_or_the_runs_url():
    other = type(FIRMS)()
    with pytest.raises(ValueError, match="twice"):
        registry.register(other)

    class Runs(type(FIRMS)):
        code = "runs"

    with pytest.raises(ValueError, match="runs"):
        registry.register(Runs())


def test_an_xls_declaring_a_huge_sheet_is_refused_before_it_is_read():
    dimensions = b"\x00\x02\x0e\x00" + (0).to_bytes(4, "little") + (60000).to_bytes(4, "little") \
        + (0).to_bytes(2, "little") + (250).to_bytes(2, "little") + b"\0\0"
    with pytest.raises(ImportRejected) as exc:
        read_grid(XLS_MAGIC + b"\0" * 512 + dimensions + b"\0" * 512, "old.xls")
    assert "最多200列" in exc.value.errors[0][2]
