"""The left menu as a user works it: a long menu folds its groups, so a link in a folded group is reached by
unfolding the group first (a click on its heading)."""

from __future__ import annotations

import re


def menu_link(page, name: str | re.Pattern):
    """The menu's link named ``name``, its group unfolded (as a user would) when it is folded."""
    menu = page.get_by_role("navigation", name="主菜单")
    # (a folded group's links are out of the accessibility tree: found with include_hidden, then unfolded)
    link = menu.get_by_role("link", name=name, include_hidden=True)
    link.wait_for(state="attached")
    if not link.is_visible():
        inside = page.get_by_role("link", name=name, include_hidden=True)  # (`has` is looked for inside the group)
        menu.locator("details.kg-menu-fold", has=inside).locator("summary").click()
    return menu.get_by_role("link", name=name)
