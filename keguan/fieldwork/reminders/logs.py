"""待办 of service logs and needs, one ``Reminder`` per kind of work (a count and the list where it is done):

* staff — commissioners in service without a log for 30 days (→ the monthly table, filtered to them) and,
  for the district bureau that dispatches, needs waiting for dispatch (→ the needs list);
* a commissioner — needs dispatched to it not yet done, and its own 30 days without a log;
* a requester (township liaison, enterprise) — completed needs waiting for its feedback."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from keguan.core.areas import Reminder
from keguan.core.permissions import may

from ..selectors.demands import count_feedback_missing, count_new, count_to_do
from ..selectors.logs import SILENT_DAYS, own_commissioner, own_silent, silent_count


def reminders(user, today: dt.date) -> list[Reminder]:
    out: list[Reminder] = []
    demands = reverse("fieldwork:demands")
    if may(user, "fieldwork.view"):
        n = silent_count(user=user, today=today)
        out.append(Reminder(f"{n} 名在岗科技特派员已超过{SILENT_DAYS}天没有服务日志", n,
                            reverse("fieldwork:log_counts") + "?silent=1", icon="person-exclamation"))
    if may(user, "fieldwork.manage"):
        n = count_new(user=user)
        out.append(Reminder(f"{n} 项服务需求待派单", n, f"{demands}?status=new", icon="send"))
    if may(user, "fieldwork.log"):
        commissioner = own_commissioner(user)
        if commissioner is not None:
            n = count_to_do(commissioner=commissioner)
            out.append(Reminder(f"{n} 项派给您的服务需求尚未完成", n, f"{demands}?status=open", icon="send"))
            silent, last = own_silent(commissioner=commissioner, today=today)
            if silent:
                since = f"上次填报是{last:%-m月%-d日}" if last else "还没有填报过"
                out.append(Reminder(f"您已超过{SILENT_DAYS}天没有填报服务日志（{since}）", 1,
                                    reverse("fieldwork:log_create"), icon="journal-plus"))
    if may(user, "fieldwork.request"):
        n = count_feedback_missing(user=user)
        out.append(Reminder(f"{n} 项服务需求已完成，请评价服务", n, f"{demands}?feedback=missing", level="info",
                            icon="chat-square-heart"))
    return out
