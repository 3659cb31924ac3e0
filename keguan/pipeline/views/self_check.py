"""科小/高企 self-check: an enterprise checks itself against the official rules, with "what if" figures and
facts (never saved); bureau staff open the same page for a firm they see."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from keguan.core.permissions import may
from keguan.core.scope import can_write
from keguan.enterprises.figures import unusual_year_figures
from keguan.enterprises.models import Enterprise
from keguan.enterprises.selectors import enterprise_get, enterprise_years

from ..assess import FIGURE_FIELDS, assess_enterprise, firm_facts, hnte_years
from ..forms import SelfCheckForm
from ..present import flatten


@require_GET
def self_check_mine_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.enterprise_id is not None and may(user, "pipeline.self_check"):
        return _self_check(request, enterprise_get(user=user, pk=user.enterprise_id))
    if may(user, "pipeline.view"):
        return redirect("pipeline:precheck")
    raise Http404("您的账号未关联企业")


@require_GET
def self_check_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _self_check(request, enterprise_get(user=request.user, pk=pk))


def _self_check(request: HttpRequest, enterprise: Enterprise) -> HttpResponse:
    rows = list(enterprise_years(enterprise=enterprise))
    today = timezone.localdate()
    form = SelfCheckForm(request.GET or None)
    on, what_if, facts, estimates, estimated = today, {}, {}, None, []
    if form.is_bound:
        valid = form.is_valid()
        on = form.cleaned_data.get("on") or today  # (cleaned_data keeps the valid inputs of an invalid form)
        if valid:
            what_if, facts = form.what_if(), form.facts()
            estimates = form.estimates(hnte_years(firm_facts(enterprise, on=on)))
            estimated = form.estimated()
    current = _figures_of_year(rows, on.year - 1)
    form.show_current(current)
    result = assess_enterprise(
        enterprise, rows=rows, on=on, what_if=what_if, facts=facts, estimates=estimates
    )
    baseline = None
    if result.simulated:
        baseline = assess_enterprise(enterprise, rows=rows, on=on, estimates=estimates)
    context = {
        "e": enterprise,
        "a": result,
        "baseline": baseline,
        "form": form,
        "today": today,
        "estimated": estimated,
        "sme_parts": flatten(result.tech_sme.score),
        "hnte_parts": flatten(result.hnte.innovation),
        "is_enterprise": request.user.is_enterprise_user,
        "can_precheck": may(request.user, "pipeline.view"),
        "inputs_given": bool(what_if or facts or estimated or on != today),
        "can_fill": can_write(request.user, enterprise),
        "fill_url": reverse("enterprises:year_create", args=[enterprise.pk]),
        "unusual": unusual_year_figures({**current, **what_if}),
        "unusual_year": on.year - 1,
    }
    return render(request, "pipeline/self_check.html", context)


def _figures_of_year(rows, year: int) -> dict:
    for r in rows:
        if r.year == year:
            return {name: getattr(r, name) for name in (*FIGURE_FIELDS, "total_income")}
    return {}
