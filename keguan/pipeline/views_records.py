"""An enterprise's qualifications page (资质与培育): 科小 入库, 高企 applications and certificates, cultivation
pool, tutoring. One URL: GET shows it, POST carries ``action`` naming the form; an invalid form comes back
in place with its errors inline. Child records are looked up among the enterprise's own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from keguan.core.errors import ServiceError
from keguan.core.permissions import demand, may
from keguan.enterprises.models import Enterprise
from keguan.enterprises.selectors import enterprise_get

from . import services
from .record_forms import (
    ApplicationForm,
    CertificateForm,
    FactForm,
    MoveForm,
    PoolExitForm,
    PoolJoinForm,
    SmeRecordForm,
    SmeRemoveForm,
    VisitForm,
)
from .records import enterprise_records, pools_for, records_history


class _IdForm(forms.Form):
    id = forms.IntegerField()


def _own(qs, pk) -> object:
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("记录不存在") from exc


@dataclass(frozen=True)
class Action:
    form: type[forms.Form]
    run: Callable[[HttpRequest, Enterprise, dict], str]  # performs the change, returns the success message
    anchor: str


def _sme_add(request, e, data) -> str:
    record = services.sme_record_add(enterprise=e, actor=request.user, **data)
    return f"已登记{record.year}年科小入库（{record.number}）"


def _sme_remove(request, e, data) -> str:
    record = _own(e.sme_records, data["record"])
    services.sme_record_remove(record=record, actor=request.user, on=data["on"], reason=data["reason"])
    return f"{record.year}年科小入库记录已移出"


def _sme_delete(request, e, data) -> str:
    services.sme_record_delete(record=_own(e.sme_records, data["id"]), actor=request.user)
    return "已删除误录的科小入库记录"


def _app_add(request, e, data) -> str:
    app = services.application_create(enterprise=e, actor=request.user, **data)
    return f"已登记{app.batch}高企申报（拟申报）"


def _app_move(request, e, data) -> str:
    app = _own(e.hnte_applications, data.pop("application"))
    app = services.application_move(application=app, actor=request.user, **data)
    return f"{app.batch}申报已推进到“{app.get_status_display()}”"


def _cert_add(request, e, data) -> str:
    cert = services.certificate_add(enterprise=e, actor=request.user, **data)
    return f"已登记高企证书{cert.number}，有效期至{cert.expires_on:%Y年%-m月%-d日}"


def _cert_delete(request, e, data) -> str:
    services.certificate_delete(certificate=_own(e.hnte_certificates, data["id"]), actor=request.user)
    return "已删除误录的高企证书"


def _pool_join(request, e, data) -> str:
    member = services.pool_add(enterprise=e, actor=request.user, **data)
    return f"已加入{member.pool.name}"


def _pool_exit(request, e, data) -> str:
    member = _own(e.pool_memberships, data.pop("member"))
    services.pool_exit(member=member, actor=request.user, **data)
    return f"已从{member.pool.name}出库"


def _fact_add(request, e, data) -> str:
    fact = services.fact_add(enterprise=e, actor=request.user, **data)
    return f"已登记：{fact}"


def _fact_delete(request, e, data) -> str:
    services.fact_delete(fact=_own(e.recorded_facts, data["id"]), actor=request.user)
    return "已删除登记事项"


def _visit_add(request, e, data) -> str:
    services.visit_add(enterprise=e, actor=request.user, **data)
    return "已登记辅导记录"


ACTIONS: dict[str, Action] = {
    "sme": Action(SmeRecordForm, _sme_add, "sme"),
    "smerm": Action(SmeRemoveForm, _sme_remove, "sme"),
    "smedel": Action(_IdForm, _sme_delete, "sme"),
    "app": Action(ApplicationForm, _app_add, "hnte"),
    "move": Action(MoveForm, _app_move, "hnte"),
    "cert": Action(CertificateForm, _cert_add, "hnte"),
    "certdel": Action(_IdForm, _cert_delete, "hnte"),
    "pool": Action(PoolJoinForm, _pool_join, "pool"),
    "exit": Action(PoolExitForm, _pool_exit, "pool"),
    "visit": Action(VisitForm, _visit_add, "visits"),
    "fact": Action(FactForm, _fact_add, "facts"),
    "factdel": Action(_IdForm, _fact_delete, "facts"),
}


def _bind(name: str, data, e: Enterprise, records) -> forms.Form:
    form_class = ACTIONS[name].form
    kwargs = {}
    if form_class is PoolJoinForm:
        kwargs["pools"] = records.pools
    if form_class is MoveForm and records.open_application is not None:
        kwargs["application"] = records.open_application
    if form_class is _IdForm:
        return form_class(data)
    return form_class(data, **kwargs)


@require_http_methods(["GET", "POST"])
def records_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "pipeline.records")
    enterprise = enterprise_get(user=request.user, pk=pk)
    writable = may(request.user, "pipeline.write")  # (the enterprise is in the user's scope)
    records = enterprise_records(enterprise, pools=pools_for(request.user, enterprise))
    bound: dict[str, forms.Form] = {}
    if request.method == "POST":
        if not writable:
            raise PermissionDenied("您对该企业的资质记录只有查看权限")
        name = request.POST.get("action", "")
        if name not in ACTIONS:
            raise Http404("未知的操作")
        form = _bind(name, request.POST, enterprise, records)
        if form.is_valid():
            try:
                message = ACTIONS[name].run(request, enterprise, dict(form.cleaned_data))
            except ServiceError as exc:
                if hasattr(form, "add_service_error"):
                    form.add_service_error(exc)
                else:
                    messages.error(request, exc.message)
                    return redirect(reverse("pipeline:records", args=[pk]) + f"#{ACTIONS[name].anchor}")
            else:
                messages.success(request, message)
                return redirect(reverse("pipeline:records", args=[pk]) + f"#{ACTIONS[name].anchor}")
        bound[name] = form
    forms_ = {}
    if writable:
        for name in ("sme", "app", "cert", "pool", "exit", "visit", "move", "fact"):
            if name in bound:
                forms_[name] = bound[name]
            else:
                forms_[name] = _bind(name, None, enterprise, records)
    context = {
        "e": enterprise,
        "r": records,
        "f": forms_,
        "writable": writable,
        "today": timezone.localdate(),
        "history": records_history(enterprise),
    }
    return render(request, "pipeline/records.html", context)
