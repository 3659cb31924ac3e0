from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from keguan.accounts.models import BUREAU_ROLES, Role
from keguan.enterprises.models import Stage
from keguan.enterprises.selectors import counts_by_area, counts_by_stage
from keguan.pipeline.lists import renewal_due_count


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.role == Role.ENTERPRISE:
        return redirect("enterprises:mine")
    region = user.region
    context = {
        "region": region,
        "stage_counts": counts_by_stage(user=user),
        "stages": Stage.choices,
        "area_rows": counts_by_area(user=user, region=region) if region is not None else [],
    }
    context["total"] = sum(n for _, _, n in context["stage_counts"])
    if user.is_superuser or user.role in BUREAU_ROLES:
        context["renewals_due"] = renewal_due_count(user=user, today=timezone.localdate())
    return render(request, "core/home.html", context)


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
