"""The left menu as a user works it: a long menu folds its groups, so a link in a folded group is reached by
unfolding the group first (a click on its heading)."""

from __future__ import annotations

import re

from playwright.sync_api import expect


def menu_link(page, name: str | re.Pattern):
    """The menu's link named ``name``, its group unfolded (as a user would) when it is folded."""
    menu = page.get_by_role("navigation", name="主菜单")
    # (a folded group's links are out of the accessibility tree: found with include_hidden, then unfolded)
    hidden = menu.get_by_role("link", name=name, include_hidden=True)
    hidden.wait_for(state="attached")
    # keguan.js unfolds the groups this browser remembers as the page loads: look once it has run, or a
    # click meant to unfold a group could fold it again
    page.wait_for_load_state("load")
    link = menu.get_by_role("link", name=name)
    group = menu.locator("details.kg-menu-fold", has=page.get_by_role("link", name=name, include_hidden=True))
    for _ in range(2):
        if hidden.is_visible():
            break
        group.locator("summary").click()
    expect(link).to_be_visible()
    return link
