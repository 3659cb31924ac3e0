"""The area's 待办 on the home page: 高企 certificates due for re-recognition (the district's list; for an
enterprise user, its own certificate, with the self-check to prepare the application)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from keguan.core.areas import Reminder
from keguan.core.permissions import may

from .selectors import renewal_due_summary


def reminders(user, today: dt.date) -> list[Reminder]:
    """The home page's 待办 of this area: certificates due for re-recognition."""
    if may(user, "pipeline.view"):
        due, soonest = renewal_due_summary(user=user, today=today)
        return [Reminder(f"有 {due} 家高新技术企业的证书将在6个月内到期，尚未组织重新认定", due,
                         reverse("pipeline:certificates") + "?state=renew", icon="alarm", due=soonest)]
    if may(user, "pipeline.self_check") and user.enterprise_id is not None:
        due, soonest = renewal_due_summary(user=user, today=today)
        return [Reminder("本企业的高新技术企业证书将在6个月内到期，请做高企自评并准备重新认定申报", due,
                         reverse("pipeline:self_check"), icon="alarm", due=soonest)]
    return []
