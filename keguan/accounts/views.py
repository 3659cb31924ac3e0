from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keguan.core import areas
from keguan.core.errors import ServiceError
from keguan.core.excel import build_xlsx, xlsx_response
from keguan.core.lists import Column, ListSpec, register_list
from keguan.core.pagination import paginate, querystring_without
from keguan.core.permissions import demand, may

from .forms import (
    KeguanPasswordChangeForm,
    LoginForm,
    OperationLogFilterForm,
    OrganisationForm,
    PasswordResetByAdminForm,
    UserCreateForm,
    UserFilterForm,
)
from .models import OrganisationKind
from .preferences import list_state
from .selectors import login_log_list, oplog_list, oplog_record_types, organisation_list, user_get, user_list
from .services import organisation_create, user_create, user_reset_password, user_set_active, user_unlock
from .throttle import client_ip, locked_usernames


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = KeguanPasswordChangeForm
    success_url = reverse_lazy("core:home")

    def form_valid(self, form):
        messages.success(self.request, "密码已修改")
        return super().form_valid(form)


# The list kit (keguan.core.lists): page size, columns and print for each list of this area.
USER_LIST = register_list(ListSpec(code="accounts.users", title="用户管理", columns=(
    Column("username", "用户名", fixed=True), Column("full_name", "姓名"), Column("role", "角色"),
    Column("region", "所属区划"), Column("enterprise", "所属企业"), Column("phone", "手机号"),
    Column("status", "状态"), Column("last_login", "最近登录"),
)))
LOGIN_LOG_LIST = register_list(ListSpec(code="accounts.login_log", title="登录日志", columns=(
    Column("at", "时间", fixed=True), Column("username", "用户名"), Column("name", "姓名"), Column("event", "事件"),
    Column("success", "结果"), Column("ip", "IP地址"), Column("agent", "客户端"),
), per_page=50))
ORGANISATION_LIST = register_list(ListSpec(code="accounts.organisations", title="机构管理", columns=(
    Column("name", "机构名称", fixed=True), Column("kind", "类型"), Column("region", "所在区划"),
    Column("credit_code", "统一社会信用代码"),
)))


def _require_manager(user) -> None:
    demand(user, "accounts.manage", "您没有账号管理权限")


@require_GET
def user_list_view(request: HttpRequest) -> HttpResponse:
    _require_manager(request.user)
    form = UserFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    qs = user_list(user=request.user, q=data.get("q", ""), role=data.get("role", ""), active=data.get("active", ""))
    kit = list_state(request, USER_LIST)
    page = kit.paginate(request, qs)
    locked = locked_usernames(u.username for u in page.object_list)
    return render(
        request,
        "accounts/user_list.html",
        {"form": form, "kit": kit, "page": page, "query": querystring_without(request, "page"), "locked": locked},
    )


@require_http_methods(["GET", "POST"])
def user_create_view(request: HttpRequest) -> HttpResponse:
    _require_manager(request.user)
    form = UserCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_create(actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            form.add_service_error(exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已创建账号 {user.username}（{user.get_role_display()}）")
            return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form})


@require_POST
def user_toggle_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request.user)
    target = user_get(user=request.user, pk=pk)
    try:
        user_set_active(actor=request.user, user=target, active=not target.is_active)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"账号 {target.username} 已{'启用' if target.is_active else '停用'}")
    return redirect("accounts:user_list")


@require_POST
def user_unlock_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request.user)
    target = user_get(user=request.user, pk=pk)
    try:
        user_unlock(actor=request.user, user=target, ip=client_ip(request))
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"账号 {target.username} 已解锁")
    return redirect("accounts:user_list")


@require_http_methods(["GET", "POST"])
def user_password_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request.user)
    target = user_get(user=request.user, pk=pk)
    form = PasswordResetByAdminForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user_reset_password(actor=request.user, user=target, password=form.cleaned_data["password"])
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"已重置 {target.username} 的密码")
            return redirect("accounts:user_list")
    return render(request, "accounts/user_password.html", {"form": form, "target": target})


@require_GET
def login_log_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "accounts.login_log")
    q = request.GET.get("q", "").strip()
    success = request.GET.get("success", "")
    kit = list_state(request, LOGIN_LOG_LIST)
    page = kit.paginate(request, login_log_list(user=request.user, q=q, success=success))
    note = "；".join(p for p in (f"用户名：{q}" if q else "", {"1": "结果：成功", "0": "结果：失败"}.get(success, "")) if p)
    return render(
        request,
        "accounts/login_log.html",
        {"page": page, "kit": kit, "q": q, "success": success, "query": querystring_without(request, "page"),
         "print_note": note or "全部"},
    )


OPLOG_EXPORT_MAX = 50_000


def _oplog_filtered(request: HttpRequest):
    demand(request.user, "accounts.oplog")
    area_choices = [(a.code, a.title) for a in areas.all_areas()]
    form = OperationLogFilterForm(request.GET or None, areas=area_choices, models=oplog_record_types())
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    qs = oplog_list(user=request.user, **{k: v for k, v in data.items() if v})
    return form, qs


@require_GET
def oplog_view(request: HttpRequest) -> HttpResponse:
    form, qs = _oplog_filtered(request)
    page = paginate(request, qs, per_page=30)
    return render(request, "accounts/oplog.html", {
        "form": form, "page": page, "query": querystring_without(request, "page"),
        "export_query": querystring_without(request, "page"), "export_max": OPLOG_EXPORT_MAX,
    })


@require_GET
def oplog_export_view(request: HttpRequest) -> HttpResponse:
    form, qs = _oplog_filtered(request)
    rows = (
        (timezone.localtime(log.at).strftime("%Y-%m-%d %H:%M:%S"), log.who, log.user.username if log.user else "",
         log.ip or "", areas.area_title(log.area), log.model_title, log.get_action_display(), log.object_id,
         log.object_repr, log.summary)
        for log in qs[:OPLOG_EXPORT_MAX].iterator(chunk_size=2000)
    )
    content = build_xlsx(
        title="操作日志",
        headers=["时间", "操作人", "用户名", "IP地址", "业务领域", "记录类型", "操作", "记录编号", "记录", "内容"],
        rows=rows, widths=[20, 12, 14, 16, 14, 14, 8, 10, 36, 60],
    )
    return xlsx_response(content, f"操作日志-{timezone.localdate():%Y%m%d}.xlsx")


@require_GET
def organisation_list_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "accounts.organisations")
    kind = request.GET.get("kind", "")
    kit = list_state(request, ORGANISATION_LIST)
    page = kit.paginate(request, organisation_list(user=request.user, kind=kind))
    return render(
        request,
        "accounts/organisation_list.html",
        {"page": page, "kit": kit, "kind": kind, "print_note": f"机构类型：{OrganisationKind(kind).label}"
         if kind in OrganisationKind.values else "全部", "kinds": OrganisationKind.choices, "query": querystring_without(request, "page"),
         "can_create": may(request.user, "accounts.organisation_create")},
    )


@require_http_methods(["GET", "POST"])
def organisation_create_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "accounts.organisation_create")
    form = OrganisationForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            org = organisation_create(actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            form.add_service_error(exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已登记机构“{org.name}”")
            return redirect("accounts:organisation_list")
    return render(request, "accounts/organisation_form.html", {"form": form})
