"""Pages of 科技活动: the list (filters, export, the list kit, print), the month calendar, one event with its
materials, firms and photos (served only through ``event_photo``, in the viewer's scope), the event form
(new and edit, with a stale edit refused), delete with a confirmation, photos added and removed."""

from __future__ import annotations

import calendar
import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keguan.accounts.preferences import list_state
from keguan.core import dictionary
from keguan.core.errors import ServiceError
from keguan.core.excel import xlsx_response
from keguan.core.history import entries_for
from keguan.core.lists import BatchAction, Column, ListSpec, register_list, selected_ids
from keguan.core.pagination import querystring_without
from keguan.core.permissions import demand, may
from keguan.core.scope import can_write, covers_districts, home_district, scoped, within_township
from keguan.enterprises.models import Enterprise
from keguan.enterprises.selectors import districts_in_scope, townships_in_scope
from keguan.regions.models import Region, RegionLevel

from ..exchange.events import events_xlsx
from ..forms.events import EventFilterForm, EventForm, PhotoForm
from ..models import Event
from ..selectors.events import (
    event_firms,
    event_get,
    event_list,
    event_materials,
    event_photos,
    events_in_month,
    photo_get,
    with_figures,
)
from ..services.events import event_create, event_delete, event_photo_remove, event_photos_add, event_update

EVENT_LIST = register_list(ListSpec(
    code="outreach.events", title="科技活动", selectable=True,
    columns=(
        Column("title", "活动名称", fixed=True), Column("kind", "类型"), Column("role", "本局角色"),
        Column("dates", "日期"), Column("district", "区县"), Column("township", "乡镇/街道", default=False),
        Column("place", "地点", default=False), Column("participants", "参与（人次）"),
        Column("trainees", "培训（人次）", default=False), Column("questions", "解答咨询", default=False),
        Column("materials", "发放资料"), Column("firms", "企业（家）"),
    ),
    actions=(BatchAction("export", "导出所选", "outreach:events_export", "outreach.export", "file-earmark-excel"),),
))
WEEKDAYS = ("一", "二", "三", "四", "五", "六", "日")
DAY_ROWS = 4  # events shown in a day's cell; the rest as "另N项", a link to the list of that day


def _filter_form(request: HttpRequest) -> EventFilterForm:
    user = request.user
    district = home_district(user)
    townships = None  # (a city user filters by district; a township liaison sees its own township only)
    if district is not None and not within_township(user):
        townships = townships_in_scope(user=user)
    return EventFilterForm(request.GET or None, districts=districts_in_scope(user=user) if covers_districts(user) else None,
                           townships=townships)


def _kinds() -> dict[str, str]:
    return {i.code: i.label for i in dictionary.items("event_kind")}


@require_GET
def event_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    demand(user, "outreach.view")
    form = _filter_form(request)
    kit = list_state(request, EVENT_LIST)
    page = kit.paginate(request, event_list(user=user, filters=form.filters()))
    page.object_list = with_figures(list(page.object_list))
    enterprise = None
    if form.is_bound and form.is_valid() and form.cleaned_data.get("enterprise"):
        enterprise = scoped(Enterprise, user).filter(pk=form.cleaned_data["enterprise"]).first()
    return render(request, "outreach/events/list.html", {
        "form": form, "kit": kit, "page": page, "kinds": _kinds(), "note": form.note(),
        "query": querystring_without(request, "page"), "city_wide": covers_districts(user),
        "can_export": may(user, "outreach.export"), "can_manage": _can_manage(user),
        "can_import": may(user, "outreach.import") and home_district(user) is not None,
        "enterprise": enterprise, "print_note": form.note() or "全部",
    })


def _can_manage(user) -> bool:
    return may(user, "outreach.manage") and home_district(user) is not None


@require_GET
def events_export_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    demand(user, "outreach.export")
    form = _filter_form(request)
    qs = event_list(user=user, filters=form.filters())
    ids = selected_ids(request.GET)
    note = form.note()
    if ids:
        qs = qs.filter(pk__in=ids)
        note = f"所选的{qs.count()}项活动"
    scope = user.region.name if user.region else "全部"
    content = events_xlsx(qs, note=f"范围：{scope}；条件：{note or '全部'}")
    return xlsx_response(content, f"科技活动-{scope}-{timezone.localtime():%Y%m%d-%H%M}.xlsx")


@require_GET
def event_calendar_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    demand(user, "outreach.view")
    today = timezone.localdate()
    year, month = today.year, today.month
    raw = request.GET.get("month", "")
    try:
        y, m = (int(x) for x in raw.split("-"))
        dt.date(y, m, 1)
        year, month = y, m
    except (ValueError, TypeError):
        pass
    by_day = events_in_month(user=user, year=year, month=month)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append([(d, d.month == month, by_day.get(d, [])[:DAY_ROWS], max(0, len(by_day.get(d, [])) - DAY_ROWS))
                      for d in week])
    first = dt.date(year, month, 1)
    prev = (first - dt.timedelta(days=1)).replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    days = sorted(((d, evs[:DAY_ROWS], max(0, len(evs) - DAY_ROWS)) for d, evs in by_day.items()), key=lambda x: x[0])
    return render(request, "outreach/events/calendar.html", {
        "weeks": weeks, "weekdays": WEEKDAYS, "first": first, "prev": prev, "next": nxt, "today": today,
        "kinds": _kinds(), "days": days, "count": len({e["pk"] for evs in by_day.values() for e in evs}),
        "can_manage": _can_manage(user),
    })


@require_GET
def event_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    demand(user, "outreach.view")
    event = event_get(user=user, pk=pk)
    return _detail(request, event)


def _detail(request: HttpRequest, event: Event, *, photo_form: PhotoForm | None = None, status: int = 200):
    user = request.user
    writable = may(user, "outreach.manage") and can_write(user, event)
    materials = event_materials(event)
    return render(request, "outreach/events/detail.html", {
        "e": event, "kind_label": dictionary.label("event_kind", event.kind), "materials": materials,
        "material_total": sum(m.count for m in materials), "firms": event_firms(event),
        "photos": event_photos(event), "can_manage": writable,
        "photo_form": photo_form or (PhotoForm() if writable else None),
        "history": entries_for(event.history.all(), subject=event.title, model=Event, skip=frozenset({"version"})),
    }, status=status)


def _townships(event_region) -> object:
    return Region.objects.filter(parent=event_region, level=RegionLevel.TOWNSHIP).order_by("code")


@require_http_methods(["GET", "POST"])
def event_create_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    demand(user, "outreach.manage")
    region = home_district(user)
    if region is None:
        raise PermissionDenied("只有区县科技局人员可以登记科技活动")
    form = EventForm(request.POST or None, request.FILES or None, townships=_townships(region))
    if request.method == "POST" and form.is_valid():
        try:
            event = event_create(actor=user, region=region, data=form.data_(), materials=form.materials(),
                                 firms=form.firms(), photos=form.cleaned_data.get("photos") or [])
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"已登记科技活动“{event.title}”")
            return redirect("outreach:event", pk=event.pk)
    return render(request, "outreach/events/form.html", {"form": form, "event": None})


@require_http_methods(["GET", "POST"])
def event_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    demand(user, "outreach.manage")
    event = event_get(user=user, pk=pk, write=True)
    form = EventForm(request.POST or None, townships=_townships(event.region), event=event)
    if request.method == "POST" and form.is_valid():
        try:
            event_update(actor=user, event=event, data=form.data_(), materials=form.materials(), firms=form.firms(),
                         version=form.cleaned_data.get("version"))
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"科技活动“{event.title}”已保存")
            return redirect("outreach:event", pk=event.pk)
    return render(request, "outreach/events/form.html", {"form": form, "event": event})


@require_http_methods(["GET", "POST"])
def event_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    demand(user, "outreach.manage")
    event = event_get(user=user, pk=pk, write=True)
    if request.method == "POST":
        title = event.title
        event_delete(actor=user, event=event)
        messages.success(request, f"已删除科技活动“{title}”")
        return redirect("outreach:events")
    return render(request, "outreach/events/delete.html", {
        "e": event, "firms": event.firms.count(), "photos": event.photos.count(),
        "materials": event.materials.count(), "needs": event.needs.count()})


@require_POST
def event_photos_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    demand(user, "outreach.manage")
    event = event_get(user=user, pk=pk, write=True)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            added = event_photos_add(actor=user, event=event, files=form.cleaned_data["photos"],
                                     caption=form.cleaned_data.get("caption") or "")
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"已上传{len(added)}张照片")
            return redirect(reverse("outreach:event", kwargs={"pk": event.pk}) + "#photos")
    return _detail(request, event_get(user=user, pk=pk), photo_form=form)


@require_POST
def event_photo_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    demand(user, "outreach.manage")
    photo = photo_get(user=user, pk=pk)
    event_pk = event_get(user=user, pk=photo.event_id, write=True).pk  # (who may change the event, its photos)
    event_photo_remove(actor=user, photo=photo)
    messages.success(request, "已删除照片")
    return redirect(reverse("outreach:event", kwargs={"pk": event_pk}) + "#photos")


@require_GET
def event_photo_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A photo, only to users who may see its event (404 otherwise, as for a missing one)."""
    demand(request.user, "outreach.view")
    photo = photo_get(user=request.user, pk=pk)
    try:
        handle = default_storage.open(photo.file, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404("照片文件不存在") from exc
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def event_firm_search_view(request: HttpRequest) -> HttpResponse:
    """Firms of the user's district whose name or credit code contains ``q`` (the event form's suggestions)."""
    user = request.user
    demand(user, "outreach.manage")
    district = home_district(user)
    q = (request.GET.get("q") or "").strip()[:60]
    if district is None or len(q) < 2:
        return JsonResponse({"firms": []})
    rows = (Enterprise.objects.filter(district=district).filter(name__contains=q) |
            Enterprise.objects.filter(district=district, credit_code__startswith=q.upper()))
    found = [{"name": n, "code": c} for n, c in rows.order_by("name").values_list("name", "credit_code")[:20]]
    return JsonResponse({"firms": found})


urlpatterns = [
    path("events/", event_list_view, name="events"),
    path("events/export/", events_export_view, name="events_export"),
    path("events/calendar/", event_calendar_view, name="event_calendar"),
    path("events/new/", event_create_view, name="event_create"),
    path("events/firms/", event_firm_search_view, name="event_firm_search"),
    path("events/<int:pk>/", event_view, name="event"),
    path("events/<int:pk>/edit/", event_edit_view, name="event_edit"),
    path("events/<int:pk>/delete/", event_delete_view, name="event_delete"),
    path("events/<int:pk>/photos/", event_photos_add_view, name="event_photos_add"),
    path("events/photos/<int:pk>/", event_photo_view, name="event_photo"),
    path("events/photos/<int:pk>/remove/", event_photo_remove_view, name="event_photo_remove"),
]
