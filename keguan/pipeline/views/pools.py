"""培育库: the district's pools (with their counts), a new pool, one pool's members, and every pool's members
(the indicators' figures link there), each with its export."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from keguan.accounts.preferences import list_state
from keguan.core.errors import ServiceError
from keguan.core.excel import xlsx_response
from keguan.core.permissions import demand, may
from keguan.core.scope import covers_districts, home_district

from .. import services
from ..exports import pool_members_xlsx
from ..forms_lists import MemberFilterForm, PoolForm, PoolMembersFilterForm
from ..selectors import MEMBER_STATES, pool_counts, pool_get, pool_list, pool_members
from .common import POOL_DETAIL_LIST, POOL_MEMBER_LIST, query_without, require_lists, scope_name, stamp


def _own_district(user, what: str = "建立本区县的培育库"):
    """The district a district editor works for (pools are built there)."""
    district = home_district(user)
    if district is None or not may(user, "pipeline.write"):
        raise PermissionDenied(f"只有区县科技局人员可以{what}")
    return district


def _pools_page(request: HttpRequest, pool_form: PoolForm | None = None) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    district = home_district(user) if may(user, "pipeline.write") else None
    pools = list(pool_list(user=user, today=today))
    ended = [p for p in pools if p.end_year < today.year]
    show_all = request.GET.get("all") == "1" or len(ended) == len(pools)
    shown = pools if show_all else [p for p in pools if p.end_year >= today.year]
    context = {
        "pools": shown,
        "ended_count": len(ended),
        "show_all": show_all,
        "totals": {k: sum(getattr(p, k) for p in shown) for k in ("n_in", "n_entered_year", "n_recognised", "n_total")},
        "today": today,
        "city_wide": covers_districts(user),
        "district": district,
        "pool_form": pool_form or (PoolForm() if district is not None else None),
        "pool_form_open": pool_form is not None,
    }
    return render(request, "pipeline/lists/pools.html", context)


@require_GET
def pools_view(request: HttpRequest) -> HttpResponse:
    require_lists(request.user)
    return _pools_page(request)


@require_POST
def pool_create_view(request: HttpRequest) -> HttpResponse:
    require_lists(request.user)
    district = _own_district(request.user)
    form = PoolForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            pool = services.pool_create(district=district, actor=request.user, start_year=d["start_year"],
                                        end_year=d["end_year"], name=d["name"], note=d["note"])
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"已建立“{pool.name}”；可在预审名单或企业的“资质与培育”页把企业加入培育库")
            return redirect("pipeline:pool_detail", pool_pk=pool.pk)
    return _pools_page(request, pool_form=form)


def _members(request: HttpRequest, pool_pk: int):
    require_lists(request.user)
    pool = pool_get(user=request.user, pk=pool_pk)
    form = MemberFilterForm(request.GET or None)
    return pool, form, pool_members(user=request.user, pool=pool, filters=form.filters())


@require_GET
def pool_detail_view(request: HttpRequest, pool_pk: int) -> HttpResponse:
    pool, form, qs = _members(request, pool_pk)
    today = timezone.localdate()
    state = form.chosen_state()
    kit = list_state(request, POOL_DETAIL_LIST)
    context = {
        "pool": pool,
        "form": form,
        "kit": kit,
        "page": kit.paginate(request, qs),
        "query": query_without(request.GET, "page"),
        "state_query": query_without(request.GET, "page", "state"),
        "state": state,
        "states": MEMBER_STATES,
        "counts": pool_counts(pool=pool, today=today),
        "today": today,
        "current": pool.start_year <= today.year <= pool.end_year,
        "filtered": bool((request.GET.get("q") or "").strip()),
    }
    return render(request, "pipeline/lists/pool_detail.html", context)


@require_GET
def pool_export_view(request: HttpRequest, pool_pk: int) -> HttpResponse:
    demand(request.user, "pipeline.export")
    pool, form, qs = _members(request, pool_pk)
    note = dict(MEMBER_STATES)[form.chosen_state()]
    q = form.cleaned_data.get("q") if form.is_bound and form.is_valid() else ""
    if form.is_bound and not form.is_valid():
        note = "条件有误，名单为空"
    elif q:
        note += f"；关键词：{q}"
    content = pool_members_xlsx(pool, qs, filters=note)
    return xlsx_response(content, f"{pool.district.name}{pool.name}-{stamp()}.xlsx")


def _all_members(request: HttpRequest):
    require_lists(request.user)
    form = PoolMembersFilterForm(request.GET or None, user=request.user)
    return form, pool_members(user=request.user, filters=form.filters())


@require_GET
def pool_members_view(request: HttpRequest) -> HttpResponse:
    """The firms of every pool in the user's region (the indicators' figures link here)."""
    form, qs = _all_members(request)
    kit = list_state(request, POOL_MEMBER_LIST)
    context = {
        "form": form,
        "kit": kit,
        "page": kit.paginate(request, qs),
        "query": query_without(request.GET, "page"),
        "state_query": query_without(request.GET, "page", "state"),
        "state": form.chosen_state(),
        "states": MEMBER_STATES,
        "link_note": form.link_note(),
        "city_wide": covers_districts(request.user),
        "filtered": bool(request.GET),
    }
    return render(request, "pipeline/lists/pool_members.html", context)


@require_GET
def pool_members_export_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "pipeline.export")
    form, qs = _all_members(request)
    scope = scope_name(request.user)
    content = pool_members_xlsx(None, qs, filters=form.note(), scope_name=scope)
    return xlsx_response(content, f"培育库企业-{scope}-{stamp()}.xlsx")
