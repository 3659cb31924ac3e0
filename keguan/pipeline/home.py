"""The area's 待办 on the home page: 高企 certificates due for re-recognition (the district's list; for an
enterprise user, its own certificate, with the self-check to prepare the application)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from keguan.core.areas import HomePanel, Reminder
from keguan.core.permissions import may

from .selectors import firms_to_serve, renewal_due_summary, visits_recorded_by


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


def served_panel(user) -> HomePanel | None:
    """For field staff who follow firms rather than run the bureau's lists (科技特派员/专家, township staff): the
    firms of their area on the way to 高企 — 培育库 first, then 科小 — the least recently tutored first, with the
    last visit and its next step, and the visits they recorded themselves."""
    if not may(user, "pipeline.records") or may(user, "pipeline.view") or user.is_enterprise_user:
        return None
    firms, total = firms_to_serve(user=user)
    return HomePanel("pipeline/_home_served.html",
                     {"served_firms": firms, "served_total": total, "served_visits": visits_recorded_by(user=user)}, order=5)
