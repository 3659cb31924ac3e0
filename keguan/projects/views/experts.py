"""The expert pool (专家库): the list, adding and editing an expert, availability, conflicts of interest.
Reading needs ``projects.view``, writing ``projects.experts``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keguan.accounts.preferences import list_state
from keguan.core.errors import ServiceError
from keguan.core.lists import Column, ListSpec, register_list
from keguan.core.pagination import querystring_without
from keguan.core.permissions import demand, may
from keguan.core.scope import home_district
from keguan.projects.forms.review import ConflictForm, ExpertFilterForm, ExpertForm
from keguan.projects.models import Expert
from keguan.projects.selectors.review import (
    ExpertFilters,
    conflict_get,
    expert_get,
    expert_list,
    field_labels,
)
from keguan.projects.services.review import conflict_add, conflict_remove, expert_save, expert_set_available

EXPERT_LIST = register_list(ListSpec(code="projects.experts", title="专家库", columns=(
    Column("name", "姓名", fixed=True), Column("employer", "工作单位"), Column("title", "职称"),
    Column("fields", "专业领域"), Column("phone", "联系电话"), Column("available", "可否评审"),
    Column("conflicts", "回避单位"), Column("assignments", "评审任务"), Column("account", "登录账号", default=False),
), per_page=20))


@require_GET
def expert_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    demand(user, "projects.view")
    form = ExpertFilterForm(request.GET or None)
    if not form.is_bound:
        filters = ExpertFilters()
    elif form.is_valid():
        d = form.cleaned_data
        filters = ExpertFilters(q=(d.get("q") or "").strip(), field=d.get("field") or "",
                                available=d.get("available") or "")
    else:
        filters = ExpertFilters(invalid=True)
    kit = list_state(request, EXPERT_LIST)
    page = kit.paginate(request, expert_list(user=user, filters=filters))
    for e in page.object_list:
        e.field_names = field_labels(e.field_codes)
    return render(request, "projects/experts.html", {
        "kit": kit, "form": form, "page": page, "query": querystring_without(request, "page"),
        "filtered": form.is_bound and any(v for k, v in request.GET.items() if k != "page"),
        "can_write": may(user, "projects.experts") and home_district(user) is not None,
        "can_import": may(user, "projects.import") and may(user, "projects.experts") and home_district(user) is not None,
        "region_code": home_district(user).code if home_district(user) else "",
    })


def _save(request, form: ExpertForm, expert: Expert) -> Expert | None:
    d = form.cleaned_data
    try:
        return expert_save(actor=request.user, expert=expert, name=d["name"], employer=d["employer"],
                           fields=d["fields_"], title=d["title"], phone=d["phone"], available=d["available"],
                           note=d["note"], enterprise=d["employer_firm"], organisation=d["organisation"],
                           user=d["user"], version=d.get("version"))
    except ServiceError as exc:
        if exc.field == "fields":
            exc.field = "fields_"
        if exc.field == "enterprise":
            exc.field = "employer_firm"
        form.add_service_error(exc)
        return None


@require_http_methods(["GET", "POST"])
def expert_create_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    demand(user, "projects.experts")
    district = home_district(user)
    if district is None:
        raise PermissionDenied("只有区县科技局人员可以向本区县专家库添加专家")
    form = ExpertForm(request.POST or None, actor=user)
    if request.method == "POST" and form.is_valid():
        expert = _save(request, form, Expert(region=district))
        if expert is not None:
            messages.success(request, f"已将{expert.name}加入专家库")
            return redirect("projects:expert", pk=expert.pk)
    return render(request, "projects/expert_form.html", {"form": form, "expert": None})


@require_http_methods(["GET", "POST"])
def expert_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "projects.experts")
    expert = expert_get(user=request.user, pk=pk, write=True)
    form = ExpertForm(request.POST or None, actor=request.user, expert=expert)
    if request.method == "POST" and form.is_valid():
        if _save(request, form, expert) is not None:
            messages.success(request, "专家信息已保存")
            return redirect("projects:expert", pk=pk)
    return render(request, "projects/expert_form.html", {"form": form, "expert": expert})


@require_GET
def expert_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "projects.view")
    expert = expert_get(user=request.user, pk=pk)
    assignments = (expert.assignments.select_related("application", "application__call")
                   .order_by("-assigned_at")[:50])
    return render(request, "projects/expert.html", {
        "expert": expert, "field_names": field_labels(expert.field_codes),
        "conflicts": expert.conflicts.select_related("enterprise", "organisation"),
        "assignments": assignments, "conflict_form": ConflictForm(actor=request.user),
        "can_write": may(request.user, "projects.experts"),
    })


@require_POST
def expert_available_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "projects.experts")
    expert = expert_get(user=request.user, pk=pk, write=True)
    expert_set_available(actor=request.user, expert=expert, available=not expert.available)
    messages.success(request, f"{expert.name}已设为{'可参加评审' if expert.available else '暂不参加评审'}")
    return redirect("projects:expert", pk=pk)


@require_POST
def conflict_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "projects.experts")
    expert = expert_get(user=request.user, pk=pk, write=True)
    form = ConflictForm(request.POST, actor=request.user)
    if form.is_valid():
        d = form.cleaned_data
        try:
            conflict = conflict_add(actor=request.user, expert=expert, enterprise=d["enterprise"],
                                    organisation=d["organisation"], reason=d["reason"])
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已登记{expert.name}与{conflict}的回避关系")
    else:
        messages.error(request, "；".join(" ".join(v) for v in form.errors.values()))
    return redirect("projects:expert", pk=pk)


@require_POST
def conflict_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "projects.experts")
    conflict = conflict_get(user=request.user, pk=pk)
    expert_get(user=request.user, pk=conflict.expert_id, write=True)
    conflict_remove(actor=request.user, conflict=conflict)
    messages.success(request, f"已撤销与{conflict}的回避关系")
    return redirect("projects:expert", pk=conflict.expert_id)
