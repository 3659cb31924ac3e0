"""辅导走访记录: every tutoring visit in the user's region, by date (the work summary's figure links here)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from keguan.accounts.preferences import list_state
from keguan.core.scope import covers_districts

from ..forms_lists import VisitFilterForm
from ..selectors import visit_list
from .common import VISIT_LIST, query_without, require_lists


@require_GET
def visits_view(request: HttpRequest) -> HttpResponse:
    require_lists(request.user)
    form = VisitFilterForm(request.GET or None, user=request.user)
    qs = visit_list(user=request.user, filters=form.filters())
    kit = list_state(request, VISIT_LIST)
    return render(request, "pipeline/lists/visits.html", {
        "form": form,
        "kit": kit,
        "page": kit.paginate(request, qs),
        "query": query_without(request.GET, "page"),
        "city_wide": covers_districts(request.user),
        "link_note": form.link_note(),
        "filtered": bool(request.GET),
    })
