"""An enterprise's qualifications page (资质与培育) and its actions, one URL each: 科小 入库 (登记, 移出, 删除),
高企 applications (登记, 推进) and certificates (补录, 删除), the cultivation pool (入库, 出库), tutoring visits and
recorded facts (登记, 删除).

GET ``/pipeline/<pk>/records/`` shows the page; every action is a POST to its own URL. A record an action
names is looked up among the enterprise's own (another firm's id: 404). An invalid form comes back in place
on the page with its errors inline (200); a change the services refuse puts their message on the form (or,
for an action without a form on the page, in a message); a change made goes back to the page's section
with a message saying what was done."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from keguan.core.errors import ServiceError
from keguan.core.permissions import demand, may
from keguan.enterprises.models import Enterprise
from keguan.enterprises.selectors import enterprise_get

from .. import services
from ..record_forms import (
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
from ..selectors import (
    application_of,
    certificate_of,
    enterprise_records,
    fact_of,
    membership_of,
    pools_for,
    records_history,
    sme_record_of,
)
from .common import errors_text

# The forms the page shows a writer, by prefix (besides the 移出 form in each current 科小 record's row, ``smerm``).
PAGE_FORMS = ("sme", "app", "cert", "pool", "exit", "visit", "move", "fact")


def _blank(name: str, records) -> forms.Form:
    if name == "pool":
        return PoolJoinForm(pools=records.pools)
    if name == "move":
        return MoveForm(application=records.open_application)
    return {"sme": SmeRecordForm, "app": ApplicationForm, "cert": CertificateForm, "exit": PoolExitForm,
            "visit": VisitForm, "fact": FactForm}[name]()


def _page(request: HttpRequest, enterprise: Enterprise, *, bound: dict | None = None) -> HttpResponse:
    """The page; ``bound``: a submitted form to show in place of its blank one (``smerm_pk``: the 科小 record
    whose 移出 form ``smerm`` is)."""
    bound = bound or {}
    writable = may(request.user, "pipeline.write")  # (the enterprise is in the user's scope)
    records = enterprise_records(enterprise, pools=pools_for(request.user, enterprise))
    forms_ = {}
    if writable:
        forms_ = {name: bound[name] if name in bound else _blank(name, records) for name in PAGE_FORMS}
    context = {
        "e": enterprise,
        "r": records,
        "f": forms_,
        "writable": writable,
        "today": timezone.localdate(),
        "history": records_history(enterprise),
        "smerm": {"pk": bound["smerm_pk"], "form": bound["smerm"], "errors": errors_text(bound["smerm"])}
        if "smerm" in bound else None,
    }
    return render(request, "pipeline/records.html", context)


@require_GET
def records_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "pipeline.records")
    return _page(request, enterprise_get(user=request.user, pk=pk))


# --- the actions ----------------------------------------------------------------------------------------------


def _enterprise(request: HttpRequest, pk: int) -> Enterprise:
    """The enterprise an action changes: the user may write qualification records, and sees the firm."""
    demand(request.user, "pipeline.records")
    demand(request.user, "pipeline.write", "您对该企业的资质记录只有查看权限")
    return enterprise_get(user=request.user, pk=pk)


def _back(enterprise: Enterprise, anchor: str) -> HttpResponse:
    return redirect(reverse("pipeline:records", args=[enterprise.pk]) + f"#{anchor}")


def _submit(
    request: HttpRequest,
    enterprise: Enterprise,
    form: forms.Form,
    *,
    name: str,
    anchor: str,
    run: Callable[[dict], str],
    placed: bool = True,
    extra: dict | None = None,
) -> HttpResponse:
    """Validate ``form`` (prefix ``name``) and make the change (``run`` returns the success message).

    ``placed``: the page shows this form (an action on a record the page offers no form for — an application
    already decided, a membership already ended — reports its problems in a message instead)."""
    if form.is_valid():
        try:
            message = run(dict(form.cleaned_data))
        except ServiceError as exc:
            if not placed:
                messages.error(request, exc.message)
                return _back(enterprise, anchor)
            form.add_service_error(exc)
        else:
            messages.success(request, message)
            return _back(enterprise, anchor)
    elif not placed:
        messages.error(request, errors_text(form))
        return _back(enterprise, anchor)
    return _page(request, enterprise, bound={name: form, **(extra or {})})


def _change(request: HttpRequest, enterprise: Enterprise, *, anchor: str, run: Callable[[], str]) -> HttpResponse:
    """A change without a form (deleting a record entered by mistake): a refusal is told in a message."""
    try:
        message = run()
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, message)
    return _back(enterprise, anchor)


# 科小 入库


@require_POST
def sme_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    e = _enterprise(request, pk)

    def run(data: dict) -> str:
        record = services.sme_record_add(enterprise=e, actor=request.user, **data)
        return f"已登记{record.year}年科小入库（{record.number}）"

    return _submit(request, e, SmeRecordForm(request.POST), name="sme", anchor="sme", run=run)


@require_POST
def sme_remove_view(request: HttpRequest, pk: int, sme_pk: int) -> HttpResponse:
    e = _enterprise(request, pk)
    record = sme_record_of(e, sme_pk)

    def run(data: dict) -> str:
        services.sme_record_remove(record=record, actor=request.user, on=data["on"], reason=data["reason"])
        return f"{record.year}年科小入库记录已移出"

    # (the page offers 移出 for a record of the current evaluation year not yet removed)
    placed = record.removed_on is None and record.year == timezone.localdate().year
    return _submit(request, e, SmeRemoveForm(request.POST), name="smerm", anchor="sme", run=run, placed=placed,
                   extra={"smerm_pk": record.pk})


@require_POST
def sme_delete_view(request: HttpRequest, pk: int, sme_pk: int) -> HttpResponse:
    e = _enterprise(request, pk)
    record = sme_record_of(e, sme_pk)

    def run() -> str:
        services.sme_record_delete(record=record, actor=request.user)
        return "已删除误录的科小入库记录"

    return _change(request, e, anchor="sme", run=run)


# 高企 applications and certificates


@require_POST
def application_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    e = _enterprise(request, pk)

    def run(data: dict) -> str:
        app = services.application_create(enterprise=e, actor=request.user, **data)
        return f"已登记{app.batch}高企申报（拟申报）"

    return _submit(request, e, ApplicationForm(request.POST), name="app", anchor="hnte", run=run)


@require_POST
def application_move_view(request: HttpRequest, pk: int, app_pk: int) -> HttpResponse:
    e = _enterprise(request, pk)
    application = application_of(e, app_pk)
    open_ = not application.is_final  # (a firm has one application under way at most: the page's form is its)

    def run(data: dict) -> str:
        app = services.application_move(application=application, actor=request.user, **data)
        return f"{app.batch}申报已推进到“{app.get_status_display()}”"

    form = MoveForm(request.POST, application=application if open_ else None)
    return _submit(request, e, form, name="move", anchor="hnte", run=run, placed=open_)


@require_POST
def certificate_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    e = _enterprise(request, pk)

    def run(data: dict) -> str:
        cert = services.certificate_add(enterprise=e, actor=request.user, **data)
        return f"已登记高企证书{cert.number}，有效期至{cert.expires_on:%Y年%-m月%-d日}"

    return _submit(request, e, CertificateForm(request.POST), name="cert", anchor="hnte", run=run)


@require_POST
def certificate_delete_view(request: HttpRequest, pk: int, cert_pk: int) -> HttpResponse:
    e = _enterprise(request, pk)
    certificate = certificate_of(e, cert_pk)

    def run() -> str:
        services.certificate_delete(certificate=certificate, actor=request.user)
        return "已删除误录的高企证书"

    return _change(request, e, anchor="hnte", run=run)


# the cultivation pool


@require_POST
def pool_join_view(request: HttpRequest, pk: int) -> HttpResponse:
    e = _enterprise(request, pk)

    def run(data: dict) -> str:
        member = services.pool_add(enterprise=e, actor=request.user, **data)
        return f"已加入{member.pool.name}"

    form = PoolJoinForm(request.POST, pools=pools_for(request.user, e))
    return _submit(request, e, form, name="pool", anchor="pool", run=run)


@require_POST
def pool_exit_view(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    e = _enterprise(request, pk)
    member = membership_of(e, member_pk)

    def run(data: dict) -> str:
        services.pool_exit(member=member, actor=request.user, **data)
        return f"已从{member.pool.name}出库"

    return _submit(request, e, PoolExitForm(request.POST), name="exit", anchor="pool", run=run,
                   placed=member.exited_on is None)


# tutoring visits and recorded facts


@require_POST
def visit_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    e = _enterprise(request, pk)

    def run(data: dict) -> str:
        services.visit_add(enterprise=e, actor=request.user, **data)
        return "已登记辅导记录"

    return _submit(request, e, VisitForm(request.POST), name="visit", anchor="visits", run=run)


@require_POST
def fact_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    e = _enterprise(request, pk)

    def run(data: dict) -> str:
        fact = services.fact_add(enterprise=e, actor=request.user, **data)
        return f"已登记：{fact}"

    return _submit(request, e, FactForm(request.POST), name="fact", anchor="facts", run=run)


@require_POST
def fact_delete_view(request: HttpRequest, pk: int, fact_pk: int) -> HttpResponse:
    e = _enterprise(request, pk)
    fact = fact_of(e, fact_pk)

    def run() -> str:
        services.fact_delete(fact=fact, actor=request.user)
        return "已删除登记事项"

    return _change(request, e, anchor="facts", run=run)
