"""Records hanging off an enterprise: stage changes, labels, yearly figures."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from keguan.core.errors import ServiceError

from ..forms import LabelForm, StageChangeForm, YearFiguresForm
from ..selectors import enterprise_get
from ..services import (
    enterprise_change_stage,
    label_add,
    label_remove,
    year_figures_delete,
    year_figures_save,
)
from .registry import _require_editor


def _errors_text(form) -> str:
    """A form's field errors as one Chinese sentence, for a message on the page the form came from."""
    return "；".join(f"{form.fields[k].label}：{' '.join(v)}" for k, v in form.errors.items() if k in form.fields)


@require_POST
def stage_change_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_editor(request.user)
    enterprise = enterprise_get(user=request.user, pk=pk, write=True)
    form = StageChangeForm(request.POST)
    if form.is_valid():
        try:
            enterprise_change_stage(
                enterprise=enterprise,
                actor=request.user,
                stage=form.cleaned_data["stage"],
                on=form.cleaned_data["on"],
                note=form.cleaned_data["note"],
            )
        except ServiceError as exc:
            messages.error(request, f"阶段变更未保存：{exc.message}")
        else:
            messages.success(request, f"培育阶段已变更为“{enterprise.get_stage_display()}”")
    else:
        errors = _errors_text(form)
        messages.error(request, f"阶段变更未保存：{errors}")
    return redirect("enterprises:detail", pk=pk)


@require_POST
def label_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_editor(request.user)
    enterprise = enterprise_get(user=request.user, pk=pk, write=True)
    form = LabelForm(request.POST)
    if form.is_valid():
        try:
            label = label_add(enterprise=enterprise, actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            messages.error(request, f"称号未保存：{exc.message}")
        else:
            messages.success(request, f"已登记称号：{label}")
    else:
        errors = _errors_text(form)
        messages.error(request, f"称号未保存：{errors}")
    return redirect("enterprises:detail", pk=pk)


@require_POST
def label_remove_view(request: HttpRequest, pk: int, label_pk: int) -> HttpResponse:
    _require_editor(request.user)
    enterprise = enterprise_get(user=request.user, pk=pk, write=True)
    label = get_object_or_404(enterprise.labels, pk=label_pk)
    label_remove(label=label, actor=request.user)
    messages.success(request, f"已删除称号：{label}")
    return redirect("enterprises:detail", pk=pk)


@require_http_methods(["GET", "POST"])
def year_edit_view(request: HttpRequest, pk: int, year: int | None = None) -> HttpResponse:
    enterprise = enterprise_get(user=request.user, pk=pk, write=True)
    instance = get_object_or_404(enterprise.years, year=year) if year is not None else None
    asked = request.GET.get("year", "")
    initial = {"year": int(asked)} if instance is None and asked.isdigit() and len(asked) == 4 else None
    form = YearFiguresForm(request.POST or None, instance=instance, enterprise=enterprise, initial=initial)
    if request.method == "POST" and form.is_valid():
        the_year = instance.year if instance else form.cleaned_data["year"]
        try:
            year_figures_save(
                enterprise=enterprise, actor=request.user, year=the_year, new=instance is None,
                version=form.cleaned_data.get("version") if instance is not None else None, **form.figures(),
            )
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"{the_year}年度数据已保存")
            return redirect("enterprises:detail", pk=pk)
    return render(request, "enterprises/year_form.html", {"form": form, "e": enterprise, "row": instance})


@require_POST
def year_delete_view(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    _require_editor(request.user)
    enterprise = enterprise_get(user=request.user, pk=pk, write=True)
    row = get_object_or_404(enterprise.years, year=year)
    year_figures_delete(row=row, actor=request.user)
    messages.success(request, f"已删除{year}年度数据")
    return redirect("enterprises:detail", pk=pk)
