"""The ledger's section of a firm's page (一企一策, ``keguan.enterprises.hooks.firm_section``): the firm's needs
with their status and its visits, with 登记走访 / 登记需求 for staff who manage the district's records (and
提出需求 for the firm itself)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from keguan.core.permissions import may
from keguan.core.scope import scoped
from keguan.enterprises.hooks import FirmRow, FirmSection

from .models import Need, Visit
from .rules import need_flow as flow

ROWS = 6


def firm_section(user, enterprise) -> FirmSection | None:
    own = user.enterprise_id == enterprise.pk and may(user, "outreach.respond")
    if not own and not may(user, "outreach.view"):
        return None
    needs = scoped(Need, user).filter(enterprise=enterprise)
    statuses = list(needs.values_list("status", flat=True))
    solved = sum(1 for s in statuses if s == flow.SOLVED)
    open_ = sum(1 for s in statuses if s in flow.OPEN)
    visits = scoped(Visit, user).filter(enterprise=enterprise) if not own else Visit.objects.none()
    n_visits = visits.count()
    parts = []
    if n_visits:
        parts.append(f"走访{n_visits}次")
    if statuses:
        parts.append(f"提出需求{len(statuses)}项，已解决{solved}项" + (f"，在办{open_}项" if open_ else ""))
    rows = [FirmRow(f"【需求】{n.description[:40]}", n.get_status_display(), reverse("outreach:need", args=[n.pk]))
            for n in needs.order_by("-raised_on", "-id")[:ROWS]]
    rows += [FirmRow(f"【走访】{v.visited_on:%Y-%m-%d} {v.get_way_display()}：{v.notes[:30]}", v.visitors[:20],
                     reverse("outreach:visit", args=[v.pk])) for v in visits.order_by("-visited_on", "-id")[:3]]
    actions: list[FirmRow] = []
    if may(user, "outreach.manage") and not own:
        query = urlencode({"enterprise": enterprise.pk})
        actions = [FirmRow("登记走访", url=reverse("outreach:visit_new") + "?" + query),
                   FirmRow("登记需求", url=reverse("outreach:need_new") + "?" + query)]
    elif own:
        actions = [FirmRow("提出需求", url=reverse("outreach:my_need_new"))]
    more = (reverse("outreach:my_needs") if own
            else reverse("outreach:needs") + "?" + urlencode({"enterprise": enterprise.pk}))
    return FirmSection("企业需求与走访", "clipboard-check", 45, rows=tuple(rows), summary="；".join(parts),
                       more_url=more, empty="暂无走访记录和需求", actions=tuple(actions))
