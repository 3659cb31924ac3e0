"""科技项目's section of a firm's page (一企一策, ``keguan.enterprises.hooks.firm_section``): the firm's projects,
how many were approved and the funds they won. Staff see the firm's submitted projects; the firm's own users
also see their drafts, and their links lead to the applicant's pages."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Sum
from django.urls import reverse

from keguan.core.permissions import may
from keguan.core.scope import scoped
from keguan.enterprises.hooks import FirmRow, FirmSection
from keguan.projects.models import Application, Funding
from keguan.rules import project_flow as flow

ROWS = 5
APPROVED = {flow.APPROVED, flow.SIGNED, flow.RUNNING, flow.ACCEPTANCE, flow.CLOSED}


def firm_section(user, enterprise) -> FirmSection | None:
    own = user.enterprise_id == enterprise.pk and may(user, "projects.apply")
    if not own and not may(user, "projects.view"):
        return None
    apps = scoped(Application, user).filter(enterprise=enterprise)
    if not own:
        apps = apps.exclude(status=flow.DRAFT)
    statuses = list(apps.values_list("status", flat=True))
    won = (scoped(Funding, user).filter(application__in=apps).exclude(source="own")
           .aggregate(s=Sum("amount"))["s"] or Decimal(0))
    approved = sum(1 for s in statuses if s in APPROVED)
    summary = ""
    if statuses:
        summary = f"申报{len(statuses)}项，立项{approved}项" + (f"，获资助{won / 10000:.2f}万元" if won else "")
    rows = tuple(
        FirmRow(f"{a.call.year}年 {a.title}", a.get_status_display(),
                reverse("projects:apply_detail", args=[a.pk]) if own else reverse("projects:application", args=[a.pk]))
        for a in apps.select_related("call").order_by("-call__year", "-id")[:ROWS])
    more = (reverse("projects:apply") if own
            else reverse("projects:applications") + "?" + urlencode({"q": enterprise.name}))
    return FirmSection("科技项目", "kanban", 15, rows=rows, summary=summary, more_url=more,
                       empty="暂无申报的科技项目")
