"""企业走访: the list (filters, export, the list kit), a visit's page, recording one (from the list or from a
firm's page, with the needs the firm raised on the spot) and editing it (optimistic locking)."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from keguan.accounts.preferences import list_state
from keguan.core.errors import ServiceError
from keguan.core.excel import build_xlsx, xlsx_response
from keguan.core.lists import BatchAction, Column, ListSpec, register_list, selected_ids
from keguan.core.pagination import querystring_without
from keguan.core.permissions import demand, may
from keguan.core.scope import covers_districts

from ..forms.ledger import NEED_ROWS, NeedRowForm, VisitFilterForm, VisitForm
from ..models import NeedSource
from ..selectors.ledger import firm_for_staff, visit_get, visit_list
from ..services import ledger as services

VISIT_LIST = register_list(ListSpec(code="outreach.visits", title="企业走访", selectable=True, columns=(
    Column("visited_on", "走访日期", fixed=True), Column("name", "企业名称", fixed=True), Column("place", "乡镇/街道"),
    Column("way", "方式"), Column("visitors", "走访人员"), Column("met", "接待人", default=False),
    Column("notes", "走访情况"), Column("needs", "收集需求"),
), actions=(BatchAction("export", "导出所选", "outreach:visit_export", "outreach.export", "file-earmark-excel"),)))


def _filtered(request: HttpRequest):
    form = VisitFilterForm(request.GET or None, user=request.user)
    return form, visit_list(user=request.user, filters=form.filters())


@require_GET
def visit_list_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "outreach.view")
    form, qs = _filtered(request)
    kit = list_state(request, VISIT_LIST)
    return render(request, "outreach/ledger/visits.html", {
        "form": form, "kit": kit, "page": kit.paginate(request, qs), "query": querystring_without(request, "page"),
        "note": form.note(), "city_wide": covers_districts(request.user),
        "can_create": may(request.user, "outreach.manage"), "can_export": may(request.user, "outreach.export"),
        "can_import": may(request.user, "outreach.import") and may(request.user, "outreach.manage"),
    })


def visits_xlsx(qs, *, note: str) -> bytes:
    rows = ([v.visited_on, v.enterprise.name, v.enterprise.credit_code, v.district.name,
             v.township.name if v.township else "", v.get_way_display(), v.visitors, v.met, v.notes, v.n_needs]
            for v in qs.iterator(chunk_size=2000))
    return build_xlsx(title="企业走访", headers=["走访日期", "企业名称", "统一社会信用代码", "区县", "乡镇/街道", "方式",
                                                 "走访人员", "接待人", "走访情况", "收集需求（项）"],
                      rows=rows, widths=[12, 30, 22, 10, 12, 10, 24, 14, 60, 12], note=f"查询条件：{note or '全部'}")


@require_GET
def visit_export_view(request: HttpRequest) -> HttpResponse:
    """The list as filtered, or exactly the ticked visits (``ids``) among those the user may see."""
    demand(request.user, "outreach.export")
    ids = selected_ids(request.GET)
    if ids:
        qs, note = visit_list(user=request.user).filter(pk__in=ids), f"所选 {len(ids)} 条"
    else:
        form, qs = _filtered(request)
        note = form.note()
    return xlsx_response(visits_xlsx(qs, note=note), f"企业走访-{timezone.localtime():%Y%m%d-%H%M}.xlsx")


def _need_rows(request: HttpRequest) -> list[NeedRowForm]:
    data = request.POST if request.method == "POST" else None
    return [NeedRowForm(data, prefix=f"need{i}") for i in range(NEED_ROWS)]


@require_http_methods(["GET", "POST"])
def visit_create_view(request: HttpRequest) -> HttpResponse:
    """登记走访: from the list (the firm typed by its code or name) or from a firm's page (``?enterprise=``)."""
    user = request.user
    demand(user, "outreach.manage")
    firm = firm_for_staff(user=user, pk=request.GET.get("enterprise")) if request.GET.get("enterprise") else None
    form = VisitForm(request.POST or None, fixed_firm=firm is not None)
    rows = _need_rows(request)
    if request.method == "POST":
        valid = form.is_valid() & all([r.is_valid() for r in rows])
        if valid:
            d = form.cleaned_data
            target = firm or firm_for_staff(user=user, text=d["enterprise"])
            if target is None:
                form.add_error("enterprise", "在您的辖区企业库中找不到该企业，请填写统一社会信用代码或企业全称")
            else:
                try:
                    with transaction.atomic():
                        visit = services.visit_create(actor=user, enterprise=target, visited_on=d["visited_on"],
                                                      way=d["way"], visitors=d["visitors"], met=d["met"],
                                                      notes=d["notes"])
                        n = 0
                        for r in rows:
                            if r.filled:
                                services.need_create(actor=user, enterprise=target, category=r.cleaned_data["category"],
                                                     description=r.cleaned_data["description"], source=NeedSource.VISIT,
                                                     raised_on=visit.visited_on, visit=visit, reason="走访时收集需求")
                                n += 1
                except ServiceError as exc:
                    form.add_service_error(exc)
                else:
                    messages.success(request, f"已登记走访“{target.name}”" + (f"，收集需求 {n} 项" if n else ""))
                    return redirect("outreach:visit", pk=visit.pk)
    return render(request, "outreach/ledger/visit_form.html", {"form": form, "rows": rows, "firm": firm, "visit": None})


@require_GET
def visit_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "outreach.view")
    visit = visit_get(user=request.user, pk=pk)
    return render(request, "outreach/ledger/visit.html", {
        "visit": visit, "needs": visit.needs.select_related("owner").order_by("id"),
        "can_edit": may(request.user, "outreach.manage"),
    })


@require_http_methods(["GET", "POST"])
def visit_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "outreach.manage")
    visit = visit_get(user=request.user, pk=pk, write=True)
    initial = {"enterprise": visit.enterprise.credit_code, "visited_on": visit.visited_on, "way": visit.way,
               "visitors": visit.visitors, "met": visit.met, "notes": visit.notes, "version": visit.version}
    form = VisitForm(request.POST or None, initial=initial, fixed_firm=True)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.visit_update(visit=visit, actor=request.user, expected_version=d.get("version"),
                                  visited_on=d["visited_on"], way=d["way"], visitors=d["visitors"], met=d["met"],
                                  notes=d["notes"])
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "走访记录已保存")
            return redirect("outreach:visit", pk=visit.pk)
    return render(request, "outreach/ledger/visit_form.html", {"form": form, "rows": [], "firm": visit.enterprise,
                                                                "visit": visit})


urlpatterns = [
    path("visits/", visit_list_view, name="visits"),
    path("visits/export.xlsx", visit_export_view, name="visit_export"),
    path("visits/new/", visit_create_view, name="visit_new"),
    path("visits/<int:pk>/", visit_detail_view, name="visit"),
    path("visits/<int:pk>/edit/", visit_edit_view, name="visit_edit"),
]
