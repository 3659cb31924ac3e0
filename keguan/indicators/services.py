"""Writing targets and reported values (each change kept in the history with who and when)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from keguan.core.errors import ServiceError
from keguan.core.permissions import may
from keguan.regions.models import Region, RegionLevel
from keguan.rules.periods import Period

from . import registry
from .models import ReportedValue, Target
from .registry import Kind


def _check_city_staff(actor, district: Region) -> None:
    if actor is None or actor.is_superuser:
        return
    if not may(actor, "indicators.set_targets") or actor.region is None or not district.is_within(actor.region):
        raise PermissionDenied("只有市局人员可以设定本市各区县的目标")


# Targets and reported values are stored with 4 decimals in 20 digits; no indicator comes near a trillion.
VALUE_LIMIT = Decimal("1e12")


def _decimal(raw, *, field: str = "value") -> Decimal:
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except (InvalidOperation, ValueError) as exc:
        raise ServiceError(f"“{raw}”不是数字", field=field) from exc
    if not value.is_finite():
        raise ServiceError(f"“{raw}”不是数字", field=field)
    if value < 0:
        raise ServiceError("数值不能为负数", field=field)
    if value > VALUE_LIMIT:
        raise ServiceError(f"“{raw}”过大：数值不能超过 1 万亿（10¹²）", field=field)
    return value


@transaction.atomic
def target_set(*, actor, indicator: str, district: Region, year: int, value, reason: str = "") -> Target | None:
    """Set (or with value None/'' clear) a district's yearly target; ``reason`` goes into the history (an
    import names its file)."""
    ind = registry.get(indicator)
    if not ind.targetable:
        raise ServiceError(f"“{ind.name}”不设目标", field="indicator")
    if district.level != RegionLevel.COUNTY:
        raise ServiceError("目标只能设定到区县", field="region")
    _check_city_staff(actor, district)
    if not 2000 <= year <= timezone.localdate().year + 5:
        raise ServiceError("年度不合理", field="year")
    current = Target.objects.filter(indicator=indicator, region=district, year=year).first()
    if value in (None, ""):
        if current is not None:
            current._history_user = actor
            current._change_reason = (f"{reason}：清除目标" if reason else "清除目标")[:100]
            current.delete()
        return None
    amount = _decimal(value)
    if current is None:
        current = Target(indicator=indicator, region=district, year=year)
    elif current.value == amount:
        return current
    current.value = amount
    current.set_by = actor
    current._history_user = actor
    current._change_reason = (f"{reason}：设定市定目标" if reason else "设定市定目标")[:100]
    current.save()
    return current


@transaction.atomic
def reported_value_set(*, actor, indicator: str, region: Region, period: str, value, note: str = "") -> ReportedValue | None:
    ind = registry.get(indicator)
    if ind.kind != Kind.REPORTED:
        raise ServiceError(f"“{ind.name}”由系统计算，不能填报", field="indicator")
    if actor is not None and not actor.is_superuser:
        allowed = may(actor, "indicators.report_values")
        if not allowed or actor.region is None or not region.is_within(actor.region):
            raise PermissionDenied("只能填报本辖区的数值")
    key = Period.parse(period).key
    current = ReportedValue.objects.filter(indicator=indicator, region=region, period=key).first()
    if value in (None, ""):
        if current is not None:
            current._history_user = actor
            current.delete()
        return None
    amount = _decimal(value)
    if current is None:
        current = ReportedValue(indicator=indicator, region=region, period=key)
    current.value = amount
    current.note = note
    current.updated_by = actor
    current._history_user = actor
    current._change_reason = "填报数值"
    current.save()
    return current
