"""高企申报 by batch: the district list (counts per status, filters) with its export, and a new batch."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from keguan.accounts.preferences import list_state
from keguan.core.errors import ServiceError
from keguan.core.excel import xlsx_response
from keguan.core.permissions import demand, may
from keguan.core.scope import covers_districts

from .. import services
from ..exports import applications_xlsx
from ..forms_lists import ApplicationFilterForm, BatchForm
from ..selectors import application_list, application_status_counts, batch_default
from .common import APPLICATION_LIST, query_without, require_lists, scope_name, stamp


def _can_create_batch(user) -> bool:
    return may(user, "pipeline.batches")


def _application_params(request: HttpRequest) -> QueryDict:
    """The query, or on a bare visit the newest batch the user's district has applications in."""
    if request.GET:
        return request.GET
    params = QueryDict(mutable=True)
    batch = batch_default(user=request.user)
    if batch is not None:
        params["batch"] = str(batch.pk)
    return params


def _applications(request: HttpRequest):
    params = _application_params(request)
    form = ApplicationFilterForm(params or None, user=request.user)
    filters = form.filters()
    return params, form, filters, application_list(user=request.user, filters=filters)


def _applications_page(request: HttpRequest, batch_form: BatchForm | None = None) -> HttpResponse:
    user = request.user
    params, form, filters, qs = _applications(request)
    counts = application_status_counts(user=user, filters=filters)
    can_batch = _can_create_batch(user)
    batch = form.cleaned_data.get("batch") if form.is_bound and form.is_valid() else None
    kit = list_state(request, APPLICATION_LIST)
    context = {
        "form": form,
        "kit": kit,
        "page": kit.paginate(request, qs),
        "query": query_without(params, "page"),
        "status_query": query_without(params, "page", "status"),
        "counts": counts,
        "counts_total": sum(n for *_, n in counts),
        "current_status": filters.status,
        "batch": batch,
        "city_wide": covers_districts(user),
        "can_batch": can_batch,
        "can_edit": may(user, "pipeline.write"),
        "batch_form": batch_form or (BatchForm() if can_batch else None),
        "batch_form_open": batch_form is not None,
        "link_note": form.link_note(),
        "filtered": bool(request.GET),
    }
    return render(request, "pipeline/lists/applications.html", context)


@require_GET
def applications_view(request: HttpRequest) -> HttpResponse:
    require_lists(request.user)
    return _applications_page(request)


@require_GET
def applications_export_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "pipeline.export")
    _params, form, _filters, qs = _applications(request)
    scope = scope_name(request.user)
    content = applications_xlsx(qs, scope_name=scope, filters=form.note())
    return xlsx_response(content, f"高企申报-{scope}-{stamp()}.xlsx")


@require_POST
def batch_create_view(request: HttpRequest) -> HttpResponse:
    require_lists(request.user)
    if not _can_create_batch(request.user):
        raise PermissionDenied("只有市局和区县科技局人员可以新建申报批次")
    form = BatchForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            batch = services.batch_create(year=d["year"], seq=d["seq"], deadline=d["deadline"], note=d["note"])
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"已新建申报批次“{batch}”，可在各企业的“资质与培育”页登记拟申报")
            return redirect(f"{reverse('pipeline:applications')}?batch={batch.pk}")
    return _applications_page(request, batch_form=form)
