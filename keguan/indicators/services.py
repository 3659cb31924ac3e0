"""Writing targets and reported values (each change kept in the history with who and when)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from keguan.core.errors import ImportRejected, ServiceError
from keguan.core.excel import build_xlsx
from keguan.core.permissions import may
from keguan.core.tabular import read_table
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


def _decimal(raw, *, field: str = "value") -> Decimal:
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except (InvalidOperation, ValueError) as exc:
        raise ServiceError(f"“{raw}”不是数字", field=field) from exc
    if not value.is_finite():
        raise ServiceError(f"“{raw}”不是数字", field=field)
    if value < 0:
        raise ServiceError("数值不能为负数", field=field)
    return value


@transaction.atomic
def target_set(*, actor, indicator: str, district: Region, year: int, value) -> Target | None:
    """Set (or with value None/'' clear) a district's yearly target."""
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
            current._change_reason = "清除目标"
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
    current._change_reason = "设定市定目标"
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


def targets_template_xlsx(*, city: Region, year: int) -> bytes:
    districts = Region.objects.filter(path__startswith=city.path, level=RegionLevel.COUNTY).order_by("code")
    inds = [i for i in registry.all_indicators() if i.targetable]
    existing = {(t.indicator, t.region_id): t.value for t in Target.objects.filter(region__in=districts, year=year)}
    headers = ["区县代码", "区县", *[f"{i.name}（{i.unit}）" for i in inds]]
    rows = [[d.code, d.name, *[existing.get((i.code, d.pk)) for i in inds]] for d in districts]
    note = (
        f"{city.name}{year}年市定目标。\n每行一个区县，每列一个指标；留空表示不设目标。区县代码和表头请勿修改。\n"
        "上传后系统逐格检查，有任何错误时整个文件都不会导入。"
    )
    return build_xlsx(title=f"{year}年目标", headers=headers, rows=rows, note=note,
                      widths=[10, 12, *[max(14, len(h) * 2) for h in headers[2:]]])


def targets_import(*, actor, city: Region, year: int, data: bytes, filename: str) -> int:
    inds = [i for i in registry.all_indicators() if i.targetable]
    columns = {f"{i.name}（{i.unit}）": i for i in inds}
    rows = read_table(data, filename, required=["区县代码"], optional=["区县", *columns])
    districts = {d.code: d for d in Region.objects.filter(path__startswith=city.path, level=RegionLevel.COUNTY)}
    errors: list[tuple[int | None, str, str]] = []
    plan: list[tuple[str, Region, Decimal | None]] = []
    present = set(rows[0].values) if rows else set()
    if not any(c in present for c in columns):
        raise ImportRejected([(1, "表头", "没有可识别的指标列，请使用下载的模板")])
    for row in rows:
        district = districts.get(row.text("区县代码"))
        if district is None:
            errors.append((row.number, "区县代码", f"“{row.text('区县代码')}”不是{city.name}的区县代码"))
            continue
        for header, ind in columns.items():
            if header not in row.values:
                continue
            raw = row.text(header)
            if raw == "":
                plan.append((ind.code, district, None))
                continue
            try:
                plan.append((ind.code, district, _decimal(raw)))
            except ServiceError as exc:
                errors.append((row.number, header, exc.message))
    if errors:
        raise ImportRejected(errors)
    with transaction.atomic():
        for code, district, value in plan:
            target_set(actor=actor, indicator=code, district=district, year=year, value=value)
    return sum(1 for *_, v in plan if v is not None)
