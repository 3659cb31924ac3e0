"""Rounds: the list, opening one, its page (summary cards, the firms' table), editing it, exporting it."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from keguan.accounts.preferences import list_state
from keguan.core.errors import ServiceError
from keguan.core.excel import xlsx_response
from keguan.core.lists import Column, ListSpec, register_list
from keguan.core.pagination import querystring_without
from keguan.core.permissions import demand, may
from keguan.core.scope import home_district
from keguan.enterprises.selectors import districts_in_scope

from ..exports import rd_round_export_xlsx
from ..forms import FirmAddForm, FirmFilterForm, RoundCreateForm, RoundEditForm
from ..models import CallOutcome
from ..selectors import (
    WAN,
    FirmFilters,
    round_firms,
    round_get,
    round_list,
    round_summary,
    round_targets,
    round_townships,
    round_years,
    township_progress,
)
from ..services import rd_round_create, rd_round_update

# The list kit (keguan.core.lists) on a round's firms.
FIRM_LIST = register_list(ListSpec(code="rd.firms", title="填报名单", columns=(
    Column("name", "企业名称", fixed=True), Column("township", "乡镇/街道"), Column("status", "状态"),
    Column("amount", "填报金额"), Column("reported_on", "填报日期"), Column("ref_rd", "年报研发费用"),
    Column("calls", "最近跟进"),
), per_page=50))


def _int(value) -> int | None:
    """A query-string id or year; anything else (text, absurd numbers) as -1, which matches nothing."""
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return -1
    return number if 0 < number < 2**31 else -1


@require_GET
def round_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    demand(user, "rd.view")
    year, district = _int(request.GET.get("year")), _int(request.GET.get("district"))
    own = home_district(user)
    districts = [] if own is not None else list(districts_in_scope(user=user))
    if own is not None:
        district = None  # a district bureau sees its own rounds only
    elif district is not None and district not in {d.pk for d in districts}:
        district = -1  # a district outside the user's area matches nothing
    rounds = list(round_list(user=user, year=year, district=district))
    targets = round_targets(rounds)
    for r in rounds:
        r.n_missing = r.n_firms - r.n_reported
        r.rate = Decimal(r.n_reported) / r.n_firms if r.n_firms else None
        r.target = targets.get((r.district_id, r.year))
        r.completion = (r.total or Decimal(0)) / WAN / r.target if r.target else None
    context = {
        "rounds": rounds,
        "years": round_years(user=user),
        "year": year,
        "districts": districts,
        "district": district,
        "filtered": year is not None or district is not None,
        "can_create": may(user, "rd.write") and own is not None,
        "own_district": own,
    }
    return render(request, "rd/list.html", context)


@require_http_methods(["GET", "POST"])
def round_create_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    demand(user, "rd.write")
    district = home_district(user)
    if district is None:
        raise PermissionDenied("只有区县科技局人员可以建立本区县的研发经费填报")
    form = RoundCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            rd_round = rd_round_create(actor=user, district=district, year=d["year"], title=d["title"],
                                       opened_on=d["opened_on"], due_on=d["due_on"], note=d["note"])
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            n = rd_round.firms.count()
            messages.success(request, f"已建立“{rd_round.title}”，按规则列入规上且有研发活动的企业 {n} 家，可在名单中增删。")
            return redirect("rd:round", pk=rd_round.pk)
    return render(request, "rd/round_form.html", {"form": form, "district": district, "rd_round": None})


@require_http_methods(["GET", "POST"])
def round_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "rd.write")
    rd_round = round_get(user=request.user, pk=pk, write=True)
    form = RoundEditForm(request.POST or None, instance=rd_round)
    if request.method == "POST" and form.is_valid():
        fresh = round_get(user=request.user, pk=pk, write=True)  # the form has written onto ``rd_round``
        try:
            rd_round_update(rd_round=fresh, actor=request.user, **{k: form.cleaned_data[k] for k in form.Meta.fields})
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "填报信息已保存")
            return redirect("rd:round", pk=pk)
    return render(request, "rd/round_form.html", {"form": form, "district": rd_round.district, "rd_round": rd_round})


def _filtered(request: HttpRequest, rd_round):
    form = FirmFilterForm(request.GET or None, townships=round_townships(rd_round))
    if not form.is_bound:
        filters = FirmFilters()
    elif form.is_valid():
        d = form.cleaned_data
        filters = FirmFilters(status=d.get("status") or "", township=d["township"].pk if d.get("township") else None,
                              q=(d.get("q") or "").strip(), sort=d.get("sort") or "name")
    else:
        filters = FirmFilters(invalid=True)  # a wrong condition shows nothing, never everything
    return form, filters, round_firms(rd_round=rd_round, filters=filters)


def _filters_note(form) -> str:
    if not (form.is_bound and form.is_valid()):
        return ""
    d = form.cleaned_data
    parts = []
    if d.get("status"):
        parts.append(dict(form.fields["status"].choices)[d["status"]])
    if d.get("township"):
        parts.append(d["township"].name)
    if d.get("q"):
        parts.append(f"关键词“{d['q']}”")
    return "，".join(parts)


@require_GET
def round_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "rd.view")
    rd_round = round_get(user=request.user, pk=pk)
    summary = round_summary(rd_round)
    if request.htmx and request.GET.get("part") == "cards":
        return render(request, "rd/round.html#cards", {"rd_round": rd_round, "summary": summary})
    form, filters, qs = _filtered(request, rd_round)
    kit = list_state(request, FIRM_LIST)
    page = kit.paginate(request, qs)
    context = {
        "kit": kit,
        "rd_round": rd_round,
        "summary": summary,
        "townships": township_progress(rd_round),
        "form": form,
        "page": page,
        "query": querystring_without(request, "page"),
        "filtered": bool(_filters_note(form)) or filters.invalid,
        "can_write": may(request.user, "rd.write"),
        # 导入填报金额 / 下载模板: the import engine's pages for this round (``exchange.RD_AMOUNTS``)
        "can_import": may(request.user, "rd.import") and may(request.user, "rd.write"),
        "import_query": urlencode({"region": rd_round.district.code, "round": rd_round.pk}),
        "add_form": FirmAddForm(),
        "outcomes": dict(CallOutcome.choices),
        "today": timezone.localdate(),
    }
    template = "rd/round.html#results" if request.htmx and not request.htmx.boosted else "rd/round.html"
    return render(request, template, context)


@require_GET
def round_export_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "rd.export")
    rd_round = round_get(user=request.user, pk=pk)
    form, _filters, qs = _filtered(request, rd_round)
    content = rd_round_export_xlsx(rd_round, qs, summary=round_summary(rd_round), filters_note=_filters_note(form))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(content, f"研发经费填报-{rd_round.district.name}-{rd_round.year}年度-{stamp}.xlsx")
