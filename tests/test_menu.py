"""The left menu (keguan.core.menu): by area, by permission; a long menu folds every group but the current
page's, a short one (a firm's, a commissioner's) shows all."""

from __future__ import annotations

import re

from keguan.core.menu import SHORT_MENU, menu_for


def _open_groups(html: str) -> list[str]:
    return re.findall(r'<details class="kg-menu-fold" data-menu-group="([^"]+)" open>', html)


def test_the_bureau_menu_unfolds_only_the_current_pages_group(world, login):
    groups = menu_for(world.staff, "/projects/applications/")
    assert sum(len(g.items) for g in groups) > SHORT_MENU
    current = [g for g in groups if any(i.active for i in g.items)]
    assert len(current) == 1 and "项目申报办理" in [i.label for i in current[0].items]
    assert [g.label for g in groups if g.open] == [current[0].label]

    html = login(world.staff).get("/projects/applications/").content.decode()
    assert _open_groups(html) == [current[0].label]
    assert html.count('class="kg-menu-fold"') == len(groups)


def test_a_short_menu_shows_every_group(world, login):
    groups = menu_for(world.ent_user, "/")
    assert 1 < len(groups) and sum(len(g.items) for g in groups) <= SHORT_MENU
    assert all(g.open for g in groups)
    html = login(world.ent_user).get("/").content.decode()
    assert len(_open_groups(html)) == len(groups)
