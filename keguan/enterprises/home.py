"""The registry's card on the home page: firms by stage, and by district or township."""

from __future__ import annotations

from keguan.core.areas import HomePanel
from keguan.core.permissions import may

from .models import Stage
from .selectors import counts_by_area, counts_by_stage


def stage_panel(user) -> HomePanel | None:
    if not may(user, "enterprises.view"):
        return None
    stage_counts = counts_by_stage(user=user)
    context = {
        "stage_counts": stage_counts,
        "stages": Stage.choices,
        "area_rows": counts_by_area(user=user, region=user.region) if user.region is not None else [],
        "total": sum(n for _, _, n in stage_counts),
    }
    return HomePanel("enterprises/_home_stages.html", context, order=10)
