"""创新平台与人才's section of a firm's page (一企一策, ``keguan.enterprises.hooks.firm_section``): the firm's
platforms, talent and its applications for titles (称号申报), each linking to its record."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from keguan.core.permissions import may
from keguan.core.scope import scoped
from keguan.enterprises.hooks import FirmRow, FirmSection
from keguan.rules import recognition_flow as flow

from .models import Platform, Recognition, Talent
from .selectors import recognition_title

ROWS = 6


def firm_section(user, enterprise) -> FirmSection | None:
    if not may(user, "resources.view"):
        return None
    platforms = list(scoped(Platform, user).filter(enterprise=enterprise).order_by("-approved_year", "name")[:ROWS])
    talent = list(scoped(Talent, user).filter(enterprise=enterprise).order_by("-year", "name")[:ROWS])
    recs = list(scoped(Recognition, user).filter(enterprise=enterprise).order_by("-year", "-applied_on")[:ROWS])
    rows: list[FirmRow] = []
    for p in platforms:
        rows.append(FirmRow(f"{p.get_level_display()}{p.name}", f"{p.approved_year}年 · {p.get_status_display()}",
                            reverse("resources:platform", args=[p.pk])))
    for r in recs:
        rows.append(FirmRow(f"{r.year}年申报{recognition_title(r)}", r.get_status_display(),
                            reverse("resources:recognition", args=[r.pk])))
    for t in talent:
        rows.append(FirmRow(f"{t.name}（{t.program}）", f"{t.year}年入选", reverse("resources:talent_detail", args=[t.pk])))
    parts = []
    if platforms:
        parts.append(f"创新平台{len(platforms)}个")
    granted = sum(1 for r in recs if r.status == flow.GRANTED)
    if recs:
        parts.append(f"称号申报{len(recs)}项" + (f"，认定{granted}项" if granted else ""))
    if talent:
        parts.append(f"人才与团队{len(talent)}个")
    actions = ()
    if may(user, "resources.manage"):
        actions = (FirmRow("登记称号申报", url=reverse("resources:recognition_create")),)
    return FirmSection("创新平台与人才", "building-gear", 50, rows=tuple(rows[:ROWS * 2]), summary="，".join(parts),
                       more_url=reverse("resources:recognitions") + "?" + urlencode({"q": enterprise.credit_code}),
                       empty="暂无创新平台、人才或称号申报记录", actions=actions)
