from __future__ import annotations

import io

import openpyxl
import pytest

from keguan.core import permissions
from keguan.exchange import registry
from tests.conftest import DISTRICT_A, credit_code

from .kinds import EXPORT_PERM, FIRMS, IMPORT_PERM, KILLING, REFUSING

TEST_PERMS = {
    IMPORT_PERM: "导入测试企业", EXPORT_PERM: "导出测试企业",
    # the enterprise register's, declared by its area.py on main
    "enterprises.import": "从Excel导入本区县企业", "enterprises.export": "导出企业名录",
    "enterprises.personal": "查看和导出企业联系人、电话等个人信息",
}


@pytest.fixture(autouse=True, scope="session")
def exchange_kinds():
    for code, label in TEST_PERMS.items():
        if code not in {p.code for p in permissions.all_permissions()}:
            permissions.register_permission(permissions.Permission(code, label), area=code.split(".")[0])
    for kind in (FIRMS, REFUSING, KILLING):
        registry.register(kind)
    yield
    for kind in (FIRMS, REFUSING, KILLING):
        registry.unregister(kind.code)


@pytest.fixture
def grant(monkeypatch):
    """Give non-superusers exactly these permission codes (``User.permission_codes`` comes with the role
    table on main; here it is stubbed)."""
    from keguan.accounts.models import User

    def _grant(*codes: str) -> None:
        monkeypatch.setattr(User, "permission_codes", lambda self: frozenset(codes), raising=False)

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
