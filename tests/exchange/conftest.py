from __future__ import annotations

import io

import openpyxl
import pytest

from keguan.core import permissions
from keguan.exchange import registry
from tests.conftest import DISTRICT_A, credit_code

from .kinds import EXPORT_PERM, FIRMS, IMPORT_PERM, KILLING, REFUSING

# the test kinds' permissions, under the engine's own area (every permission belongs to a registered area)
TEST_PERMS = {IMPORT_PERM: "导入测试企业", EXPORT_PERM: "导出测试企业"}


@pytest.fixture(autouse=True, scope="session")
def exchange_kinds():
    for code, label in TEST_PERMS.items():
        if code not in {p.code for p in permissions.all_permissions()}:
            permissions.register_permission(permissions.Permission(code, label), area="exchange")
    for kind in (FIRMS, REFUSING, KILLING):
        registry.register(kind)
    yield
    for kind in (FIRMS, REFUSING, KILLING):
        registry.unregister(kind.code)


@pytest.fixture
def grant(monkeypatch):
    """Give non-superusers exactly these permission codes and ``exchange.view`` (instead of their roles')."""
    from keguan.accounts.models import User

    def _grant(*codes: str) -> None:
        granted = frozenset({"exchange.view", *codes})  # (the pages' entry permission, held by every bureau)
        monkeypatch.setattr(User, "permission_codes", lambda self: granted, raising=False)

    return _grant


def xlsx(rows, *, title=None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def code(n: int) -> str:
    return credit_code(DISTRICT_A, 500 + n)
