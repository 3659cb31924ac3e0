"""计划类别: the bureau's programs (its own and the upward ones it tracks): list, create, edit, 停用/启用."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keguan.core.errors import ServiceError
from keguan.core.permissions import demand, may
from keguan.core.scope import home_district
from keguan.projects.forms.apply import ProgramForm
from keguan.projects.selectors.apply import program_get, program_list
from keguan.projects.services.applications import program_create, program_set_active, program_update


@require_GET
def program_list_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "projects.view")
    can_write = may(request.user, "projects.manage") and home_district(request.user) is not None
    return render(request, "projects/programs.html", {"programs": program_list(user=request.user),
                                                      "can_write": can_write})


@require_http_methods(["GET", "POST"])
def program_create_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "projects.manage")
    region = home_district(request.user)
    if region is None:
        raise PermissionDenied("只有区县科技局人员可以登记本单位的科技计划")
    form = ProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            program = program_create(actor=request.user, region=region, name=d["name"], level=d["level"],
                                     managing_body=d["managing_body"], note=d["note"])
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"已登记科技计划“{program.name}”")
            return redirect("projects:programs")
    return render(request, "projects/program_form.html", {"form": form, "program": None})


@require_http_methods(["GET", "POST"])
def program_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "projects.manage")
    program = program_get(user=request.user, pk=pk, write=True)
    form = ProgramForm(request.POST or None, initial={
        "name": program.name, "level": program.level, "managing_body": program.managing_body,
        "note": program.note, "version": program.version})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            program_update(actor=request.user, program=program, name=d["name"], level=d["level"],
                           managing_body=d["managing_body"], note=d["note"], version=d.get("version"))
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"科技计划“{program.name}”已保存")
            return redirect("projects:programs")
    return render(request, "projects/program_form.html", {"form": form, "program": program})


@require_POST
def program_active_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "projects.manage")
    program = program_get(user=request.user, pk=pk, write=True)
    program_set_active(actor=request.user, program=program, active=not program.active)
    messages.success(request, f"已{'启用' if program.active else '停用'}科技计划“{program.name}”")
    return redirect("projects:programs")
