from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from keguan.core.permissions import defaults_for, get_permission
from keguan.core.roles import Role
from keguan.core.scope import get_for_user, scoped

from .models import LoginLog, OperationLog, Organisation, RolePermission, User


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


def oplog_list(*, user: User, who: str = "", date_from=None, date_to=None, area: str = "", model: str = "",
               action: str = "", q: str = "") -> QuerySet[OperationLog]:
    """The operation log lines in the user's scope (by the operator's region), newest first."""
    qs = scoped(OperationLog, user).select_related("user")
    if who:
        qs = qs.filter(Q(who__icontains=who) | Q(user__username__iexact=who))
    if date_from:
        qs = qs.filter(at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(at__lt=_day_start(date_to + dt.timedelta(days=1)))
    if area:
        qs = qs.filter(area=area)
    if model:
        qs = qs.filter(model=model)
    if action:
        qs = qs.filter(action=action)
    if q:
        qs = qs.filter(Q(object_repr__icontains=q) | Q(summary__icontains=q) | Q(object_id=q))
    return qs.order_by("-at", "-id")


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def oplog_record_types() -> list[tuple[str, str]]:
    """Every kind of record that has a change history, as (model label, its name): the log's type filter."""
    from django.apps import apps

    out = {}
    for m in apps.get_models():
        if hasattr(m._meta, "simple_history_manager_attribute"):
            out[m._meta.label_lower] = str(m._meta.verbose_name)
    out["exchange.importrun"] = "Excel导入"
    return sorted(out.items(), key=lambda kv: kv[0])


def roles_holding(code: str) -> set[str]:
    """The roles that hold permission ``code`` now (the defaults with the administrator's grants and
    withdrawals on 角色权限)."""
    get_permission(code)
    roles = {role for role in Role.values if code in defaults_for(role)}
    for role, granted in RolePermission.objects.filter(permission=code).values_list("role", "granted"):
        (roles.add if granted else roles.discard)(role)
    return roles


def users_holding(code: str) -> QuerySet[User]:
    """The active accounts whose role holds permission ``code`` (e.g. the accounts that may log services as a
    科技特派员): to offer them in a form, never to decide access (that is ``may``)."""
    return User.objects.filter(role__in=sorted(roles_holding(code)), is_active=True, is_superuser=False)
