"""A firm of a round: its page (reported amount, the accounting figure for reference, calls, history),
recording or clearing its amount (also inline in the round's table, with htmx), logging a call, adding a
firm to the list and taking one off it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keguan.accounts.preferences import list_state
from keguan.core.errors import ServiceError
from keguan.core.permissions import demand, may

from ..forms import AmountForm, CallForm, FirmAddForm
from ..history import firm_history
from ..models import CallOutcome
from ..selectors import (
    district_enterprise_lookup,
    firm_calls,
    firm_get,
    firm_reference_years,
    firm_row,
    round_get,
)
from ..services import rd_amount_clear, rd_amount_record, rd_call_log, rd_firm_add, rd_firm_remove
from .common import errors_text
from .rounds import FIRM_LIST


def _firm_page(request: HttpRequest, firm, *, amount_form=None, call_form=None, status: int = 200) -> HttpResponse:
    writer = may(request.user, "rd.write")
    context = {
        "firm": firm,
        "rd_round": firm.round,
        "e": firm.enterprise,
        "reference": firm_reference_years(firm),
        "calls": firm_calls(firm),
        "history": firm_history(firm),
        "can_write": writer,
        "amount_form": amount_form or (AmountForm(firm=firm) if writer else None),
        "call_form": call_form or (CallForm() if writer else None),
        "promised": CallOutcome.PROMISED,
    }
    return render(request, "rd/firm.html", context, status=status)


@require_GET
def firm_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "rd.view")
    firm = firm_get(user=request.user, pk=pk)
    if request.htmx and request.GET.get("part") == "row":  # (the inline editor's 取消)
        return _row(request, firm)
    return _firm_page(request, firm)


def _row(request: HttpRequest, firm, *, changed: bool = False) -> HttpResponse:
    response = render(request, "rd/round.html#firm_row", {
        "kit": list_state(request, FIRM_LIST), "f": firm_row(firm), "rd_round": firm.round, "can_write": may(request.user, "rd.write"),
        "outcomes": dict(CallOutcome.choices),
    })
    if changed:
        response["HX-Trigger"] = "rd-changed"  # the summary cards refresh themselves
    return response


@require_http_methods(["GET", "POST"])
def firm_report_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Record or correct the amount. With htmx (the round's table) the row turns into a small form and back."""
    demand(request.user, "rd.write")
    firm = firm_get(user=request.user, pk=pk, write=True)
    inline = bool(request.htmx)
    if request.method == "GET":
        if inline:
            return render(request, "rd/_row_form.html", {"f": firm, "form": AmountForm(firm=firm)})
        return _firm_page(request, firm)
    form = AmountForm(request.POST, firm=firm)
    if form.is_valid():
        try:
            rd_amount_record(firm=firm, actor=request.user, amount=form.amount_yuan(),
                             reported_on=form.cleaned_data["reported_on"], note=form.cleaned_data["note"])
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            if inline:
                return _row(request, firm, changed=True)
            messages.success(request, f"已登记“{firm.enterprise.name}”填报研发经费 {form.cleaned_data['amount_wan']:f} 万元")
            return redirect("rd:firm", pk=pk)
    if inline:
        return render(request, "rd/_row_form.html", {"f": firm, "form": form})
    return _firm_page(request, firm, amount_form=form)


@require_POST
def firm_clear_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "rd.write")
    firm = firm_get(user=request.user, pk=pk, write=True)
    try:
        rd_amount_clear(firm=firm, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已清除“{firm.enterprise.name}”的填报金额，该企业恢复为未填报")
    return redirect("rd:firm", pk=pk)


@require_POST
def firm_call_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "rd.write")
    firm = firm_get(user=request.user, pk=pk, write=True)
    form = CallForm(request.POST)
    if form.is_valid():
        try:
            rd_call_log(firm=firm, actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "跟进记录已保存")
            return redirect(reverse("rd:firm", kwargs={"pk": pk}) + "#calls")
    return _firm_page(request, firm, call_form=form)


@require_POST
def firm_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "rd.write")
    rd_round = round_get(user=request.user, pk=pk, write=True)
    form = FirmAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"未添加：{errors_text(form)}")
        return redirect("rd:round", pk=pk)
    enterprise = district_enterprise_lookup(rd_round=rd_round, text=form.cleaned_data["enterprise"])
    if enterprise is None:
        messages.error(request, f"未添加：{rd_round.district.name}企业库中没有统一社会信用代码或全称为“{form.cleaned_data['enterprise']}”的企业"
                                "（须先在企业库中登记）")
        return redirect("rd:round", pk=pk)
    try:
        firm = rd_firm_add(rd_round=rd_round, actor=request.user, enterprise=enterprise, note=form.cleaned_data["note"])
    except ServiceError as exc:
        messages.error(request, f"未添加：{exc.message}")
        return redirect("rd:round", pk=pk)
    messages.success(request, f"已将“{enterprise.name}”列入填报名单")
    return redirect("rd:firm", pk=firm.pk)


@require_POST
def firm_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "rd.write")
    firm = firm_get(user=request.user, pk=pk, write=True)
    try:
        rd_firm_remove(firm=firm, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("rd:firm", pk=pk)
    messages.success(request, f"已将“{firm.enterprise.name}”移出填报名单")
    return redirect("rd:round", pk=firm.round_id)
