"""高企 batches in the 申报日历 (``keguan.core.calendar``): a batch is open from the start of its year until its
deadline, and concerns the firms (in the user's scope) with an application in it."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.urls import reverse

from keguan.core.calendar import Window
from keguan.core.permissions import may
from keguan.core.scope import scoped

from .models import HnteApplication, HnteBatch


def hnte_windows(user, start: dt.date, end: dt.date) -> list[Window]:
    if not may(user, "pipeline.view"):
        return []
    batches = list(HnteBatch.objects.filter(deadline__isnull=False, deadline__gte=start, year__lte=end.year))
    if not batches:
        return []
    counts = dict(scoped(HnteApplication, user).filter(batch__in=batches).order_by().values_list("batch")
                  .annotate(n=Count("enterprise", distinct=True)).values_list("batch", "n"))
    url = reverse("pipeline:applications")
    return [Window(f"高新技术企业认定 {b}", "省级", dt.date(b.year, 1, 1), b.deadline, f"{url}?batch={b.pk}",
                   f"{counts.get(b.pk, 0)}家企业") for b in batches]
