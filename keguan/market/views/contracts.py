"""技术合同登记: the list (吸纳/输出 for the user's region, kind, month or dates, district, keyword; export), a
contract's page, registering, editing and deleting one, and the totals by district and month."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from keguan.accounts.preferences import list_state
from keguan.core.errors import ServiceError
from keguan.core.excel import build_xlsx, xlsx_response
from keguan.core.history import entries_for
from keguan.core.lists import BatchAction, Column, ListSpec, filter_summary, register_list, selected_ids
from keguan.core.pagination import querystring_without
from keguan.core.permissions import demand, may
from keguan.core.scope import covers_districts

from ..forms import ContractFilterForm, ContractForm, TotalsForm
from ..models import TechContract
from ..selectors import (
    MEASURES,
    WAN,
    contract_get,
    contract_list,
    contract_list_totals,
    contract_sides,
    contract_totals,
    contract_years,
)
from ..services import contract_create, contract_update
from .common import Removal, delete_view, filter_districts, scope_name, stamp

CONTRACT_LIST = register_list(ListSpec(code="market.contracts", title="技术合同登记", columns=(
    Column("number", "登记编号", fixed=True), Column("name", "合同名称"), Column("kind", "类别"),
    Column("seller", "卖方"), Column("buyer", "买方"), Column("registered_on", "登记日期"),
    Column("contract", "合同成交额"), Column("transaction", "技术交易额"), Column("registrar", "登记机构", default=False),
), actions=(BatchAction("export", "导出所选", "market:contracts_export", "market.export", "file-earmark-excel"),),
    selectable=True, per_page=20))


def _filtered(request: HttpRequest):
    form = ContractFilterForm(request.GET or None, districts=filter_districts(request.user))
    filters = form.filters()
    return form, filters, contract_list(user=request.user, filters=filters)


@require_GET
def contract_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    demand(user, "market.view")
    form, filters, qs = _filtered(request)
    kit = list_state(request, CONTRACT_LIST)
    page = kit.paginate(request, qs)
    return render(request, "market/contracts.html", {
        "kit": kit, "form": form, "page": page, "totals": contract_list_totals(qs),
        "query": querystring_without(request, "page"),
        "filtered": form.is_bound and any(v for k, v in request.GET.items() if k not in ("page", "print")),
        "invalid": filters.invalid, "city_wide": covers_districts(user),
        "can_write": may(user, "market.manage"), "can_export": may(user, "market.export"),
        "can_import": may(user, "market.import") and may(user, "market.manage"),
    })


def contracts_xlsx(qs, *, title: str, note: str) -> bytes:
    headers = ["合同登记编号", "合同名称", "合同类别", "卖方名称", "卖方所在地区", "买方名称", "买方所在地区", "登记日期",
               "合同成交额（万元）", "技术交易额（万元）", "登记机构"]
    rows = ([c.number, c.name, c.get_kind_display(), c.seller_name, c.seller_area, c.buyer_name, c.buyer_area,
             c.registered_on, c.contract_amount / WAN, c.transaction_amount / WAN, c.registrar]
            for c in qs.iterator(chunk_size=2000))
    return build_xlsx(title=title, headers=headers, rows=rows, note=note,
                      widths=[22, 36, 10, 30, 16, 30, 16, 12, 16, 16, 20])


@require_GET
def contract_export_view(request: HttpRequest) -> HttpResponse:
    """The list as filtered, or (导出所选) the ticked contracts among those the user may see."""
    demand(request.user, "market.export")
    ids = selected_ids(request.GET)
    if ids:
        form, qs = None, contract_list(user=request.user).filter(pk__in=ids)
    else:
        form, _filters, qs = _filtered(request)
    scope = scope_name(request.user)
    note = f"范围：{scope}\n条件：{'所选合同' if ids else filter_summary(form)}\n导出时间：{timezone.localtime():%Y-%m-%d %H:%M}"
    return xlsx_response(contracts_xlsx(qs, title="技术合同", note=note), f"技术合同登记-{scope}-{stamp()}.xlsx")


@require_GET
def contract_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "market.view")
    contract = contract_get(user=request.user, pk=pk)
    history = entries_for(TechContract.history.filter(id=contract.pk), subject=contract.number, model=TechContract,
                          skip=frozenset({"version"}))
    return render(request, "market/contract.html", {
        "contract": contract, "sides": contract_sides(contract), "history": history,
        "can_write": may(request.user, "market.manage"),
    })


def _save(request: HttpRequest, form: ContractForm, contract: TechContract | None) -> TechContract | None:
    try:
        if contract is None:
            return contract_create(actor=request.user, **form.service_data())
        return contract_update(contract=contract, actor=request.user, version=form.cleaned_data.get("version"),
                               **form.service_data())
    except ServiceError as exc:
        if exc.field in ("contract_amount", "transaction_amount"):
            exc.field = exc.field.replace("_amount", "_wan")
        form.add_service_error(exc)
        return None


@require_http_methods(["GET", "POST"])
def contract_create_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "market.manage")
    form = ContractForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        contract = _save(request, form, None)
        if contract is not None:
            messages.success(request, f"已登记技术合同 {contract.number}")
            return redirect("market:contract", pk=contract.pk)
    return render(request, "market/contract_form.html", {"form": form, "contract": None})


@require_http_methods(["GET", "POST"])
def contract_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "market.manage")
    contract = contract_get(user=request.user, pk=pk, write=True)
    form = ContractForm(request.POST or None, actor=request.user, contract=contract)
    if request.method == "POST" and form.is_valid():
        if _save(request, form, contract) is not None:
            messages.success(request, "技术合同已保存")
            return redirect("market:contract", pk=pk)
    return render(request, "market/contract_form.html", {"form": form, "contract": contract})


contract_delete_view = delete_view(Removal(contract_get, lambda c: f"{c.number} {c.name}", "market:contracts", "技术合同登记",
                                           "market:contract"))


@require_GET
def totals_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    demand(user, "market.view")
    years = contract_years(user=user)
    form = TotalsForm(request.GET or None, years=years)
    year, measure = years[0], "count"
    if form.is_bound and form.is_valid():
        year = form.cleaned_data.get("year") or year
        measure = form.cleaned_data.get("measure") or measure
    totals = contract_totals(user=user, year=year)
    months = list(range(1, 13))
    tables = []
    for side, label in (("absorb", "吸纳"), ("output", "输出")):
        tables.append({"side": side, "label": label, "rows": [
            {"row": r, "values": [r.cell(side, m).value(measure) for m in months], "year": r.cell(side, 0)}
            for r in totals.rows]})
    return render(request, "market/totals.html", {
        "form": form, "year": year, "measure": measure, "measure_label": MEASURES[measure], "months": months,
        "tables": tables, "totals": totals, "city_wide": covers_districts(user),
        "summary": [{"row": r, "absorb": r.cell("absorb", 0), "output": r.cell("output", 0)} for r in totals.rows],
    })
