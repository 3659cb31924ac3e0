"""待办 of 责任状: for the bureau that signs them (``fieldwork.manage``), this year's letters registered but not
yet signed — no 签订日期 and not assessed, the list's 未签订 — with a link to the list filtered to them.

Commissioners in service without any letter for the year are not counted here: a bureau registers a letter
when it drafts the goals, and the 待办 is to get the drafted ones signed."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from keguan.core.areas import Reminder
from keguan.core.permissions import may

from ..selectors.letters import UNSIGNED, unsigned_count


def reminders(user, today: dt.date) -> list[Reminder]:
    if not may(user, "fieldwork.manage"):
        return []
    n = unsigned_count(user=user, year=today.year)
    url = reverse("fieldwork:letters") + f"?year={today.year}&status={UNSIGNED}"
    return [Reminder(f"{n} 份{today.year}年度科技特派员责任状尚未签订", n, url, icon="file-earmark-check")]
