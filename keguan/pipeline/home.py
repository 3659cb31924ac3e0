"""The area's 待办 on the home page: 高企 certificates due for re-recognition."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from keguan.core.areas import HomePanel, Reminder
from keguan.core.permissions import may

from .selectors import firms_to_serve, renewal_due_count, visits_recorded_by


def reminders(user, today: dt.date) -> list[Reminder]:
    """The home page's 待办 of this area: certificates due for re-recognition."""
    if not may(user, "pipeline.view"):
        return []
    due = renewal_due_count(user=user, today=today)
    return [Reminder(f"有 {due} 家高新技术企业的证书将在6个月内到期，尚未组织重新认定", due,
                     reverse("pipeline:certificates") + "?state=renew", icon="alarm")]


def served_panel(user) -> HomePanel | None:
    """For field staff who follow firms rather than run the bureau's lists (科技特派员/专家, township staff): the
    firms of their area on the way to 高企 — 培育库 first, then 科小 — the least recently tutored first, with the
    last visit and its next step, and the visits they recorded themselves."""
    if not may(user, "pipeline.records") or may(user, "pipeline.view") or user.is_enterprise_user:
        return None
    firms, total = firms_to_serve(user=user)
    return HomePanel("pipeline/_home_served.html",
                     {"served_firms": firms, "served_total": total, "served_visits": visits_recorded_by(user=user)}, order=5)
