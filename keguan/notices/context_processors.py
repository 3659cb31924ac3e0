"""The top bar's 我的消息 badge: unread notices and messages, counted only when a page shows it."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject


def unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> int:
        from keguan.core.permissions import may

        from .selectors import unread_count

        return unread_count(user) if may(user, "notices.view") else 0

    return {"unread_messages": SimpleLazyObject(count)}
