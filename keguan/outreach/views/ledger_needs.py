"""需求台账: the list (filters, counts by status, export, the list kit), a need's page with its follow-ups and the
moves the user may make (assign, 开始跟进 / 已解决 / 无法解决 / 重新跟进, a follow-up, editing), recording one, and
the enterprise's own side (its needs, raising one).

An enterprise user sees its own firm's needs on the same page as staff do, without the staff's controls and
without the follow-ups marked 仅局内可见: it sees each need's status, its result once closed, and the follow-ups
staff chose to share (the date and the note)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keguan.accounts.preferences import list_state
from keguan.core import dictionary
from keguan.core.errors import ServiceError
from keguan.core.excel import build_xlsx, xlsx_response
from keguan.core.history import entries_for
from keguan.core.lists import PRINT_ROWS, BatchAction, Column, ListSpec, register_list, selected_ids
from keguan.core.pagination import KeysFirstPaginator, querystring_without
from keguan.core.permissions import demand, may
from keguan.core.roles import DISTRICT_EDITORS, TOWNSHIP
from keguan.core.scope import covers_districts, scoped

from ..forms.ledger import AssignForm, FirmNeedForm, FollowUpForm, MoveForm, NeedFilterForm, NeedForm
from ..models import Need
from ..rules import need_flow as flow
from ..selectors.ledger import (
    firm_for_staff,
    need_base,
    need_follow_ups,
    need_get,
    need_list,
    own_needs,
    stale_before,
    status_counts,
    with_status,
)
from ..services import ledger as services

NEED_LIST = register_list(ListSpec(code="outreach.needs", title="需求台账", selectable=True, columns=(
    Column("raised_on", "提出日期", fixed=True), Column("name", "企业名称", fixed=True), Column("place", "乡镇/街道"),
    Column("category", "类别"), Column("description", "需求内容", fixed=True), Column("source", "来源"),
    Column("owner", "跟进人"), Column("status", "状态"), Column("result", "办理结果", default=False),
), actions=(BatchAction("export", "导出所选", "outreach:need_export", "outreach.export", "file-earmark-excel"),)))


def _owners(user):
    """The people a list may be filtered by: the staff and liaisons in the user's region."""
    region = user.region
    if region is None or user.is_enterprise_user:
        return []
    return list(scoped(get_user_model(), user).filter(role__in=DISTRICT_EDITORS | TOWNSHIP, is_active=True)
                .order_by("role", "full_name", "username")[:200])


def _filtered(request: HttpRequest):
    today = timezone.localdate()
    form = NeedFilterForm(request.GET or None, user=request.user, owners=_owners(request.user))
    filters = form.filters()
    base = need_base(user=request.user, filters=filters, today=today)
    return form, filters, base, today


@require_GET
def need_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_enterprise_user:
        return redirect("outreach:my_needs")
    demand(user, "outreach.view")
    form, filters, base, today = _filtered(request)
    qs = with_status(base, filters.status)
    kit = list_state(request, NEED_LIST)
    counts = status_counts(base)
    if filters.status == "open":
        total = sum(n for value, _l, n in counts if value in flow.OPEN)
    else:
        total = sum(n for value, _l, n in counts if not filters.status or value == filters.status)
    return render(request, "outreach/ledger/needs.html", {
        "form": form, "kit": kit, "page": _page_of(request, kit, qs, total),
        "query": querystring_without(request, "page"),
        "status_query": querystring_without(request, "page", "status"), "counts": counts,
        "counts_total": sum(n for *_, n in counts), "current_status": filters.status, "note": form.note(),
        "city_wide": covers_districts(user), "categories": dict(dictionary.choices("need_category")),
        "stale_before": stale_before(today), "can_create": may(user, "outreach.manage"),
        "can_export": may(user, "outreach.export"),
        "can_import": may(user, "outreach.import") and may(user, "outreach.manage"),
    })


def _page_of(request: HttpRequest, kit, qs, total: int):
    """The list kit's page, with the total already counted by the status counts (not counted twice)."""
    paginator = KeysFirstPaginator(qs, PRINT_ROWS if kit.printing else kit.per_page)
    paginator.__dict__["count"] = total  # (Paginator.count is a cached property)
    number = request.GET.get("page") or 1
    try:
        return paginator.page(number)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)


def needs_xlsx(qs, *, note: str) -> bytes:
    categories = dict(dictionary.choices("need_category"))
    rows = ([n.raised_on, n.enterprise.name, n.enterprise.credit_code, n.district.name,
             n.township.name if n.township else "", categories.get(n.category, n.category), n.description,
             n.get_source_display(), n.owner.display_name if n.owner else "", n.get_status_display(), n.closed_on,
             n.result] for n in qs.iterator(chunk_size=2000))
    return build_xlsx(title="需求台账", headers=["提出日期", "企业名称", "统一社会信用代码", "区县", "乡镇/街道", "需求类别",
                                                 "需求内容", "来源", "跟进人", "状态", "办结日期", "办理结果/原因"],
                      rows=rows, widths=[12, 30, 22, 10, 12, 12, 50, 12, 10, 10, 12, 40], note=f"查询条件：{note or '全部'}")


@require_GET
def need_export_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "outreach.export")
    ids = selected_ids(request.GET)
    if ids:
        qs = need_list(user=request.user, today=timezone.localdate()).filter(pk__in=ids)
        note = f"所选 {len(ids)} 项"
    else:
        form, filters, base, _t = _filtered(request)
        qs, note = with_status(base, filters.status), form.note()
    return xlsx_response(needs_xlsx(qs, note=note), f"需求台账-{timezone.localtime():%Y%m%d-%H%M}.xlsx")


@require_http_methods(["GET", "POST"])
def need_create_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    demand(user, "outreach.manage")
    firm = firm_for_staff(user=user, pk=request.GET.get("enterprise")) if request.GET.get("enterprise") else None
    form = NeedForm(request.POST or None, fixed_firm=firm is not None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        target = firm or firm_for_staff(user=user, text=d["enterprise"])
        if target is None:
            form.add_error("enterprise", "在您的辖区企业库中找不到该企业，请填写统一社会信用代码或企业全称")
        else:
            try:
                need = services.need_create(actor=user, enterprise=target, category=d["category"],
                                            description=d["description"], source=d["source"], raised_on=d["raised_on"])
            except ServiceError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, f"已登记“{target.name}”的需求")
                return redirect("outreach:need", pk=need.pk)
    return render(request, "outreach/ledger/need_form.html", {"form": form, "firm": firm, "need": None})


def _page(request: HttpRequest, need: Need, *, bound: dict | None = None, status: int = 200) -> HttpResponse:
    user = request.user
    bound = bound or {}
    firm_view = user.is_enterprise_user
    manage = not firm_view and may(user, "outreach.manage")
    follow = not firm_view and services.may_follow(user, need)
    moves = flow.MOVES.get(need.status, ()) if follow else ()
    context = {
        "need": need, "firm_view": firm_view, "category": dictionary.label("need_category", need.category),
        "follow_ups": need_follow_ups(need, for_firm=firm_view), "can_manage": manage, "can_follow": follow,
        "stale": flow.is_stale(need.status, (timezone.localdate() - need.raised_on).days),
        "assign_form": bound.get("assign") or (AssignForm(candidates=services.owner_candidates(need),
                                                          initial={"owner": need.owner_id, "version": need.version})
                                               if manage else None),
        "move_form": bound.get("move") or (MoveForm(moves=moves, initial={"version": need.version}) if moves else None),
        "move_labels": [(m, flow.MOVE_LABELS[(need.status, m)]) for m in moves],
        "follow_form": bound.get("follow") or (FollowUpForm() if follow and need.status in flow.OPEN else None),
        "history": entries_for(need.history.all(), subject="需求", model=Need, skip=frozenset({"version"}))
        if not firm_view else [],
    }
    return render(request, "outreach/ledger/need.html", context, status=status)


def _need_for(request: HttpRequest, pk) -> Need:
    """A need the user may open: an enterprise user its own firm's, staff those in their scope."""
    user = request.user
    if user.is_enterprise_user:
        demand(user, "outreach.respond")
    else:
        demand(user, "outreach.view")
    return need_get(user=user, pk=pk)


@require_GET
def need_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _need_for(request, pk))


@require_http_methods(["GET", "POST"])
def need_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "outreach.manage")
    need = need_get(user=request.user, pk=pk, write=True)
    initial = {"category": need.category, "description": need.description, "raised_on": need.raised_on,
               "version": need.version}
    form = NeedForm(request.POST or None, initial=initial, editing=True, current_category=need.category)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.need_update(need=need, actor=request.user, expected_version=d.get("version"),
                                 category=d["category"], description=d["description"], raised_on=d["raised_on"])
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "需求已保存")
            return redirect("outreach:need", pk=need.pk)
    return render(request, "outreach/ledger/need_form.html", {"form": form, "firm": need.enterprise, "need": need})


@require_POST
def need_assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "outreach.manage")
    need = need_get(user=request.user, pk=pk, write=True)
    candidates = services.owner_candidates(need)
    form = AssignForm(request.POST, candidates=candidates)
    if form.is_valid():
        owner = candidates.filter(pk=form.cleaned_data["owner"]).first()
        try:
            services.need_assign(need=need, actor=request.user, owner=owner,
                                 expected_version=form.cleaned_data.get("version"))
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"已指定跟进人：{owner.display_name}")
            return redirect("outreach:need", pk=pk)
    return _page(request, need_get(user=request.user, pk=pk), bound={"assign": form}, status=200)


def _follower_need(request: HttpRequest, pk) -> Need:
    user = request.user
    if user.is_enterprise_user or not (may(user, "outreach.manage") or may(user, "outreach.follow")):
        demand(user, "outreach.follow")  # (raises)
    need = need_get(user=user, pk=pk)
    if not services.may_follow(user, need):
        raise PermissionDenied("只有本区县科技局人员和该需求的跟进人可以办理")
    return need


@require_POST
def need_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    need = _follower_need(request, pk)
    form = MoveForm(request.POST, moves=flow.MOVES.get(need.status, ()) or tuple(flow.LABELS))
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.need_move(need=need, actor=request.user, to=d["to"], result=d["result"], on=d["on"],
                               expected_version=d.get("version"))
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"需求状态已改为“{flow.LABELS[d['to']]}”")
            return redirect("outreach:need", pk=pk)
    return _page(request, need_get(user=request.user, pk=pk), bound={"move": form})


@require_POST
def need_followup_view(request: HttpRequest, pk: int) -> HttpResponse:
    need = _follower_need(request, pk)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.followup_add(need=need, actor=request.user, on=d["on"], note=d["note"], internal=d["internal"])
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "已登记跟进情况")
            return redirect("outreach:need", pk=pk)
    return _page(request, need_get(user=request.user, pk=pk), bound={"follow": form})


# --- the enterprise's own side ---------------------------------------------------------------------------------


@require_GET
def my_needs_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "outreach.respond")
    needs = own_needs(user=request.user)
    return render(request, "outreach/ledger/my_needs.html", {
        "needs": needs, "categories": dict(dictionary.choices("need_category"))})


@require_http_methods(["GET", "POST"])
def my_need_create_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "outreach.respond")
    form = FirmNeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            need = services.need_raise_by_firm(actor=request.user, category=form.cleaned_data["category"],
                                               description=form.cleaned_data["description"])
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "需求已提交，区科技局将安排专人跟进")
            return redirect("outreach:need", pk=need.pk)
    return render(request, "outreach/ledger/my_need_form.html", {"form": form})


urlpatterns = [
    path("needs/", need_list_view, name="needs"),
    path("needs/export.xlsx", need_export_view, name="need_export"),
    path("needs/new/", need_create_view, name="need_new"),
    path("needs/<int:pk>/", need_detail_view, name="need"),
    path("needs/<int:pk>/edit/", need_edit_view, name="need_edit"),
    path("needs/<int:pk>/assign/", need_assign_view, name="need_assign"),
    path("needs/<int:pk>/move/", need_move_view, name="need_move"),
    path("needs/<int:pk>/follow-ups/", need_followup_view, name="need_followup"),
    path("my/needs/", my_needs_view, name="my_needs"),
    path("my/needs/new/", my_need_create_view, name="my_need_new"),
]
