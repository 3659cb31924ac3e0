from __future__ import annotations

from django.db.models import Q, QuerySet

from keguan.core.scope import get_for_user, scoped

from .models import LoginLog, Organisation, User


def user_list(*, user: User, q: str = "", role: str = "", active: str = "") -> QuerySet[User]:
    qs = scoped(User, user).select_related("region", "enterprise").filter(is_superuser=False)
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q) | Q(phone__contains=q))
    if role:
        qs = qs.filter(role=role)
    if active in ("1", "0"):
        qs = qs.filter(is_active=active == "1")
    return qs.order_by("region__code", "role", "username")


def user_get(*, user: User, pk) -> User:
    return get_for_user(User.objects.select_related("region"), user, pk)


def login_log_list(*, user: User, q: str = "", success: str = "") -> QuerySet[LoginLog]:
    qs = scoped(LoginLog, user).select_related("user", "region")
    if q:
        qs = qs.filter(username__icontains=q)
    if success in ("1", "0"):
        qs = qs.filter(success=success == "1")
    return qs.order_by("-at")


def organisation_list(*, user: User, kind: str = "") -> QuerySet[Organisation]:
    qs = scoped(Organisation, user).select_related("region")
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("kind", "region__code", "name")
