"""科小/高企 self-check: an enterprise checks itself against the official rules, with "what if" figures and
facts (never saved); bureau staff open the same page for a firm they see."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from keguan.core.errors import ServiceError
from keguan.core.permissions import demand, may
from keguan.core.scope import can_write
from keguan.enterprises.figures import unusual_year_figures
from keguan.enterprises.models import Enterprise
from keguan.enterprises.selectors import enterprise_get, enterprise_years

from .. import services
from ..assess import FIGURE_FIELDS, assess_enterprise, estimates_from, firm_facts, hnte_years
from ..forms import SelfCheckForm
from ..models import ESTIMATE_FIELDS, HnteEstimate
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
    on, what_if, facts, estimates, estimated, valid = today, {}, {}, None, [], False
    if form.is_bound:
        valid = form.is_valid()
        on = form.cleaned_data.get("on") or today  # (cleaned_data keeps the valid inputs of an invalid form)
    stored = HnteEstimate.objects.filter(enterprise=enterprise, year=on.year).select_related("updated_by").first()
    years = hnte_years(firm_facts(enterprise, on=on))
    trying = valid and form.estimates_given()  # estimates typed in now stand in for the stored ones
    if valid:
        what_if, facts = form.what_if(), form.facts()
        if trying:
            estimates = form.estimates(years)
            estimated = form.estimated()
    if not trying and stored is not None:
        estimates = estimates_from({name: getattr(stored, name) for name in ESTIMATE_FIELDS}, years)
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
        "stored_estimate": stored if not trying else None,
        "save_estimates": trying and may(request.user, "pipeline.write"),
        "estimate_values": form.stored_estimates() if trying else {},
        "estimate_year": on.year,
        "stored_version": stored.version if stored is not None else None,
        "unusual_year": on.year - 1,
    }
    return render(request, "pipeline/self_check.html", context)


def _figures_of_year(rows, year: int) -> dict:
    for r in rows:
        if r.year == year:
            return {name: getattr(r, name) for name in (*FIGURE_FIELDS, "total_income")}
    return {}


@require_POST
def estimates_save_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Keep the estimates just tried on the self-check for the application year, so the self-check (and whoever
    opens it next) uses them until they are changed."""
    demand(request.user, "pipeline.write", "只有区县科技局工作人员可以保存专家评分估计")
    enterprise = enterprise_get(user=request.user, pk=pk)
    form = SelfCheckForm(request.POST)
    back = reverse("pipeline:self_check_for", args=[pk])
    if not form.is_valid():
        messages.error(request, "专家评分估计未保存：输入有误，请在“模拟测算”中核对")
        return redirect(back)
    year = (form.cleaned_data.get("on") or timezone.localdate()).year
    version = request.POST.get("estimate_version")
    try:
        services.estimate_save(enterprise=enterprise, actor=request.user, year=year,
                               version=int(version) if version and version.isdigit() else None,
                               **form.stored_estimates())
    except ServiceError as exc:
        messages.error(request, f"专家评分估计未保存：{exc.message}")
    else:
        messages.success(request, f"已保存{year}年高企专家评分估计，本企业的自评页面将按此计算，直至再次修改")
    return redirect(back + (f"?on={form.cleaned_data['on']:%Y-%m-%d}" if form.cleaned_data.get("on") else ""))
