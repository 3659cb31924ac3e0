"""The area's 待办 on the home page: 高企 certificates due for re-recognition."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from keguan.core.areas import Reminder
from keguan.core.permissions import may

from .selectors import renewal_due_count


def reminders(user, today: dt.date) -> list[Reminder]:
    """The home page's 待办 of this area: certificates due for re-recognition."""
    if not may(user, "pipeline.view"):
        return []
    due = renewal_due_count(user=user, today=today)
    return [Reminder(f"有 {due} 家高新技术企业的证书将在6个月内到期，尚未组织重新认定", due,
                     reverse("pipeline:certificates") + "?state=renew", icon="alarm")]
