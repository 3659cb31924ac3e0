"""Named permissions: the one role → permission table, the administrator's grants and withdrawals (audited),
personal data only for the roles that need it, and no role comparisons outside the table."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from keguan.accounts.models import Role, RolePermission, User
from keguan.accounts.services import role_permission_set
from keguan.core import areas
from keguan.core.errors import ServiceError
from keguan.core.permissions import all_permissions, defaults_for, effective, get_permission, may

ROOT = Path(__file__).resolve().parent.parent / "keguan"


@pytest.fixture
def root(db):
    return User.objects.create_superuser("perm_root", password="x")


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_defaults_keep_each_roles_work():
    staff, city, town, expert, ent = (defaults_for(r) for r in (
        Role.DISTRICT_STAFF, Role.CITY_STAFF, Role.TOWNSHIP_LIAISON, Role.COMMISSIONER, Role.ENTERPRISE))
    assert {"enterprises.edit", "pipeline.write", "rd.write", "reports.generate", "accounts.manage"} <= staff
    assert {"indicators.set_targets", "indicators.city", "pipeline.batches"} <= city
    assert not {"enterprises.edit", "pipeline.write", "rd.write"} & city  # the city reads its districts' records
    assert "indicators.set_targets" not in staff
    assert {"enterprises.view", "enterprises.export", "enterprises.personal"} <= town
    assert "enterprises.view" in expert and not {"enterprises.export", "enterprises.personal"} & expert
    assert ent == {"enterprises.edit_own", "enterprises.personal", "pipeline.self_check", "pipeline.records", "notices.view",
                   "projects.apply", "fieldwork.request", "outreach.respond"}
    assert "projects.review" in expert and "projects.view" not in expert  # an expert sees what it is asked to review
    assert "accounts.roles" not in set().union(*(defaults_for(r) for r in Role.values))  # administrator only


def test_every_permission_belongs_to_a_registered_area():
    codes = {a.code for a in areas.all_areas()}
    for perm in all_permissions():
        assert perm.area in codes, perm.code
        assert perm.label and perm.roles <= set(Role.values), perm.code


def test_effective_applies_grants_and_withdrawals_and_ignores_gone_permissions():
    base = defaults_for(Role.COMMISSIONER)
    got = effective(Role.COMMISSIONER, [("enterprises.export", True), ("enterprises.view", False), ("gone.x", True)])
    assert got == (base | {"enterprises.export"}) - {"enterprises.view"}


def test_may_refuses_anonymous_and_inactive_and_rejects_unknown_codes(world):
    assert may(world.staff, "rd.write") and not may(world.expert, "rd.write")
    assert not may(AnonymousUser(), "rd.view")
    world.staff.is_active = False
    assert not may(world.staff, "rd.write")
    with pytest.raises(ImproperlyConfigured):
        may(world.city_user, "rd.wirte")  # a typo is a programming error, never a silent refusal


def test_grant_and_withdraw_are_audited_and_take_effect(world, root):
    assert not may(world.expert, "enterprises.export")
    role_permission_set(actor=root, role=Role.COMMISSIONER, permission="enterprises.export", granted=True)
    fresh = User.objects.get(pk=world.expert.pk)  # (permissions are read once per user object: one request)
    assert may(fresh, "enterprises.export")
    role_permission_set(actor=root, role=Role.DISTRICT_STAFF, permission="rd.write", granted=False)
    staff = User.objects.get(pk=world.staff.pk)
    assert not may(staff, "rd.write") and may(User.objects.get(pk=world.leader.pk), "rd.write")
    # back to the default: the override row goes, the history keeps who did what
    role_permission_set(actor=root, role=Role.DISTRICT_STAFF, permission="rd.write", granted=True)
    assert not RolePermission.objects.filter(role=Role.DISTRICT_STAFF).exists()
    assert may(User.objects.get(pk=world.staff.pk), "rd.write")
    history = list(RolePermission.history.order_by("history_date").values_list("history_type", "history_user", "role"))
    assert [h[0] for h in history] == ["+", "+", "-"]
    assert {h[1] for h in history} == {root.pk}


def test_only_the_administrator_changes_the_table(world, root):
    with pytest.raises(PermissionDenied):
        role_permission_set(actor=world.city_user, role=Role.COMMISSIONER, permission="enterprises.export", granted=True)
    with pytest.raises(ServiceError):
        role_permission_set(actor=root, role="boss", permission="enterprises.export", granted=True)
    with pytest.raises(ServiceError):
        role_permission_set(actor=root, role=Role.COMMISSIONER, permission="no.such", granted=True)
    assert not RolePermission.objects.exists()


def test_roles_page(world, root):
    assert _client(world.city_user).get(reverse("accounts:roles")).status_code == 403
    c = _client(root)
    page = c.get(reverse("accounts:roles"))
    assert page.status_code == 200
    text = page.content.decode()
    for perm in all_permissions():
        assert perm.code in text
    assert "尚未调整" in text
    r = c.post(reverse("accounts:roles"), {"role": Role.COMMISSIONER, "permission": "enterprises.export", "granted": "1"})
    assert r.status_code == 302
    text = c.get(reverse("accounts:roles")).content.decode()
    assert "已调整" in text and "授予" in text and root.username in text or root.display_name in text
    # the expert's menu and export follow at once
    expert = _client(world.expert)
    assert expert.get(reverse("enterprises:export")).status_code == 200


def _export_rows(client) -> list[tuple]:
    response = client.get(reverse("enterprises:export"))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    return list(ws.iter_rows(values_only=True))


def test_contacts_go_only_to_roles_that_need_them(world, login):
    phone = world.ent_a.contact_phone
    assert phone
    c = _client(world.staff)
    rows = _export_rows(c)
    assert any(phone in (r or "") for row in rows for r in row if isinstance(r, str))
    assert phone in c.get(reverse("enterprises:detail", args=[world.ent_a.pk])).content.decode()
    # city staff compare districts: the firms, not their contacts
    city = _client(world.city_user)
    rows = _export_rows(city)
    header = rows[0]
    assert "联系电话" in header
    col = header.index("联系电话")
    assert all(not row[col] for row in rows[1:])
    assert phone not in city.get(reverse("enterprises:detail", args=[world.ent_a.pk])).content.decode()
    # a commissioner only views: no export, no phones
    expert = _client(world.expert)
    assert expert.get(reverse("enterprises:export")).status_code == 403
    assert phone not in expert.get(reverse("enterprises:detail", args=[world.ent_a.pk])).content.decode()
    # the firm's own contact sees its own
    assert phone in _client(world.ent_user).get(reverse("enterprises:detail", args=[world.ent_a.pk])).content.decode()


def test_menu_follows_permissions(world, root):
    def labels(user) -> set[str]:
        response = _client(user).get(reverse("accounts:password_change"))
        return {item.label for group in response.context["menu"] for item in group.items}

    assert "角色权限" in labels(root) and "角色权限" not in labels(world.staff)
    assert "研发经费填报" in labels(world.staff) and "研发经费填报" not in labels(world.expert)
    role_permission_set(actor=root, role=Role.COMMISSIONER, permission="rd.view", granted=True)
    assert "研发经费填报" in labels(User.objects.get(pk=world.expert.pk))


# --- no role comparisons outside the table ---------------------------------------------------------------

# Where roles may be named: the role vocabulary and permission table, the account ladder (who may create
# which accounts), the areas' permission declarations, and the demo generator that makes the accounts.
ROLE_ALLOWED = ("core/roles.py", "core/permissions.py", "accounts/", "demo/", "/demo.py", "/demo_", "/area.py",
                "/migrations/")
ROLE_PATTERNS = [
    re.compile(r"\.role\s*(==|!=|\bin\b|\bnot in\b)"),
    re.compile(r"\bRole\.[A-Z_]+\b"),
    re.compile(r"_ROLES\b"),
    re.compile(r"user\.region\.level|\.region\.level\s*(==|!=|<|>)"),
]


def test_no_role_or_user_level_comparisons_outside_the_permission_table():
    offenders = []
    for path in sorted(ROOT.rglob("*")):
        if path.suffix not in (".py", ".html"):
            continue
        rel = path.relative_to(ROOT).as_posix()
        if any(part in f"/{rel}" for part in ROLE_ALLOWED):
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if any(p.search(line) for p in ROLE_PATTERNS):
                offenders.append(f"keguan/{rel}:{n}: {line.strip()}")
    assert not offenders, "ask keguan.core.permissions.may / keguan.core.scope instead:\n" + "\n".join(offenders)


def test_every_permission_named_in_code_and_templates_is_registered():
    used: set[tuple[str, str]] = set()
    code_re = re.compile(r"""(?:may|demand|require)\([^)]*?["']([a-z_]+\.[a-z_]+)["']""")
    tpl_re = re.compile(r"\bmay\.([a-z_]+)\.([a-z_]+)")
    entry_re = re.compile(r"""Entry\([^)]*["']([a-z_]+\.[a-z_]+)["']\)""")
    for path in ROOT.rglob("*"):
        if path.suffix == ".py":
            text = path.read_text(encoding="utf-8")
            used |= {(m, str(path)) for m in code_re.findall(text) + entry_re.findall(text)}
        elif path.suffix == ".html":
            used |= {(f"{a}.{b}", str(path)) for a, b in tpl_re.findall(path.read_text(encoding="utf-8"))}
    assert len(used) > 30
    for code, where in sorted(used):
        try:
            get_permission(code)
        except ImproperlyConfigured:
            pytest.fail(f"{where} names the unregistered permission {code}")


def test_scope_levels_agree_with_the_region_levels():
    from keguan.core import scope
    from keguan.regions.models import RegionLevel

    assert (scope.COUNTY_LEVEL, scope.TOWNSHIP_LEVEL, scope.VILLAGE_LEVEL) == (
        RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE)


def test_the_menu_lights_up_the_area_of_the_page_not_the_home_page(world):
    def active(user, path: str) -> list[str]:
        response = _client(user).get(path)
        assert response.status_code == 200, (user, path)
        return [item.label for group in response.context["menu"] for item in group.items if item.active]

    records = reverse("pipeline:records", args=[world.ent_a.pk])
    for user in (world.staff, world.leader, world.expert, world.city_user):
        assert active(user, "/") == ["首页"]
        assert "首页" not in active(user, records), user
    assert active(world.staff, records) == ["企业库"]


def test_users_holding_follows_the_administrators_grants_and_withdrawals(world):
    from keguan.accounts.models import RolePermission
    from keguan.accounts.selectors import roles_holding, users_holding

    assert roles_holding("fieldwork.log") == {Role.COMMISSIONER}
    assert set(users_holding("fieldwork.log")) >= {world.expert} and world.staff not in users_holding("fieldwork.log")
    RolePermission.objects.create(role=Role.COMMISSIONER, permission="fieldwork.log", granted=False)
    RolePermission.objects.create(role=Role.TOWNSHIP_LIAISON, permission="fieldwork.log", granted=True)
    assert roles_holding("fieldwork.log") == {Role.TOWNSHIP_LIAISON}
    assert world.town in users_holding("fieldwork.log") and world.expert not in users_holding("fieldwork.log")
