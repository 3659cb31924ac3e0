"""Pages of 科技特派员 (logs): the commissioner's phone form (log a service with photos, correct it), the same
form for staff entering a service on a commissioner's behalf (代为登记, ``fieldwork.manage``), the staff list (list kit: filters, page size, columns, print, export of the selected rows), a log's page with its
photos (served only here, after the scope check), the commissioner × month table. The needs (服务需求) and
their dispatch are in ``views/demands.py``; their URLs are added below."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keguan.accounts.preferences import list_state
from keguan.core.errors import ServiceError
from keguan.core.excel import xlsx_response
from keguan.core.history import entries_for
from keguan.core.images import open_stored
from keguan.core.lists import BatchAction, Column, ListSpec, filter_summary, register_list, selected_ids
from keguan.core.pagination import querystring_without
from keguan.core.permissions import demand, may
from keguan.core.scope import can_write
from keguan.enterprises.models import Enterprise
from keguan.regions.models import Region

from ..exchange.logs import log_export_xlsx
from ..forms.logs import EnterLogForm, LogFilterForm, LogForm
from ..models import ServiceLog
from ..selectors.logs import (
    SILENT_DAYS,
    LogFilters,
    Places,
    commissioner_places,
    commissioners_for_entry,
    commissioners_in_scope,
    district_enterprise,
    districts_in_scope,
    log_get,
    log_list,
    log_photo,
    log_years,
    monthly_counts,
    own_commissioner,
    own_silent,
    place_in_scope,
    townships_in_scope,
    with_photo_counts,
)
from ..services.logs import log_create, log_delete, log_update
from . import demands

LOG_LIST = register_list(ListSpec(code="fieldwork.logs", title="服务日志", columns=(
    Column("served_on", "服务日期", fixed=True), Column("commissioner", "科技特派员"), Column("place", "服务地点"),
    Column("township", "乡镇/街道"), Column("kind", "服务方式"), Column("content", "服务内容"),
    Column("served", "服务人数"), Column("introduced", "引进新品种/新技术", default=False),
    Column("photos", "照片"), Column("entered_by", "代为登记"),
), actions=(BatchAction("export", "导出所选", "fieldwork:log_export", "fieldwork.export", "file-earmark-excel"),),
    selectable=True))


def _reader(user) -> None:
    if not (may(user, "fieldwork.view") or may(user, "fieldwork.log")):
        raise PermissionDenied("您没有“查看科技特派员服务日志”的权限")


def _filtered(request: HttpRequest):
    user = request.user
    form = LogFilterForm(request.GET or None, districts=districts_in_scope(user), townships=townships_in_scope(user),
                         commissioners=commissioners_in_scope(user))
    ids = tuple(selected_ids(request.GET))
    if not form.is_bound:
        filters = LogFilters(ids=ids)
    elif form.is_valid():
        d = form.cleaned_data
        filters = LogFilters(
            district=d["district"].pk if d.get("district") else None,
            township=d["township"].pk if d.get("township") else None,
            commissioner=d["commissioner"].pk if d.get("commissioner") else None,
            village=(d.get("village") or "").strip(), month=d.get("month"), kind=d.get("kind") or "",
            since=d.get("since"), until=d.get("until"), introduced=bool(d.get("introduced")), ids=ids)
    else:
        filters = LogFilters(invalid=True)  # a wrong condition shows nothing, never everything
    return form, filters


def _filters_note(form) -> str:
    note = filter_summary(form)
    return "" if note == "全部" else note


@require_GET
def log_list_view(request: HttpRequest, mine: bool = False) -> HttpResponse:
    user = request.user
    if mine:
        demand(user, "fieldwork.log")
    else:
        _reader(user)
    form, filters = _filtered(request)
    kit = list_state(request, LOG_LIST)
    page = kit.paginate(request, log_list(user=user, filters=filters))
    with_photo_counts(page.object_list)
    context = {
        "kit": kit, "form": form, "page": page, "query": querystring_without(request, "page"),
        "filtered": bool(_filters_note(form) or form.link_note()) or filters.invalid, "mine": mine,
        "link_note": form.link_note(),
        "can_log": may(user, "fieldwork.log"), "can_enter": may(user, "fieldwork.manage"), "can_export": may(user, "fieldwork.export"),
        "can_import": may(user, "fieldwork.import"),
    }
    template = "fieldwork/logs/list.html#results" if request.htmx and not request.htmx.boosted else "fieldwork/logs/list.html"
    return render(request, template, context)


@require_GET
def log_export_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "fieldwork.export")
    form, filters = _filtered(request)
    content = log_export_xlsx(log_list(user=request.user, filters=filters), filters_note=_filters_note(form))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(content, f"科技特派员服务日志-{stamp}.xlsx")


def _uploads(request: HttpRequest) -> list[tuple[str, bytes]]:
    return [(f.name, f.read()) for f in request.FILES.getlist("photos")]


def _place(form: LogForm, district_id: int):
    """(village, enterprise) from the form, or a form error; the service checks both are of the district."""
    text = (form.cleaned_data.get("enterprise_text") or "").strip()
    if text:
        enterprise = district_enterprise(district_id=district_id, text=text)
        if enterprise is None:
            form.add_error("enterprise_text", f"本区企业库中没有统一社会信用代码或全称为“{text[:50]}”的企业")
            return None
        return None, enterprise
    village_id, enterprise_id = form.place_ids()
    if village_id is not None:
        village = Region.objects.filter(pk=village_id).select_related("parent").first()
        if village is None:
            form.add_error("place", "所选村/社区不存在，请重新选择")
            return None
        return village, None
    enterprise = Enterprise.objects.filter(pk=enterprise_id).first()
    if enterprise is None:
        form.add_error("place", "所选企业不存在，请重新选择")
        return None
    return None, enterprise


def _form_page(request, form, *, commissioner, log=None, status=200) -> HttpResponse:
    return render(request, "fieldwork/logs/form.html", {"form": form, "commissioner": commissioner, "log": log},
                  status=status)


@require_http_methods(["GET", "POST"])
def log_create_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    demand(user, "fieldwork.log")
    commissioner = own_commissioner(user)
    if commissioner is None:
        raise PermissionDenied("您的账号还没有关联科技特派员名册，请联系区科技局在名册中关联账号后再填报")
    today = timezone.localdate()
    places = commissioner_places(commissioner, today)
    form = LogForm(request.POST or None, request.FILES or None, places=places)
    if request.method == "POST" and form.is_valid():
        place = _place(form, commissioner.district_id)
        if place is not None:
            d = form.cleaned_data
            try:
                log = log_create(actor=user, commissioner=commissioner, served_on=d["served_on"], kind=d["kind"],
                                 content=d["content"], served=d["served"], introduced=d["introduced"],
                                 village=place[0], enterprise=place[1], photos=_uploads(request))
            except ServiceError as exc:
                form.add_service_error(exc)
            else:
                n = log.photos.count()
                messages.success(request, f"服务日志已保存（{log.served_on:%-m月%-d日}，{log.village or log.enterprise}"
                                          + (f"，照片{n}张" if n else "") + "）")
                return redirect("fieldwork:log", pk=log.pk)
    silent, last = own_silent(commissioner=commissioner, today=today)
    return render(request, "fieldwork/logs/form.html", {
        "form": form, "commissioner": commissioner, "log": None, "silent": silent, "last": last,
        "silent_days": SILENT_DAYS,
    }, status=200)


def _chosen(people: list, value) -> object | None:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return next((c for c in people if c.pk == pk), None)


@require_http_methods(["GET", "POST"])
def log_enter_view(request: HttpRequest) -> HttpResponse:
    """代为登记: staff who manage the logs enter a service a commissioner reported (by phone, by WeChat) on its
    behalf. Only commissioners of the user's scope can be chosen, and only places in the user's area; the log
    is the commissioner's and records who entered it."""
    user = request.user
    demand(user, "fieldwork.manage")
    today = timezone.localdate()
    active, others = commissioners_for_entry(user, today)
    source = request.POST if request.method == "POST" else request.GET
    commissioner = _chosen([*active, *others], source.get("commissioner"))
    places = commissioner_places(commissioner, today) if commissioner is not None else Places()
    initial = {"commissioner": commissioner.pk} if commissioner is not None else {}
    form = EnterLogForm(request.POST or None, request.FILES or None, places=places, active=active, others=others,
                        initial=initial)
    if request.method == "POST" and form.is_valid() and commissioner is not None:
        place = _place(form, commissioner.district_id)
        if place is not None and not place_in_scope(user, village=place[0], enterprise=place[1]):
            form.add_error("enterprise_text" if place[1] is not None and not form.cleaned_data.get("place") else "place",
                           "所选地点不在您的管辖范围内")
            place = None
        if place is not None:
            d = form.cleaned_data
            try:
                log = log_create(actor=user, commissioner=commissioner, served_on=d["served_on"], kind=d["kind"],
                                 content=d["content"], served=d["served"], introduced=d["introduced"],
                                 village=place[0], enterprise=place[1], photos=_uploads(request),
                                 reason="代为登记服务日志")
            except ServiceError as exc:
                form.add_service_error(exc)
            else:
                n = log.photos.count()
                messages.success(request, f"已代{commissioner.name}登记服务日志（{log.served_on:%-m月%-d日}，"
                                          f"{log.village or log.enterprise}" + (f"，照片{n}张" if n else "") + "）")
                return redirect("fieldwork:log", pk=log.pk)
    return render(request, "fieldwork/logs/form.html", {
        "form": form, "commissioner": commissioner, "log": None, "entering": True,
        "has_commissioners": bool(active or others),
    })


@require_GET
def log_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    _reader(request.user)
    log = log_get(user=request.user, pk=pk)
    history = entries_for(log.history.all(), subject="服务日志", model=ServiceLog, skip=frozenset({"version"}))
    return render(request, "fieldwork/logs/detail.html", {
        "log": log, "photos": list(log.photos.all()), "can_edit": can_write(request.user, log), "history": history,
    })


@require_http_methods(["GET", "POST"])
def log_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    if not (may(user, "fieldwork.log") or may(user, "fieldwork.manage")):
        raise PermissionDenied("您没有“修改服务日志”的权限")
    log = log_get(user=user, pk=pk, write=True)
    photos = list(log.photos.all())
    places = commissioner_places(log.commissioner, timezone.localdate())
    if request.method == "POST":
        form = LogForm(request.POST, request.FILES or None, places=places, photos=photos)
    else:
        place = f"v:{log.village_id}" if log.village_id else f"e:{log.enterprise_id}"
        form = LogForm(places=places, photos=photos, initial={
            "served_on": log.served_on, "place": place, "kind": log.kind, "content": log.content,
            "served": log.served, "introduced": log.introduced, "version": log.version})
        if log.enterprise_id and all(c[0] != place for _g, group in form.fields["place"].choices[1:]
                                     if isinstance(group, list) for c in group):
            form.initial["place"], form.initial["enterprise_text"] = "", log.enterprise.credit_code or log.enterprise.name
    if request.method == "POST" and form.is_valid():
        place = _place(form, log.commissioner.district_id)
        if place is not None:
            d = form.cleaned_data
            try:
                log_update(log=log, actor=user, expected_version=d.get("version"), served_on=d["served_on"],
                           kind=d["kind"], content=d["content"], served=d["served"], introduced=d["introduced"],
                           village=place[0], enterprise=place[1], add_photos=_uploads(request),
                           remove_photos=[int(x) for x in d.get("remove_photos") or ()])
            except ServiceError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, "服务日志已修改")
                return redirect("fieldwork:log", pk=log.pk)
    return _form_page(request, form, commissioner=log.commissioner, log=log)


@require_POST
def log_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    if not (may(user, "fieldwork.log") or may(user, "fieldwork.manage")):
        raise PermissionDenied("您没有“删除服务日志”的权限")
    log = log_get(user=user, pk=pk, write=True)
    try:
        log_delete(log=log, actor=user)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("fieldwork:log", pk=pk)
    messages.success(request, f"已删除{log.served_on:%Y-%m-%d}的服务日志")
    return redirect("fieldwork:my_logs" if may(user, "fieldwork.log") else "fieldwork:logs")


@require_GET
def log_photo_view(request: HttpRequest, pk: int, photo_pk: int) -> FileResponse:
    _reader(request.user)
    log = log_get(user=request.user, pk=pk)
    photo = log_photo(log=log, photo_pk=photo_pk)
    response = FileResponse(open_stored(photo.file), content_type="image/jpeg",
                            filename=f"服务照片-{log.served_on:%Y%m%d}-{photo.pk}.jpg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
def log_counts_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    demand(user, "fieldwork.view")
    today = timezone.localdate()
    years = log_years(user=user, today=today)
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    if year not in years:
        year = today.year
    silent = request.GET.get("silent") == "1"
    districts = list(districts_in_scope(user))
    try:
        district = int(request.GET.get("district") or 0) or None
    except ValueError:
        district = None
    if district is not None and district not in {d.pk for d in districts}:
        district = -1  # outside the user's area: nothing
    rows, totals = monthly_counts(user=user, year=year, district=district, silent_only=silent, today=today)
    return render(request, "fieldwork/logs/counts.html", {
        "rows": rows, "totals": totals, "year": year, "years": years, "silent": silent, "silent_days": SILENT_DAYS,
        "districts": districts if len(districts) > 1 else [], "district": district, "months": range(1, 13),
        "grand": sum(totals), "today": today, "cutoff": today - dt.timedelta(days=SILENT_DAYS),
    })


urlpatterns = [
    path("logs/", log_list_view, name="logs"),
    path("logs/mine/", log_list_view, {"mine": True}, name="my_logs"),
    path("logs/new/", log_create_view, name="log_create"),
    path("logs/new/for/", log_enter_view, name="log_enter"),
    path("logs/export/", log_export_view, name="log_export"),
    path("logs/counts/", log_counts_view, name="log_counts"),
    path("logs/<int:pk>/", log_detail_view, name="log"),
    path("logs/<int:pk>/edit/", log_edit_view, name="log_edit"),
    path("logs/<int:pk>/delete/", log_delete_view, name="log_delete"),
    path("logs/<int:pk>/photo/<int:photo_pk>/", log_photo_view, name="log_photo"),
    *demands.urlpatterns,
]
