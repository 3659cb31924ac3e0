"""科技活动's section of a firm's page (一企一策, ``keguan.enterprises.hooks.firm_section``): the events the firm
took part in or was sent to (路演, 对接会, 培训 …), newest first, with how it took part and what came of it. The
firm's own users see their firm's rows (without links: the event pages are the bureau's)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from keguan.core import dictionary
from keguan.core.permissions import may
from keguan.enterprises.hooks import FirmRow, FirmSection

from .selectors.events import firm_events

ROWS = 5


def firm_section(user, enterprise) -> FirmSection | None:
    staff = may(user, "outreach.view")
    if not staff and user.enterprise_id != enterprise.pk:
        return None
    rows = firm_events(user=user, enterprise=enterprise)
    total = rows.count()
    kinds = {i.code: i.label for i in dictionary.items("event_kind")}
    shown = tuple(
        FirmRow(f"{f.event.starts_on:%Y-%m-%d} {f.event.title}",
                "，".join(x for x in (kinds.get(f.event.kind, ""), f.get_role_display(), f.outcome) if x),
                reverse("outreach:event", args=[f.event_id]) if staff else "")
        for f in rows[:ROWS])
    more = reverse("outreach:events") + "?" + urlencode({"enterprise": enterprise.pk}) if staff and total else ""
    return FirmSection("科技活动", "megaphone", 45, rows=shown, summary=f"参加科技活动{total}次" if total else "",
                       more_url=more, empty="暂无参加科技活动的记录")
