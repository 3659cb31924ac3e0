"""The district-level pipeline pages for the bureaus: 高企申报 by batch, 高企证书 with the 重新认定 reminders,
培育库 and their members, 科小入库 with the import of a year's 入库名单. Each list has an export of exactly the
rows it shows. City staff read every district; district leaders and staff also create batches, pools and
import; township liaisons, commissioners and enterprise users are refused (403) as on the pre-check list."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keguan.core.errors import ServiceError
from keguan.core.excel import xlsx_response
from keguan.core.pagination import paginate
from keguan.core.permissions import demand, may
from keguan.core.scope import covers_districts, home_district
from keguan.core.uploads import import_page

from . import services
from .exports import applications_xlsx, certificates_xlsx, pool_members_xlsx, sme_records_xlsx
from .forms_lists import (
    ApplicationFilterForm,
    BatchForm,
    CertificateFilterForm,
    MemberFilterForm,
    PoolForm,
    PoolMembersFilterForm,
    SmeFilterForm,
)
from .imports import sme_records_import, sme_template_xlsx
from .lists import (
    CERT_RENEW,
    MEMBER_STATES,
    RENEWAL_MONTHS,
    application_list,
    application_status_counts,
    batch_default,
    certificate_list,
    certificate_rows,
    certificate_years,
    pool_counts,
    pool_get,
    pool_list,
    pool_members,
    renewal_due,
    renewal_horizon,
    sme_list,
    sme_year_counts,
    sme_years,
)

PER_PAGE = 20


def _require_bureau(user) -> None:
    demand(user, "pipeline.view", "高企申报、高企证书、培育库和科小入库名单只对市、区县科技局人员开放")


def _is_editor(user) -> bool:
    return may(user, "pipeline.write")


def _own_district(user, what: str = "建立本区县的培育库"):
    """The district a district editor works for (pools are built there, 入库名单 are imported there)."""
    district = home_district(user)
    if district is None or not may(user, "pipeline.write"):
        raise PermissionDenied(f"只有区县科技局人员可以{what}")
    return district


def _can_create_batch(user) -> bool:
    return may(user, "pipeline.batches")


def _scope_name(user) -> str:
    return user.region.name if user.region else "全部"


def _city_wide(user) -> bool:
    return covers_districts(user)


def _qs(params: QueryDict, *without: str) -> str:
    params = params.copy()
    for key in without:
        params.pop(key, None)
    return params.urlencode()


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


# --- 高企申报 ---------------------------------------------------------------------------------------------------


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
    context = {
        "form": form,
        "page": paginate(request, qs, per_page=PER_PAGE),
        "query": _qs(params, "page"),
        "status_query": _qs(params, "page", "status"),
        "counts": counts,
        "counts_total": sum(n for *_, n in counts),
        "current_status": filters.status,
        "batch": batch,
        "city_wide": _city_wide(user),
        "can_batch": can_batch,
        "can_edit": _is_editor(user),
        "batch_form": batch_form or (BatchForm() if can_batch else None),
        "batch_form_open": batch_form is not None,
        "link_note": form.link_note(),
        "filtered": bool(request.GET),
    }
    return render(request, "pipeline/lists/applications.html", context)


@require_GET
def applications_view(request: HttpRequest) -> HttpResponse:
    _require_bureau(request.user)
    return _applications_page(request)


@require_GET
def applications_export_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "pipeline.export")
    _params, form, _filters, qs = _applications(request)
    scope = _scope_name(request.user)
    content = applications_xlsx(qs, scope_name=scope, filters=form.note())
    return xlsx_response(content, f"高企申报-{scope}-{_stamp()}.xlsx")


@require_POST
def batch_create_view(request: HttpRequest) -> HttpResponse:
    _require_bureau(request.user)
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


# --- 高企证书 --------------------------------------------------------------------------------------------------


def _certificates(request: HttpRequest):
    user = request.user
    today = timezone.localdate()
    form = CertificateFilterForm(request.GET or None, user=user, years=certificate_years(user=user))
    filters = form.filters()
    return today, form, filters, certificate_list(user=user, filters=filters, today=today)


@require_GET
def certificates_view(request: HttpRequest) -> HttpResponse:
    _require_bureau(request.user)
    today, form, filters, qs = _certificates(request)
    page = paginate(request, qs, per_page=PER_PAGE)
    due = renewal_due(user=request.user, today=today)
    context = {
        "form": form,
        "page": page,
        "rows": certificate_rows(list(page.object_list), today=today),
        "query": _qs(request.GET, "page"),
        "today": today,
        "horizon": renewal_horizon(today),
        "months": RENEWAL_MONTHS,
        "due_count": due.count(),
        "due_rows": certificate_rows(list(due[:8]), today=today) if filters.state != CERT_RENEW else [],
        "showing_due": filters.state == CERT_RENEW,
        "city_wide": _city_wide(request.user),
        "filtered": bool(request.GET),
    }
    return render(request, "pipeline/lists/certificates.html", context)


@require_GET
def certificates_export_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "pipeline.export")
    today, form, _filters, qs = _certificates(request)
    scope = _scope_name(request.user)
    content = certificates_xlsx(qs, scope_name=scope, filters=form.note(), today=today)
    return xlsx_response(content, f"高企证书-{scope}-{_stamp()}.xlsx")


# --- 培育库 ----------------------------------------------------------------------------------------------------


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
        "city_wide": _city_wide(user),
        "district": district,
        "pool_form": pool_form or (PoolForm() if district is not None else None),
        "pool_form_open": pool_form is not None,
    }
    return render(request, "pipeline/lists/pools.html", context)


@require_GET
def pools_view(request: HttpRequest) -> HttpResponse:
    _require_bureau(request.user)
    return _pools_page(request)


@require_POST
def pool_create_view(request: HttpRequest) -> HttpResponse:
    _require_bureau(request.user)
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
    _require_bureau(request.user)
    pool = pool_get(user=request.user, pk=pool_pk)
    form = MemberFilterForm(request.GET or None)
    return pool, form, pool_members(user=request.user, pool=pool, filters=form.filters())


@require_GET
def pool_detail_view(request: HttpRequest, pool_pk: int) -> HttpResponse:
    pool, form, qs = _members(request, pool_pk)
    today = timezone.localdate()
    state = form.chosen_state()
    context = {
        "pool": pool,
        "form": form,
        "page": paginate(request, qs, per_page=PER_PAGE),
        "query": _qs(request.GET, "page"),
        "state_query": _qs(request.GET, "page", "state"),
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
    return xlsx_response(content, f"{pool.district.name}{pool.name}-{_stamp()}.xlsx")


def _all_members(request: HttpRequest):
    _require_bureau(request.user)
    form = PoolMembersFilterForm(request.GET or None, user=request.user)
    return form, pool_members(user=request.user, filters=form.filters())


@require_GET
def pool_members_view(request: HttpRequest) -> HttpResponse:
    """The firms of every pool in the user's region (the indicators' figures link here)."""
    form, qs = _all_members(request)
    context = {
        "form": form,
        "page": paginate(request, qs, per_page=PER_PAGE),
        "query": _qs(request.GET, "page"),
        "state_query": _qs(request.GET, "page", "state"),
        "state": form.chosen_state(),
        "states": MEMBER_STATES,
        "link_note": form.link_note(),
        "city_wide": _city_wide(request.user),
        "filtered": bool(request.GET),
    }
    return render(request, "pipeline/lists/pool_members.html", context)


@require_GET
def pool_members_export_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "pipeline.export")
    form, qs = _all_members(request)
    scope = _scope_name(request.user)
    content = pool_members_xlsx(None, qs, filters=form.note(), scope_name=scope)
    return xlsx_response(content, f"培育库企业-{scope}-{_stamp()}.xlsx")


# --- 科小入库 --------------------------------------------------------------------------------------------------


def _sme(request: HttpRequest):
    user = request.user
    today = timezone.localdate()
    form = SmeFilterForm(request.GET or None, user=user, years=sme_years(user=user))
    filters = form.filters()
    return today, form, filters, sme_list(user=user, filters=filters, today=today)


@require_GET
def sme_records_view(request: HttpRequest) -> HttpResponse:
    _require_bureau(request.user)
    today, form, filters, qs = _sme(request)
    context = {
        "form": form,
        "page": paginate(request, qs, per_page=PER_PAGE),
        "query": _qs(request.GET, "page"),
        "year_query": _qs(request.GET, "page", "year"),
        "year_counts": sme_year_counts(user=request.user, filters=filters, today=today),
        "current_year": filters.year,
        "today": today,
        "city_wide": _city_wide(request.user),
        "can_import": _is_editor(request.user),
        "link_note": form.link_note(),
        "filtered": bool(request.GET),
    }
    return render(request, "pipeline/lists/sme_records.html", context)


@require_GET
def sme_export_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "pipeline.export")
    today, form, _filters, qs = _sme(request)
    scope = _scope_name(request.user)
    content = sme_records_xlsx(qs, scope_name=scope, filters=form.note(), today=today)
    return xlsx_response(content, f"科小入库-{scope}-{_stamp()}.xlsx")


@require_GET
def sme_import_template_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "pipeline.import", "只有区县科技局人员可以导入科小入库名单")
    scope = _scope_name(request.user)
    return xlsx_response(sme_template_xlsx(region_name=scope), f"科小入库名单导入模板-{scope}.xlsx")


@require_http_methods(["GET", "POST"])
def sme_import_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "pipeline.import", "只有区县科技局人员可以导入科小入库名单")

    def done(result) -> HttpResponse:
        years = "、".join(f"{y}年" for y in sorted(result.years))
        messages.success(request, f"导入完成：登记{years}科小入库 {result.added} 家，各企业的培育阶段已按入库记录更新")
        url = reverse("pipeline:sme_records")
        return redirect(f"{url}?year={result.years[0]}" if len(result.years) == 1 else url)

    return import_page(
        request,
        run=lambda data, name: sme_records_import(user=request.user, data=data, filename=name),
        on_success=done,
        context={
            "title": "导入科小入库名单",
            "crumbs": [("创新主体培育", ""), ("科小入库", reverse("pipeline:sme_records"))],
            "template_url": reverse("pipeline:sme_import_template"),
            "instructions": [
                "下载模板，每行填一家企业：统一社会信用代码、企业名称、评价年度、入库登记编号、入库日期，五列都必填。",
                f"企业须已在{_scope_name(request.user)}企业库中登记，代码和名称须与企业库一致；"
                "同一企业同一年度、同一入库登记编号不能重复登记。",
                "导入后，各企业的培育阶段按入库记录自动更新，并记入变更记录。",
            ],
        },
    )
