"""The scope walker's view of 目标考核 (see ``keguan.core.scope_walk``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from keguan.core.scope_walk import EDITORS, MANAGERS, SceneContext, Walk, Write, status

from . import registry
from .models import ReportedValue, Target


def _targetable() -> list:
    return [i for i in registry.all_indicators() if i.targetable]


def _targets_form(district) -> dict:
    return {"year": 2024, **{f"t-{i.code}-{district.pk}": "5" for i in _targetable()}}


def _reported_form(_: Any) -> dict:
    codes = [i.code for i in registry.all_indicators() if i.kind == "reported"]
    return {"year": 2024, **{f"v-{code}-{p}": "100" for code in codes for p in ("2024", "2024H1")}}


def _scene(ctx: SceneContext) -> dict:
    for r in ("city", "a", "a_town", "a_town2", "b", "b_town", "far_district"):
        ReportedValue.objects.create(indicator="gdp", region=ctx.regions[r], period="2023", value=Decimal("1"))
    for r in ctx.districts:
        Target.objects.create(indicator="ent_new_hnte", region=ctx.regions[r], year=2023, value=Decimal("1"))
    return {}


WALK = Walk(
    writes={
        "indicators:targets": Write(frozenset({"city"}), _targets_form, target="district", readers=EDITORS),
        "indicators:reported": Write(EDITORS | {"city"}, _reported_form),
    },
    page_status={
        "indicators:dashboard": status(MANAGERS),
        "indicators:city_export": status({"city"}),
    },
    anchors={
        "indicators.ReportedValue": lambda x: (x.region, None),
        "indicators.Target": lambda x: (x.region, None),
    },
    scene=_scene,
)
