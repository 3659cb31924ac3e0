"""The registry's card on the home page: firms by stage, and by district or township."""

from __future__ import annotations

from keguan.core.areas import HomePanel
from keguan.core.permissions import may

from .models import STAGE_DEFINITIONS, Stage
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
