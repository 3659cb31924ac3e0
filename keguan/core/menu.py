"""The left menu, by area: each area's ``menu`` entries (``keguan.core.areas``), under the area's heading,
each shown to the users who hold the permission it names."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse

from . import areas
from .permissions import may


@dataclass
class MenuItem:
    label: str
    url: str
    icon: str = "circle"
    active: bool = False


@dataclass
class MenuGroup:
    label: str
    items: list[MenuItem] = field(default_factory=list)
    open: bool = False  # unfolded: the group of the page shown, or every group of a short menu


# A menu of at most this many entries (a firm's, a commissioner's, an expert's) shows every group unfolded;
# a longer one (the bureau's: eight areas) folds all groups but the current page's, and the browser
# remembers which others the user unfolded (keguan.js).
SHORT_MENU = 12


# Pages reached from one menu entry but living under another's URL: the path whose entry lights up instead.
# Enterprise contacts reach their firm's pages from 本企业信息; staff open a firm's self-check from the
# pre-check list and its 资质与培育 page from 企业库.
def _menu_path(user, path: str) -> str:
    if getattr(user, "enterprise_id", None) and path.startswith(f"/enterprises/{user.enterprise_id}/"):
        return "/enterprises/mine/"
    if getattr(user, "enterprise_id", None) and path.startswith(f"/pipeline/{user.enterprise_id}/"):
        return "/enterprises/mine/"
    if not getattr(user, "enterprise_id", None) and path.startswith("/pipeline/self-check/"):
        return "/pipeline/precheck/"
    if not getattr(user, "enterprise_id", None) and path.startswith("/pipeline/") and path[10:11].isdigit():
        return "/enterprises/"  # a firm's 资质与培育 page sits under 企业库, as its breadcrumb says
    return path


def menu_for(user, path: str) -> list[MenuGroup]:
    path = _menu_path(user, path)
    groups: dict[str, MenuGroup] = {}
    best: MenuItem | None = None
    for area in areas.all_areas():
        for entry in area.menu:
            if entry.perm is not None and not may(user, entry.perm):
                continue
            try:
                url = reverse(entry.url_name)
            except NoReverseMatch:
                continue
            item = MenuItem(entry.label, url, entry.icon)
            groups.setdefault(area.group, MenuGroup(area.group)).items.append(item)
            matches = path == url if url == "/" else path.startswith(url)  # 首页 lights up on itself only
            if matches and (best is None or len(url) > len(best.url)):
                best = item
    if best is not None:
        best.active = True
    shown = [g for g in groups.values() if g.items]
    short = sum(len(g.items) for g in shown) <= SHORT_MENU
    for group in shown:
        group.open = short or any(item.active for item in group.items)
    return shown
