"""The area's 待办: foreign experts in service whose work permit has expired or expires within 60 days (one
reminder, at the expert list filtered to them, due on the earliest expiry)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from keguan.core.areas import Reminder
from keguan.core.permissions import may

from .selectors import PERMIT_DAYS, permits_due


def reminders(user, today: dt.date) -> list[Reminder]:
    if not may(user, "resources.view"):
        return []
    n, first = permits_due(user=user, today=today)
    if not n:
        return []
    return [Reminder(f"外国专家工作许可已过期或{PERMIT_DAYS}天内到期：{n} 人（在聘）", n,
                     reverse("resources:experts") + "?permit=due", icon="globe2", due=first,
                     level="danger" if first is not None and first < today else "warning")]
