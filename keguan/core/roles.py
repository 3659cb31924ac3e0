"""The roles of keguan's accounts and the groups the areas' permission declarations (``area.py``) name as
default holders. Only the role → permission table (``keguan.core.permissions``) is built from these: code
asks for permissions, never for roles."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    CITY_STAFF = "city_staff", "市局人员"
    DISTRICT_LEADER = "district_leader", "区局领导"
    DISTRICT_STAFF = "district_staff", "区局科员"
    TOWNSHIP_LIAISON = "township_liaison", "乡镇专干"
    ENTERPRISE = "enterprise", "企业用户"
    COMMISSIONER = "commissioner", "科技特派员/专家"


CITY = frozenset({Role.CITY_STAFF})
DISTRICT_EDITORS = frozenset({Role.DISTRICT_LEADER, Role.DISTRICT_STAFF})
BUREAU = CITY | DISTRICT_EDITORS
TOWNSHIP = frozenset({Role.TOWNSHIP_LIAISON})
COMMISSIONERS = frozenset({Role.COMMISSIONER})
FIELD_STAFF = BUREAU | TOWNSHIP | COMMISSIONERS  # every government-side account
ENTERPRISE = frozenset({Role.ENTERPRISE})
EVERYONE = FIELD_STAFF | ENTERPRISE


# The role groups a notice (通知公告, keguan.notices) is addressed to: code → (label, the roles in it).
AUDIENCE_GROUPS: dict[str, tuple[str, frozenset[str]]] = {
    "city": ("市局人员", CITY),
    "district": ("区县科技局（领导、科员）", DISTRICT_EDITORS),
    "township": ("乡镇（街道）专干", TOWNSHIP),
    "commissioner": ("科技特派员/专家", COMMISSIONERS),
    "enterprise": ("企业用户", ENTERPRISE),
}


def audience_groups_of(user) -> list[str]:
    """The audience groups ``user`` belongs to (by its role)."""
    return [code for code, (_label, roles) in AUDIENCE_GROUPS.items() if user.role in roles]
