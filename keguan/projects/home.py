"""The area's 待办 on the home page: calls closing within 7 days (the bureau's, with their submissions; an
applicant's, when it has a draft under one), mid-term checks and acceptances due within 30 days, overdue ones."""

from __future__ import annotations

import datetime as dt

from django.urls import NoReverseMatch, reverse

from keguan.core.areas import Reminder
from keguan.core.permissions import may
from keguan.projects.selectors.manage import (
    CLOSING_DAYS,
    SOON_DAYS,
    closing_calls,
    due_summary,
    own_drafts_closing,
)

DUE_TEXT = {
    "midterm_soon": f"{{n}} 个项目的中期检查将在{SOON_DAYS}日内到期",
    "midterm_overdue": "{n} 个项目的中期检查已逾期",
    "acceptance_soon": f"{{n}} 个项目将在{SOON_DAYS}日内到验收时间",
    "acceptance_overdue": "{n} 个项目已过验收时间，尚未验收",
}


def _applicant_url() -> str:
    """The applicant's own list of applications (the applicant side's page), or the home page until it exists."""
    for name in ("projects:mine", "projects:my_applications", "projects:apply"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return reverse("core:home")


def reminders(user, today: dt.date) -> list[Reminder]:
    if may(user, "projects.view"):
        out = []
        calls = closing_calls(user=user, today=today)
        if calls:
            url = reverse("projects:applications")
            url += f"?call={calls[0].pk}" if len(calls) == 1 else "?closing=on"
            names = "、".join(f"“{c.title}”" for c in calls[:2]) + ("等" if len(calls) > 2 else "")
            received = sum(c.n_apps for c in calls)
            out.append(Reminder(f"{len(calls)} 个申报通知将在{CLOSING_DAYS}日内截止：{names}，已收到申报 {received} 份",
                                len(calls), url, level="info", icon="calendar-event", due=calls[0].closes_on))
        list_url = reverse("projects:applications")
        for code, (n, first) in due_summary(user=user, today=today).items():
            overdue = code.endswith("overdue")
            out.append(Reminder(DUE_TEXT[code].format(n=n), n, f"{list_url}?due={code}",
                                level="danger" if overdue else "warning", icon="clipboard-check", due=first))
        return out
    if user.enterprise_id is not None and may(user, "projects.apply"):
        drafts = own_drafts_closing(enterprise_id=user.enterprise_id, today=today)
        return [Reminder(f"“{a.title}”尚未提交，“{a.call.title}”将于{a.call.closes_on:%-m月%-d日}截止申报", 1,
                         _applicant_url(), icon="calendar-event", due=a.call.closes_on) for a in drafts[:3]]
    return []
