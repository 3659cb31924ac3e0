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
