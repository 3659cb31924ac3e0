"""Pages of 服务需求 (needs posted by a village or a firm): the list, posting one, its page (the moves each side
may make, the commissioners suggested for dispatch with their reasons, the history of moves), one URL per move:
dispatch, start, decline (the commissioner sends it back with a reason), complete, cancel, feedback. Who may make which move is ``keguan.rules.demand_flow``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keguan.accounts.preferences import list_state
from keguan.core import dictionary
from keguan.core.errors import ServiceError
from keguan.core.lists import Column, ListSpec, register_list
from keguan.core.pagination import querystring_without
from keguan.core.permissions import may
from keguan.core.scope import home_district
from keguan.regions.models import Region, RegionLevel
from keguan.rules import demand_flow as flow

from ..forms.demands import (
    CancelForm,
    CompleteForm,
    DeclineForm,
    DemandFilterForm,
    DemandForm,
    DispatchForm,
    FeedbackForm,
)
from ..models import DemandStatus
from ..selectors.demands import (
    DemandFilters,
    demand_declines,
    demand_get,
    demand_history,
    demand_list,
    demand_logs,
    dispatchable,
    linkable_logs,
    returned_ids,
    suggest,
)
from ..selectors.logs import district_enterprise, townships_in_scope
from ..services.demands import (
    demand_cancel,
    demand_complete,
    demand_create,
    demand_decline,
    demand_dispatch,
    demand_feedback,
    demand_start,
)

DEMAND_LIST = register_list(ListSpec(code="fieldwork.demands", title="服务需求", columns=(
    Column("title", "需求", fixed=True), Column("place", "需求方"), Column("township", "乡镇/街道"),
    Column("field", "所需领域", default=False), Column("posted_on", "提出日期"), Column("status", "状态"),
    Column("commissioner", "派给"), Column("satisfaction", "评价"),
)))


def _any(user, *codes: str) -> None:
    if not any(may(user, c) for c in codes):
        raise PermissionDenied("您没有查看或办理服务需求的权限")


def sides(user, demand) -> set[str]:
    """The sides of the workflow ``user`` acts as on ``demand`` (which it can see)."""
    out = set()
    if may(user, "fieldwork.manage"):
        out.add(flow.STAFF)
    if may(user, "fieldwork.log") and demand.commissioner_id and demand.commissioner.user_id == user.pk:
        out.add(flow.COMMISSIONER)
    if may(user, "fieldwork.request"):
        out.add(flow.REQUESTER)
    return out


@require_GET
def demand_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    _any(user, "fieldwork.view", "fieldwork.log", "fieldwork.request")
    form = DemandFilterForm(request.GET or None, townships=townships_in_scope(user))
    if not form.is_bound:
        filters = DemandFilters()
    elif form.is_valid():
        d = form.cleaned_data
        filters = DemandFilters(status=d.get("status") or "", township=d["township"].pk if d.get("township") else None,
                                feedback_missing=d.get("feedback") == "missing", q=(d.get("q") or "").strip(),
                                done_since=d.get("done_since"), done_until=d.get("done_until"))
    else:
        filters = DemandFilters(invalid=True)
    kit = list_state(request, DEMAND_LIST)
    page = kit.paginate(request, demand_list(user=user, filters=filters))
    sent_back = returned_ids(page.object_list)
    for d in page.object_list:
        d.was_returned = d.pk in sent_back
        d.field_label = dictionary.label("service_field", d.field) if d.field else "不限"
    return render(request, "fieldwork/logs/demands.html", {
        "kit": kit, "form": form, "page": page, "query": querystring_without(request, "page"),
        "filtered": form.is_bound and any(v for k, v in request.GET.items() if k != "page"),
        "post_url": post_url(user), "link_note": form.link_note(),
    })


def post_url(user) -> str | None:
    """Where ``user`` posts a need: the firm's own form, the bureau's and liaison's form, or nowhere."""
    if may(user, "fieldwork.request") and user.enterprise_id is not None:
        return reverse("fieldwork:demand_request")
    if (may(user, "fieldwork.manage") and home_district(user) is not None) or (
            may(user, "fieldwork.request") and _liaison_township(user) is not None):
        return reverse("fieldwork:demand_create")
    return None


def _liaison_township(user) -> Region | None:
    region = getattr(user, "region", None)
    return region if region is not None and region.level == RegionLevel.TOWNSHIP else None


def _post(request: HttpRequest, *, district, villages, firm=None, staff: bool = False) -> HttpResponse:
    user = request.user
    form = DemandForm(request.POST or None, villages=villages.select_related("parent").order_by("code"), firm=firm,
                      staff=staff)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        village, enterprise = d.get("village"), firm
        text = (d.get("enterprise_text") or "").strip()
        if staff and text:
            enterprise = district_enterprise(district_id=district.pk, text=text)
            if enterprise is None:
                form.add_error("enterprise_text", f"{district.name}企业库中没有统一社会信用代码或全称为“{text[:50]}”的企业")
        if not form.errors:
            try:
                obj = demand_create(actor=user, district=district, title=d["title"], description=d["description"],
                                    posted_on=d["posted_on"], village=village, enterprise=enterprise,
                                    field=d.get("field") or "", contact=d.get("contact") or "",
                                    phone=d.get("phone") or "")
            except ServiceError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, f"已提出服务需求“{obj.title}”，等待区科技局派单")
                return redirect("fieldwork:demand", pk=obj.pk)
    return render(request, "fieldwork/logs/demand_form.html", {"form": form, "firm": firm, "district": district})


@require_http_methods(["GET", "POST"])
def demand_create_view(request: HttpRequest) -> HttpResponse:
    """The bureau posts on behalf of a village or a firm of its district; a township liaison for a village of its
    township."""
    user = request.user
    if may(user, "fieldwork.manage") and home_district(user) is not None:
        district = home_district(user)
        villages = Region.objects.filter(path__startswith=district.path, level=RegionLevel.VILLAGE)
        return _post(request, district=district, villages=villages, staff=True)
    town = _liaison_township(user) if may(user, "fieldwork.request") else None
    if town is None:
        raise PermissionDenied("只有区县科技局和乡镇专干可以在此提出服务需求（企业用户请从“服务需求”页面提出本企业的需求）")
    return _post(request, district=town.parent, villages=Region.objects.filter(parent=town, level=RegionLevel.VILLAGE))


@require_http_methods(["GET", "POST"])
def demand_request_view(request: HttpRequest) -> HttpResponse:
    """An enterprise posts a need of its own."""
    user = request.user
    if not (may(user, "fieldwork.request") and user.enterprise_id is not None):
        raise PermissionDenied("只有企业用户可以在此提出本企业的服务需求")
    firm = user.enterprise
    return _post(request, district=firm.district, villages=Region.objects.none(), firm=firm)


def _page(request: HttpRequest, demand, *, forms: dict | None = None, status: int = 200) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    mine = sides(user, demand)
    actions = set(flow.actions_for(demand.status, mine))
    forms = forms or {}
    context = {
        "d": demand, "actions": actions, "sides": mine, "history": demand_history(demand),
        "declines": demand_declines(demand) if flow.STAFF in mine else [],
        "logs": demand_logs(demand), "field_label": None,
        "can_feedback": flow.REQUESTER in mine and demand.status == DemandStatus.DONE,
    }
    context["field_label"] = dictionary.label("service_field", demand.field) if demand.field else "不限"
    if flow.DISPATCH in actions:
        context["suggestions"] = suggest(demand, today)
        context["dispatch_form"] = forms.get("dispatch") or DispatchForm(
            commissioners=dispatchable(demand, today), initial={"version": demand.version})
    if flow.DECLINE in actions:
        context["decline_form"] = forms.get("decline") or DeclineForm()
    if flow.COMPLETE in actions:
        context["complete_form"] = forms.get("complete") or CompleteForm(logs=linkable_logs(demand, today))
    if flow.CANCEL in actions:
        context["cancel_form"] = forms.get("cancel") or CancelForm()
    if context["can_feedback"]:
        context["feedback_form"] = forms.get("feedback") or FeedbackForm(
            initial={"satisfaction": demand.satisfaction, "feedback": demand.feedback})
    return render(request, "fieldwork/logs/demand.html", context, status=status)


@require_GET
def demand_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    _any(request.user, "fieldwork.view", "fieldwork.log", "fieldwork.request")
    return _page(request, demand_get(user=request.user, pk=pk))


def _side(request: HttpRequest, demand, action: str) -> str:
    """The side ``request.user`` makes ``action`` as, or 403 when it may not make it on this need at all."""
    mine = sides(request.user, demand)
    for side in (flow.STAFF, flow.COMMISSIONER, flow.REQUESTER):
        if side in mine and side in flow.ACTIONS[action].sources:
            return side
    raise PermissionDenied(f"您不能对该需求“{flow.ACTIONS[action].verb}”")


def _done(request, demand, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("fieldwork:demand", pk=demand.pk)


def _refused(request, demand, exc: ServiceError) -> HttpResponse:
    messages.error(request, exc.message)
    return redirect("fieldwork:demand", pk=demand.pk)


@require_POST
def demand_dispatch_view(request: HttpRequest, pk: int) -> HttpResponse:
    _any(request.user, "fieldwork.manage")
    demand = demand_get(user=request.user, pk=pk)
    _side(request, demand, flow.DISPATCH)
    form = DispatchForm(request.POST, commissioners=dispatchable(demand, timezone.localdate()))
    if form.is_valid():
        try:
            demand_dispatch(demand=demand, actor=request.user, commissioner=form.cleaned_data["commissioner"],
                            expected_version=form.cleaned_data.get("version"))
        except ServiceError as exc:
            if exc.field is None:
                return _refused(request, demand, exc)
            form.add_service_error(exc)
        else:
            return _done(request, demand, f"已派单给{demand.commissioner.name}")
    return _page(request, demand_get(user=request.user, pk=pk), forms={"dispatch": form})


@require_POST
def demand_start_view(request: HttpRequest, pk: int) -> HttpResponse:
    _any(request.user, "fieldwork.log")
    demand = demand_get(user=request.user, pk=pk)
    _side(request, demand, flow.START)
    try:
        demand_start(demand=demand, actor=request.user)
    except ServiceError as exc:
        return _refused(request, demand, exc)
    return _done(request, demand, "已接单，需求状态为“服务中”。服务后请填报服务日志，完成时可关联该日志。")


@require_POST
def demand_decline_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The commissioner sends a need dispatched to it back with a reason; it no longer sees the need after."""
    _any(request.user, "fieldwork.log")
    demand = demand_get(user=request.user, pk=pk)
    _side(request, demand, flow.DECLINE)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            demand_decline(demand=demand, actor=request.user, reason=form.cleaned_data["reason"],
                           note=form.cleaned_data["note"])
        except ServiceError as exc:
            if exc.field is None:
                return _refused(request, demand, exc)
            form.add_service_error(exc)
        else:
            messages.success(request, f"已退回派单“{demand.title}”，区科技局将重新派单")
            return redirect("fieldwork:demands")
    return _page(request, demand_get(user=request.user, pk=pk), forms={"decline": form})


@require_POST
def demand_complete_view(request: HttpRequest, pk: int) -> HttpResponse:
    _any(request.user, "fieldwork.log", "fieldwork.manage")
    demand = demand_get(user=request.user, pk=pk)
    side = _side(request, demand, flow.COMPLETE)
    form = CompleteForm(request.POST, logs=linkable_logs(demand, timezone.localdate()))
    if form.is_valid():
        try:
            demand_complete(demand=demand, actor=request.user, side=side, done_on=form.cleaned_data["done_on"],
                            log=form.cleaned_data.get("log"))
        except ServiceError as exc:
            if exc.field is None:
                return _refused(request, demand, exc)
            form.add_service_error(exc)
        else:
            return _done(request, demand, "需求已完成，等待需求方评价")
    return _page(request, demand_get(user=request.user, pk=pk), forms={"complete": form})


@require_POST
def demand_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    _any(request.user, "fieldwork.manage", "fieldwork.request")
    demand = demand_get(user=request.user, pk=pk)
    side = _side(request, demand, flow.CANCEL)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            demand_cancel(demand=demand, actor=request.user, side=side, reason=form.cleaned_data["reason"])
        except ServiceError as exc:
            if exc.field is None:
                return _refused(request, demand, exc)
            form.add_service_error(exc)
        else:
            return _done(request, demand, "需求已撤销")
    return _page(request, demand_get(user=request.user, pk=pk), forms={"cancel": form})


@require_POST
def demand_feedback_view(request: HttpRequest, pk: int) -> HttpResponse:
    _any(request.user, "fieldwork.request")
    demand = demand_get(user=request.user, pk=pk)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            demand_feedback(demand=demand, actor=request.user, satisfaction=form.cleaned_data["satisfaction"],
                            feedback=form.cleaned_data["feedback"])
        except ServiceError as exc:
            if exc.field is None:
                return _refused(request, demand, exc)
            form.add_service_error(exc)
        else:
            return _done(request, demand, "感谢评价，已记录")
    return _page(request, demand_get(user=request.user, pk=pk), forms={"feedback": form})


urlpatterns = [
    path("demands/", demand_list_view, name="demands"),
    path("demands/new/", demand_create_view, name="demand_create"),
    path("demands/new/firm/", demand_request_view, name="demand_request"),
    path("demands/<int:pk>/", demand_detail_view, name="demand"),
    path("demands/<int:pk>/dispatch/", demand_dispatch_view, name="demand_dispatch"),
    path("demands/<int:pk>/start/", demand_start_view, name="demand_start"),
    path("demands/<int:pk>/decline/", demand_decline_view, name="demand_decline"),
    path("demands/<int:pk>/complete/", demand_complete_view, name="demand_complete"),
    path("demands/<int:pk>/cancel/", demand_cancel_view, name="demand_cancel"),
    path("demands/<int:pk>/feedback/", demand_feedback_view, name="demand_feedback"),
]
