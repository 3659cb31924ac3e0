"""The registry's card on the home page (firms by stage, and by district or township) and an enterprise user's
待办 (its yearly figures)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from keguan.core.areas import HomePanel, Reminder
from keguan.core.permissions import may

from .models import STAGE_DEFINITIONS, EnterpriseYear, Stage
from .selectors import counts_by_area, counts_by_stage


def stage_panel(user) -> HomePanel | None:
    if not may(user, "enterprises.view"):
        return None
    stage_counts = counts_by_stage(user=user)
    context = {
        "stage_counts": [(value, label, n, STAGE_DEFINITIONS.get(value, "")) for value, label, n in stage_counts],
        "hnte_valid": sum(n for value, _, n in stage_counts if value in (Stage.HNTE, Stage.LEADER)),
        "stages": Stage.choices,
        "area_rows": counts_by_area(user=user, region=user.region) if user.region is not None else [],
        "total": sum(n for _, _, n in stage_counts),
    }
    return HomePanel("enterprises/_home_stages.html", context, order=10)


def reminders(user, today: dt.date) -> list[Reminder]:
    """An enterprise user's 待办: last year's figures not yet filled in."""
    if user.enterprise_id is None or not may(user, "enterprises.edit_own"):
        return []
    year = today.year - 1
    if EnterpriseYear.objects.filter(enterprise_id=user.enterprise_id, year=year).exists():
        return []
    return [Reminder(f"本企业{year}年度数据（营业收入、研发费用、职工人数等）尚未填报", 1,
                     reverse("enterprises:year_create", args=[user.enterprise_id]) + f"?year={year}",
                     icon="clipboard-data")]
