"""高企证书: the district list with the 重新认定 reminders (certificates expiring within six months), and its
export."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from keguan.accounts.preferences import list_state
from keguan.core.excel import xlsx_response
from keguan.core.permissions import demand
from keguan.core.scope import covers_districts

from ..exports import certificates_xlsx
from ..forms_lists import CertificateFilterForm
from ..selectors import (
    CERT_RENEW,
    RENEWAL_MONTHS,
    certificate_list,
    certificate_rows,
    certificate_years,
    renewal_due_count,
    renewal_due_preview,
    renewal_horizon,
)
from .common import CERTIFICATE_LIST, query_without, require_lists, scope_name, stamp


def _certificates(request: HttpRequest):
    user = request.user
    today = timezone.localdate()
    form = CertificateFilterForm(request.GET or None, user=user, years=certificate_years(user=user))
    filters = form.filters()
    return today, form, filters, certificate_list(user=user, filters=filters, today=today)


@require_GET
def certificates_view(request: HttpRequest) -> HttpResponse:
    require_lists(request.user)
    today, form, filters, qs = _certificates(request)
    kit = list_state(request, CERTIFICATE_LIST)
    page = kit.paginate(request, qs)
    showing_due = filters.state == CERT_RENEW
    context = {
        "form": form,
        "kit": kit,
        "page": page,
        "rows": certificate_rows(list(page.object_list), today=today),
        "query": query_without(request.GET, "page"),
        "today": today,
        "horizon": renewal_horizon(today),
        "months": RENEWAL_MONTHS,
        "due_count": renewal_due_count(user=request.user, today=today),
        "due_rows": [] if showing_due else renewal_due_preview(user=request.user, today=today),
        "showing_due": showing_due,
        "link_note": form.link_note(),
        "city_wide": covers_districts(request.user),
        "filtered": bool(request.GET),
    }
    return render(request, "pipeline/lists/certificates.html", context)


@require_GET
def certificates_export_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "pipeline.export")
    today, form, _filters, qs = _certificates(request)
    scope = scope_name(request.user)
    content = certificates_xlsx(qs, scope_name=scope, filters=form.note(), today=today)
    return xlsx_response(content, f"高企证书-{scope}-{stamp()}.xlsx")
