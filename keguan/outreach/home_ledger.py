"""The needs ledger's 待办 on the home page: an owner's open needs raised more than 30 days ago, and (for staff
who manage the district's needs) new needs nobody owns yet."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from keguan.core.areas import Reminder
from keguan.core.permissions import may
from keguan.core.scope import scoped

from .models import Need, NeedStatus
from .rules import need_flow as flow
from .selectors.ledger import stale_before


def reminders(user, today: dt.date) -> list[Reminder]:
    out: list[Reminder] = []
    if getattr(user, "is_enterprise_user", False):
        return out
    url = reverse("outreach:needs")
    if may(user, "outreach.follow") or may(user, "outreach.manage"):
        n = scoped(Need, user).filter(owner=user, status__in=flow.OPEN, raised_on__lt=stale_before(today)).count()
        out.append(Reminder(f"您负责的 {n} 项企业需求提出已超过{flow.STALE_DAYS}天，尚未办结", n,
                            f"{url}?owner=me&stale=on", level="danger", icon="clipboard-check"))
    if may(user, "outreach.manage"):
        n = scoped(Need, user).filter(status=NeedStatus.NEW, owner__isnull=True).count()
        out.append(Reminder(f"{n} 项新提出的企业需求尚未指定跟进人", n, f"{url}?status=new&owner=none",
                            level="warning", icon="person-plus"))
    return out
