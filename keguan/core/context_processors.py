from __future__ import annotations

from .menu import menu_for
from .permissions import MayProxy


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"menu": menu_for(user, request.path), "current_user": user, "may": MayProxy(user)}
