"""申报通知: the list (list kit), create, its page, edit (criteria inline), attachments (content-checked)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keguan.accounts.preferences import list_state
from keguan.core.errors import ServiceError
from keguan.core.lists import Column, ListSpec, register_list
from keguan.core.pagination import querystring_without
from keguan.core.permissions import demand, may
from keguan.core.scope import home_district
from keguan.projects.files import CONTENT_TYPES, open_stored
from keguan.projects.forms.apply import CallForm
from keguan.projects.selectors.apply import (
    call_file_get,
    call_get,
    call_list,
    call_years,
    program_list,
    programs_for_calls,
)
from keguan.projects.services.applications import call_attach, call_create, call_file_remove, call_update

CALL_LIST = register_list(ListSpec(code="projects.calls", title="申报通知", columns=(
    Column("title", "通知标题", fixed=True), Column("program", "科技计划"), Column("level", "级别"),
    Column("region", "发布单位", default=False), Column("window", "申报时间"), Column("state", "状态"),
    Column("applications", "已申报（项）"),
)))


def _int(value) -> int | None:
    try:
        n = int(value)
    except (TypeError, ValueError):
        return None
    return n if 0 < n < 2**31 else None


@require_GET
def call_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    demand(user, "projects.view")
    year, program, q = _int(request.GET.get("year")), _int(request.GET.get("program")), request.GET.get("q", "")[:50]
    kit = list_state(request, CALL_LIST)
    page = kit.paginate(request, call_list(user=user, year=year, program=program, q=q.strip()))
    return render(request, "projects/calls.html", {
        "kit": kit, "page": page, "query": querystring_without(request, "page"), "years": call_years(user=user),
        "programs": program_list(user=user), "year": year, "program": program, "q": q,
        "filtered": bool(year or program or q), "today": timezone.localdate(),
        "can_write": may(user, "projects.manage") and home_district(user) is not None,
    })


def _form_page(request, form, call=None, status=200) -> HttpResponse:
    return render(request, "projects/call_form.html", {"form": form, "call": call}, status=status)


@require_http_methods(["GET", "POST"])
def call_create_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "projects.manage")
    region = home_district(request.user)
    if region is None:
        raise PermissionDenied("只有区县科技局人员可以发布本单位的申报通知")
    form = CallForm(request.POST or None, programs=programs_for_calls(user=request.user, region=region),
                    initial={"year": timezone.localdate().year, "reviewers_per_application": 3})
    if request.method == "POST" and form.is_valid():
        try:
            call = call_create(actor=request.user, **form.service_data())
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"已发布申报通知“{call.title}”，可在下方上传通知附件")
            return redirect("projects:call", pk=call.pk)
    return _form_page(request, form)


@require_GET
def call_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "projects.view")
    call = call_get(user=request.user, pk=pk)
    from keguan.projects.services.applications import call_open_to  # (the window's state in words)

    today = timezone.localdate()
    return render(request, "projects/call.html", {
        "call": call, "criteria": list(call.criteria.all()), "files": list(call.attachments.all()),
        "can_write": may(request.user, "projects.manage") and call.region_id == getattr(request.user, "region_id", None),
        "state": call_open_to(call, call.region, today) or "正在申报", "today": today,
        "n_applications": call.applications.exclude(status="draft").count(),
    })


@require_http_methods(["GET", "POST"])
def call_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "projects.manage")
    call = call_get(user=request.user, pk=pk, write=True)
    programs = programs_for_calls(user=request.user, region=call.region, current=call.program)
    form = CallForm(request.POST or None, programs=programs, call=call)
    if request.method == "POST" and form.is_valid():
        try:
            call_update(actor=request.user, call=call, version=form.cleaned_data.get("version"),
                        **form.service_data())
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "申报通知已保存")
            return redirect("projects:call", pk=pk)
    return _form_page(request, form, call)


@require_POST
def call_attach_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "projects.manage")
    call = call_get(user=request.user, pk=pk, write=True)
    try:
        added = call_attach(actor=request.user, call=call, files=request.FILES.getlist("files"))
    except ServiceError as exc:
        messages.error(request, f"未上传：{exc.message}")
    else:
        messages.success(request, f"已上传{len(added)}个附件")
    return redirect("projects:call", pk=pk)


def file_response(attachment) -> FileResponse:
    return FileResponse(open_stored(attachment.path), as_attachment=True, filename=attachment.name,
                        content_type=CONTENT_TYPES.get(attachment.kind, "application/octet-stream"))


@require_GET
def call_file_view(request: HttpRequest, pk: int, cfile_pk: int) -> FileResponse:
    demand(request.user, "projects.view")
    call = call_get(user=request.user, pk=pk)
    return file_response(call_file_get(call=call, pk=cfile_pk))


@require_POST
def call_file_remove_view(request: HttpRequest, pk: int, cfile_pk: int) -> HttpResponse:
    demand(request.user, "projects.manage")
    call = call_get(user=request.user, pk=pk, write=True)
    attachment = call_file_get(call=call, pk=cfile_pk)
    call_file_remove(actor=request.user, attachment=attachment)
    messages.success(request, f"已删除附件“{attachment.name}”")
    return redirect("projects:call", pk=pk)
