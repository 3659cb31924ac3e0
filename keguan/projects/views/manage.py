"""The bureau's processing of applications: the list (filters, counts by status, export) and one application's
page (the application, its steps, and the moves the user may make: the workflow's moves, 撤销上一步, 立项, 签约,
the upper level's outcome, funds, disbursements, mid-term check and acceptance). Views are thin: the rules are in
``keguan.rules.project_flow`` and the services."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from keguan.accounts.preferences import list_state
from keguan.core import dictionary
from keguan.core.errors import ServiceError
from keguan.core.excel import xlsx_response
from keguan.core.lists import Column, ListSpec, register_list
from keguan.core.permissions import demand, may
from keguan.core.scope import covers_districts
from keguan.enterprises.selectors import districts_in_scope
from keguan.projects.exports import applications_xlsx
from keguan.projects.forms.manage import (
    ApplicationFilterForm,
    ApproveForm,
    BackForm,
    CheckForm,
    MoneyForm,
    MoveForm,
    OutcomeForm,
    SignForm,
)
from keguan.projects.models import CheckKind, Status
from keguan.projects.selectors.manage import (
    application_get,
    application_list,
    application_money,
    application_status_counts,
    application_steps,
    filter_choices,
    with_paid_amounts,
)
from keguan.projects.services import applications as services
from keguan.rules import project_flow as flow

APPLICATION_LIST = register_list(ListSpec(code="projects.applications", title="项目申报", columns=(
    Column("title", "项目名称", fixed=True), Column("applicant", "申报单位"), Column("district", "区县"),
    Column("program", "科技计划"), Column("year", "年度"), Column("status", "状态"), Column("status_on", "状态日期"),
    Column("requested", "申请资助（万元）"), Column("approved", "立项资助（万元）"), Column("paid", "已拨付（万元）", default=False),
)))

# moves with their own form on the page (立项 with the amount, 签约 with the task book, 结题 by the acceptance)
SPECIAL = {Status.APPROVED, Status.SIGNED, Status.CLOSED}


def _scope_name(user) -> str:
    return user.region.name if user.region else "全部"


def _filter_form(request: HttpRequest) -> ApplicationFilterForm:
    user = request.user
    choices = filter_choices(user=user)
    return ApplicationFilterForm(request.GET or None, years=choices["years"], programs=choices["programs"],
                                 calls=choices["calls"],
                                 districts=districts_in_scope(user=user) if covers_districts(user) else None)


def _query_without(request: HttpRequest, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


@require_GET
def applications_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    demand(user, "projects.view")
    today = timezone.localdate()
    form = _filter_form(request)
    filters = form.filters()
    counts = application_status_counts(user=user, filters=filters, today=today)
    counts_total = sum(n for *_, n in counts)
    # the list's own count is one of the status counts (they are counted under the same conditions but status)
    listed = dict((s, n) for s, _label, n in counts).get(filters.status, 0) if filters.status else counts_total
    kit = list_state(request, APPLICATION_LIST)
    page = kit.paginate(request, application_list(user=user, filters=filters, today=today), count=listed)
    if kit.cols["paid"]:
        page.object_list = with_paid_amounts(page.object_list)
    context = {
        "form": form,
        "kit": kit,
        "page": page,
        "query": _query_without(request, "page"),
        "status_query": _query_without(request, "page", "status"),
        "counts": counts,
        "counts_total": counts_total,
        "current_status": filters.status,
        "city_wide": covers_districts(user),
        "note": form.note(),
        "can_export": may(user, "projects.export"),
    }
    return render(request, "projects/manage/applications.html", context)


@require_GET
def applications_export_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    demand(user, "projects.export")
    form = _filter_form(request)
    qs = application_list(user=user, filters=form.filters(), today=timezone.localdate(), with_paid=True)
    scope = _scope_name(user)
    content = applications_xlsx(qs, scope_name=scope, filters=form.note())
    return xlsx_response(content, f"科技项目-{scope}-{timezone.localtime():%Y%m%d-%H%M}.xlsx")


# --- one application -----------------------------------------------------------------------------------------


def _page(request: HttpRequest, application, *, bound: dict | None = None, status: int = 200) -> HttpResponse:
    """The application's page; ``bound``: the form that was posted and failed, by its slot (shown open)."""
    bound = bound or {}
    user = request.user
    can_manage = may(user, "projects.manage") and services.actor_side(user, application) == flow.BUREAU
    upward = application.call.program.upward
    moves, move_forms = [], []
    approve_form = sign_form = outcome_form = check_form = back_form = fund_form = pay_form = None
    back = None
    if can_manage:
        moves = flow.moves_from(application.status, by=flow.BUREAU, upward=upward)
        recommended = application.status == Status.RECOMMENDED
        for m in moves:
            if m.target in SPECIAL or recommended:
                continue
            key = f"move:{m.target}"
            move_forms.append((m, bound.get(key) or MoveForm(application=application, move=m, prefix=m.target)))
        if any(m.target == Status.APPROVED for m in moves) and not recommended:
            approve_form = bound.get("approve") or ApproveForm(application=application, upward=upward)
        if recommended:
            outcome_form = bound.get("outcome") or OutcomeForm(application=application)
        if any(m.target == Status.SIGNED for m in moves):
            sign_form = bound.get("sign") or SignForm(application=application)
        back = flow.back_target(application.status)
        if back:
            back_form = bound.get("back") or BackForm(application=application, prefix="back")
        if application.status in (Status.SIGNED, Status.RUNNING, Status.ACCEPTANCE):
            kind = CheckKind.ACCEPTANCE if application.status == Status.ACCEPTANCE else CheckKind.MIDTERM
            check_form = bound.get("check") or CheckForm(application=application, kind=kind)
        if application.status in flow.APPROVED_OR_LATER:
            fund_form = bound.get("fund") or MoneyForm()
            pay_form = bound.get("pay") or MoneyForm(paid=True)
    shown = {f"move:{m.target}" for m, _f in move_forms} | {
        slot for slot, f in (("approve", approve_form), ("outcome", outcome_form), ("sign", sign_form),
                             ("back", back_form), ("check", check_form), ("fund", fund_form), ("pay", pay_form))
        if f is not None}
    # a form posted for an action the page no longer offers (the status moved on, an illegal move): its message
    stray = [e for slot, f in bound.items() if slot not in shown for errs in f.errors.values() for e in errs]
    context = {
        "a": application,
        "stray_errors": stray,
        "field_label": dictionary.label("project_field", application.field),
        "upward": upward,
        "budget": list(application.budget.all()),
        "files": list(application.files.all()),
        "steps": list(application_steps(application)),
        "money": application_money(application),
        "funds": list(application.funds.select_related("created_by")),
        "disbursements": list(application.disbursements.select_related("created_by")),
        "checks": list(application.checks.select_related("created_by")),
        "can_manage": can_manage,
        "move_forms": move_forms,
        "approve_form": approve_form,
        "sign_form": sign_form,
        "outcome_form": outcome_form,
        "check_form": check_form,
        "back_form": back_form,
        "back_label": flow.LABELS.get(back or "", ""),
        "fund_form": fund_form,
        "pay_form": pay_form,
        "open_slot": next(iter(bound), ""),
        "today": timezone.localdate(),
    }
    return render(request, "projects/manage/application.html", context, status=status)


@require_GET
def application_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "projects.view")
    return _page(request, application_get(user=request.user, pk=pk))


def _done(request: HttpRequest, application, text: str, anchor: str = "") -> HttpResponse:
    messages.success(request, text)
    return redirect(reverse("projects:application", args=[application.pk]) + anchor)


def _writable(request: HttpRequest, pk: int):
    demand(request.user, "projects.manage")
    return application_get(user=request.user, pk=pk, write=True)


def _failed(request, application, slot: str, form) -> HttpResponse:
    fresh = application_get(user=request.user, pk=application.pk)
    return _page(request, fresh, bound={slot: form}, status=422)


@require_POST
def application_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    a = _writable(request, pk)
    # each move's form is prefixed with its target ("review-target", "review-reason" …)
    prefix = next((k[: -len("-target")] for k in request.POST if k.endswith("-target")), "")
    target = request.POST.get(f"{prefix}-target", "")
    move = next((m for m in flow.MOVES if m.source == a.status and m.target == target and m.by == flow.BUREAU), None)
    form = MoveForm(request.POST, application=a, move=move, prefix=prefix)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.application_move(actor=request.user, application=a, target=d["target"], reason=d["reason"],
                                      on=d["on"], version=d["version"])
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            return _done(request, a, f"项目已变为“{flow.LABELS[d['target']]}”")
    return _failed(request, a, f"move:{target}", form)


@require_POST
def application_back_view(request: HttpRequest, pk: int) -> HttpResponse:
    a = _writable(request, pk)
    form = BackForm(request.POST, application=a, prefix="back")
    target = flow.back_target(a.status)
    if form.is_valid():
        try:
            if target is None:
                raise ServiceError(f"项目当前为“{a.get_status_display()}”，没有可撤销的上一步")
            services.application_move(actor=request.user, application=a, target=target, back=True,
                                      reason=form.cleaned_data["reason"], version=form.cleaned_data["version"])
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            return _done(request, a, f"已撤销上一步，项目退回到“{flow.LABELS[target]}”")
    return _failed(request, a, "back", form)


@require_POST
def application_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    a = _writable(request, pk)
    form = ApproveForm(request.POST, application=a, upward=a.call.program.upward)
    if form.is_valid():
        try:
            services.application_approve(actor=request.user, application=a, amount=form.amount_yuan(),
                                         on=form.cleaned_data["on"], version=form.cleaned_data["version"])
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            return _done(request, a, f"已立项，立项资助 {form.cleaned_data['amount_wan']:f} 万元")
    return _failed(request, a, "approve", form)


@require_POST
def application_outcome_view(request: HttpRequest, pk: int) -> HttpResponse:
    a = _writable(request, pk)
    form = OutcomeForm(request.POST, application=a)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.upward_outcome_record(actor=request.user, application=a, won=d["won"], amount=form.amount_yuan(),
                                           reason=d["reason"], on=d["on"], version=d["version"])
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            return _done(request, a, "已登记上级立项结果" if d["won"] else "已登记上级未立项")
    return _failed(request, a, "outcome", form)


@require_POST
def application_sign_view(request: HttpRequest, pk: int) -> HttpResponse:
    a = _writable(request, pk)
    form = SignForm(request.POST, application=a)
    if form.is_valid():
        try:
            services.application_sign(actor=request.user, application=a, **form.cleaned_data)
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            return _done(request, a, f"已签订任务书 {form.cleaned_data['contract_no']}")
    return _failed(request, a, "sign", form)


def _money(request: HttpRequest, pk: int, *, paid: bool) -> HttpResponse:
    """Funds approved (下达) or paid out (拨付): one form, two services."""
    a = _writable(request, pk)
    form = MoneyForm(request.POST, paid=paid)
    if form.is_valid():
        d = form.cleaned_data
        add = services.disbursement_add if paid else services.funding_add
        try:
            add(actor=request.user, application=a, source=d["source"], amount=form.amount_yuan(), on=d["on"],
                note=d["note"])
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            words = "拨付" if paid else "项目资金"
            return _done(request, a, f"已登记{words} {d['amount_wan']:f} 万元", "#money")
    return _failed(request, a, "pay" if paid else "fund", form)


@require_POST
def application_funding_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _money(request, pk, paid=False)


@require_POST
def application_disbursement_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _money(request, pk, paid=True)


@require_POST
def application_check_view(request: HttpRequest, pk: int) -> HttpResponse:
    a = _writable(request, pk)
    form = CheckForm(request.POST, application=a)
    if form.is_valid():
        d = form.cleaned_data
        try:
            check = services.projectcheck_add(actor=request.user, application=a, kind=d["kind"], on=d["on"],
                                              result=d["result"], note=d["note"], version=d["version"])
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            text = f"已登记{check.get_kind_display()}：{check.get_result_display()}"
            if a.status == Status.CLOSED:
                text += "，项目已结题"
            return _done(request, a, text, "#checks")
    return _failed(request, a, "check", form)
