"""角色权限: the role → permission table for the system administrator, with grants and withdrawals."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from keguan.core import areas
from keguan.core.errors import ServiceError
from keguan.core.permissions import all_permissions, defaults_for, require

from .models import Role, RolePermission
from .services import role_permission_set


def _table() -> list[dict]:
    overrides = {(o.role, o.permission): o for o in RolePermission.objects.select_related("changed_by")}
    defaults = {role: defaults_for(role) for role in Role.values}
    by_area: dict[str, list] = {}
    for perm in all_permissions():
        cells = []
        for role in Role.values:
            default = perm.code in defaults[role]
            override = overrides.get((role, perm.code))
            held = override.granted if override is not None else default
            cells.append({"role": role, "held": held, "default": default, "override": override})
        by_area.setdefault(perm.area, []).append({"perm": perm, "cells": cells})
    order = {a.code: (a.order, a.title) for a in areas.all_areas()}
    return [
        {"title": order.get(code, (999, code))[1], "rows": rows}
        for code, rows in sorted(by_area.items(), key=lambda kv: order.get(kv[0], (999, kv[0])))
    ]


@require_http_methods(["GET", "POST"])
@require("accounts.roles", "只有系统管理员可以查看和调整角色权限")
def roles_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        role, code = request.POST.get("role", ""), request.POST.get("permission", "")
        granted = request.POST.get("granted") == "1"
        try:
            role_permission_set(actor=request.user, role=role, permission=code, granted=granted)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            label = dict(Role.choices).get(role, role)
            messages.success(request, f"已{'授予' if granted else '收回'}“{label}”的权限：{code}")
        return redirect("accounts:roles")
    changes = RolePermission.history.select_related("history_user").order_by("-history_date")[:50]
    return render(request, "accounts/roles.html", {
        "groups": _table(), "roles": Role.choices, "changes": changes,
    })
