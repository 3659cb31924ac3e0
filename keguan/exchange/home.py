"""The area's 待办 on the home page: the user's own imports that failed lately and were not redone."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef
from django.urls import reverse

from keguan.core.areas import Reminder
from keguan.core.permissions import may

from .models import ImportRun, RunStatus

FAILED = (RunStatus.FAILED, RunStatus.ERROR)
RECENT_DAYS = 14


def failed_runs(user, today: dt.date):
    """The user's imports of the last two weeks that did not pass (检查未通过, 导入失败) and that no later upload
    of the same kind into the same region has redone."""
    redone = ImportRun.objects.filter(
        user=user, kind=OuterRef("kind"), region=OuterRef("region"), started_at__gt=OuterRef("started_at")
    ).exclude(status__in=FAILED)
    since = dt.datetime.combine(today - dt.timedelta(days=RECENT_DAYS), dt.time.min, tzinfo=dt.UTC)
    return ImportRun.objects.filter(user=user, status__in=FAILED, started_at__gte=since).exclude(Exists(redone))


def reminders(user, today: dt.date) -> list[Reminder]:
    if not may(user, "exchange.view"):
        return []
    runs = list(failed_runs(user, today).values_list("id", flat=True))  # a handful at most
    if not runs:
        return []
    count = len(runs)
    url = reverse("exchange:run", args=[runs[0]]) if count == 1 else reverse("exchange:history")
    return [Reminder(f"您有 {count} 次导入未成功（检查未通过或导入失败），请修改文件后重新导入", count, url,
                     level="danger", icon="exclamation-triangle")]
