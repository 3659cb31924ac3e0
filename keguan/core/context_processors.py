from __future__ import annotations

from .menu import menu_for
from .permissions import MayProxy

PRINT_BASE = "core/print.html"


def layout(request):
    """``{% extends base_template %}``: the page's print layout for ``?print=1`` (keguan.core.lists), else base.html."""
    printing = getattr(request, "GET", {}).get("print") == "1"
    return {"base_template": PRINT_BASE if printing else "base.html", "printing": printing}


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"menu": menu_for(user, request.path), "current_user": user, "may": MayProxy(user)}
