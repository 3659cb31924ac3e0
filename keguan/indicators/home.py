"""The area's 待办 on the home page: statistics (人工填报 indicators) the city set this district a target for
and the district has not reported yet."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from keguan.core.areas import Reminder
from keguan.core.permissions import may

from . import registry
from .models import ReportedValue, Target
from .registry import Kind


def due_periods(today: dt.date) -> list[tuple[int, str]]:
    """(target year, period key) of the figures that can be reported by ``today``: last year's annual figure,
    and this year's first half from July on."""
    out = [(today.year - 1, str(today.year - 1))]
    if today.month >= 7:
        out.append((today.year, f"{today.year}H1"))
    return out


def reported_inputs(code: str) -> set[str]:
    """The 人工填报 indicators a target on ``code`` needs: itself, or what its ratio is made of."""
    ind = registry.get(code)
    if ind.kind == Kind.REPORTED:
        return {code}
    if ind.kind == Kind.RATIO:
        return reported_inputs(ind.numerator) | reported_inputs(ind.denominator)
    return set()


def missing_values(region, today: dt.date) -> list[tuple[int, str, str]]:
    """(year, period, indicator) ``region`` has to report because the city set it a target needing it (on the
    indicator or on a ratio made of it), and has not reported yet (two queries)."""
    periods = dict(due_periods(today))
    known = {i.code for i in registry.all_indicators()}
    needed = {
        (year, code)
        for year, target in Target.objects.filter(region=region, year__in=list(periods)).values_list("year", "indicator")
        if target in known
        for code in reported_inputs(target)
    }
    if not needed:
        return []
    stored = set(ReportedValue.objects.filter(region=region, period__in=list(periods.values()))
                 .values_list("period", "indicator"))
    return sorted((y, periods[y], code) for y, code in needed if (periods[y], code) not in stored)


def reminders(user, today: dt.date) -> list[Reminder]:
    if not may(user, "indicators.report_values") or user.region is None:
        return []
    missing = missing_values(user.region, today)
    out = []
    for year in sorted({y for y, _, _ in missing}):
        items = [m for m in missing if m[0] == year]
        names = "、".join(dict.fromkeys(registry.get(code).name for _, _, code in items))
        periods = "、".join(dict.fromkeys("上半年" if p.endswith("H1") else "全年" for _, p, _ in items))
        out.append(Reminder(f"市局已下达{year}年目标的统计数值尚未填报（{periods}）：{names}", len(items),
                            reverse("indicators:reported") + f"?year={year}", icon="pencil-square"))
    return out
