"""科小入库: the district list of 入库 records by evaluation year, and its export."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from keguan.accounts.preferences import list_state
from keguan.core.excel import xlsx_response
from keguan.core.permissions import demand, may
from keguan.core.scope import covers_districts

from ..exports import sme_records_xlsx
from ..forms_lists import SmeFilterForm
from ..selectors import sme_list, sme_year_counts, sme_years
from .common import SME_LIST, query_without, require_lists, scope_name, stamp


def _sme(request: HttpRequest):
    user = request.user
    today = timezone.localdate()
    form = SmeFilterForm(request.GET or None, user=user, years=sme_years(user=user))
    filters = form.filters()
    return today, form, filters, sme_list(user=user, filters=filters, today=today)


@require_GET
def sme_records_view(request: HttpRequest) -> HttpResponse:
    require_lists(request.user)
    today, form, filters, qs = _sme(request)
    kit = list_state(request, SME_LIST)
    context = {
        "form": form,
        "kit": kit,
        "page": kit.paginate(request, qs),
        "query": query_without(request.GET, "page"),
        "year_query": query_without(request.GET, "page", "year"),
        "year_counts": sme_year_counts(user=request.user, filters=filters, today=today),
        "current_year": filters.year,
        "today": today,
        "city_wide": covers_districts(request.user),
        "can_import": may(request.user, "pipeline.import"),
        "link_note": form.link_note(),
        "filtered": bool(request.GET),
    }
    return render(request, "pipeline/lists/sme_records.html", context)


@require_GET
def sme_export_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "pipeline.export")
    today, form, _filters, qs = _sme(request)
    scope = scope_name(request.user)
    content = sme_records_xlsx(qs, scope_name=scope, filters=form.note(), today=today)
    return xlsx_response(content, f"科小入库-{scope}-{stamp()}.xlsx")
