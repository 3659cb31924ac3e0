"""待办 of needs sent back by a commissioner (退回派单): for the district bureau that dispatches, the needs
waiting to be dispatched anew (→ the needs list, filtered to them). The other needs' 待办 are in ``logs``."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from keguan.core.areas import Reminder
from keguan.core.permissions import may

from ..selectors.demands import RETURNED, count_returned


def reminders(user, today: dt.date) -> list[Reminder]:
    if not may(user, "fieldwork.manage"):
        return []
    n = count_returned(user=user)
    return [
        Reminder(
            f"特派员退回的派单 {n} 项",
            n,
            f"{reverse('fieldwork:demands')}?status={RETURNED}",
            level="warning",
            icon="arrow-return-left",
        )
    ]
