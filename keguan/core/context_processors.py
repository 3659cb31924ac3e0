from __future__ import annotations

from functools import cached_property

from .areas import top_bar_todo
from .menu import menu_for
from .permissions import MayProxy

PRINT_BASE = "core/print.html"


def layout(request):
    """``{% extends base_template %}``: the page's print layout for ``?print=1`` (keguan.core.lists), else base.html."""
    printing = getattr(request, "GET", {}).get("print") == "1"
    return {"base_template": PRINT_BASE if printing else "base.html", "printing": printing}


class Todo:
    """The top bar's 待办 count, computed only when a page shows it, and then kept for a minute
    (``keguan.core.areas.top_bar_todo``)."""

    def __init__(self, request):
        self._request = request

    @cached_property
    def _summary(self) -> tuple[int, bool]:
        return top_bar_todo(self._request)

    @property
    def count(self) -> int:
        return self._summary[0]

    @property
    def overdue(self) -> bool:
        return self._summary[1]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"menu": menu_for(user, request.path), "current_user": user, "may": MayProxy(user), "todo": Todo(request)}
