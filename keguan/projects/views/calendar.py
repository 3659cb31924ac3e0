"""申报日历: the application windows of a year, grouped by the month they close in (a list, phone friendly):
the bureau's own calls and the upward calls it tracks, and the windows other areas register
(``keguan.core.calendar``: 高企 batches …)."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from keguan.core.calendar import Window, windows_for
from keguan.core.permissions import demand
from keguan.projects.forms.manage import CalendarForm
from keguan.projects.models import Level
from keguan.projects.selectors.manage import calls_between

LEVEL_LABELS = dict(Level.choices)


def _concerns(call) -> str:
    parts = []
    if call.n_firms:
        parts.append(f"{call.n_firms}家企业")
    if call.n_orgs:
        parts.append(f"{call.n_orgs}家单位")
    return f"{'、'.join(parts)}申报{call.n_apps}项" if call.n_apps else "尚无申报"


def calendar_windows(user, *, year: int, level: str = "") -> list[Window]:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    url = reverse("projects:applications")
    out = [Window(c.title, LEVEL_LABELS.get(c.program.level, ""), c.opens_on, c.closes_on, f"{url}?call={c.pk}",
                  _concerns(c), "projects.call") for c in calls_between(user=user, start=start, end=end, level=level)]
    label = LEVEL_LABELS.get(level, "")
    out += [w for w in windows_for(user, start, end) if not level or w.level == label]
    return sorted(out, key=lambda w: (w.closes, w.title))


@require_GET
def calendar_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "projects.view")
    today = timezone.localdate()
    form = CalendarForm(request.GET or None)
    valid = not form.is_bound or form.is_valid()
    year = (form.cleaned_data.get("year") if form.is_bound and valid else None) or today.year
    level = (form.cleaned_data.get("level") if form.is_bound and valid else "") or ""
    windows = calendar_windows(request.user, year=year, level=level) if valid else []
    months = [(month, list(items)) for month, items in groupby(windows, key=lambda w: (w.closes.year, w.closes.month))]
    context = {"form": form, "year": year, "months": months, "today": today, "n": len(windows),
               "filtered": bool(level), "invalid": not valid}
    return render(request, "projects/manage/calendar.html", context)
