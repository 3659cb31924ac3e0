"""The applicant's side: 申报项目 (the calls open to the firm, its applications with status and reasons), the
application form (save a draft; amend after 退回), files, submit, withdraw. Bureau staff enter an institute's
application the same way (``org_*`` URLs, projects.manage). One URL per action; another firm's application
answers 404 like a missing one."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keguan.core import dictionary
from keguan.core.errors import ServiceError
from keguan.core.permissions import demand
from keguan.core.scope import home_district
from keguan.projects.forms.apply import ApplicationForm
from keguan.projects.models import Status
from keguan.projects.selectors.apply import (
    application_for_applicant,
    application_for_staff_entry,
    call_file_get,
    call_for_applicant,
    call_for_staff_entry,
    calls_for_firm,
    calls_for_staff_entry,
    firm_applications,
    org_applications,
    organisations_for_entry,
    reasons_for_applicant,
)
from keguan.projects.services.applications import (
    application_attach,
    application_file_remove,
    application_move,
    application_save,
    application_start,
    call_open_to,
)
from keguan.projects.views.calls import file_response
from keguan.rules import project_flow as flow


@dataclass(frozen=True)
class Side:
    """The firm applying for itself, or the bureau entering an institute's application."""

    staff: bool
    prefix: str  # URL names: "apply" / "org"
    kw: str  # the URL keyword naming the application

    def demand(self, user) -> None:
        demand(user, "projects.manage" if self.staff else "projects.apply")
        if not self.staff and not user.enterprise_id:
            raise PermissionDenied("只有企业用户可以在线申报")
        if self.staff and home_district(user) is None:
            raise PermissionDenied("只有区县科技局人员可以代为填报")

    def get(self, user, pk, write: bool = False):
        if self.staff:
            return application_for_staff_entry(user=user, pk=pk, write=write)
        return application_for_applicant(user=user, pk=pk)

    def call(self, user, pk):
        return call_for_staff_entry(user=user, pk=pk) if self.staff else call_for_applicant(
            user=user, pk=pk, today=timezone.localdate())

    def url(self, name: str, app=None, **extra) -> str:
        kwargs = {self.kw: app.pk, **extra} if app is not None else extra
        return reverse(f"projects:{self.prefix}_{name}", kwargs=kwargs)

    def home(self) -> str:
        return reverse("projects:org_list" if self.staff else "projects:apply")


FIRM = Side(staff=False, prefix="apply", kw="apply_pk")
STAFF = Side(staff=True, prefix="org", kw="pk")


def _district(side: Side, user):
    return home_district(user) if side.staff else user.enterprise.district


# --- lists ---------------------------------------------------------------------------------------------------


@require_GET
def apply_home_view(request: HttpRequest) -> HttpResponse:
    """申报项目: what the firm may apply for today, and its own applications with their status and reasons."""
    FIRM.demand(request.user)
    today = timezone.localdate()
    apps = list(firm_applications(user=request.user))
    for a in apps:
        a.reasons = reasons_for_applicant(a)
    return render(request, "projects/apply_home.html", {
        "calls": calls_for_firm(enterprise=request.user.enterprise, today=today), "apps": apps, "today": today,
        "fields": dict(dictionary.choices("project_field")), "side": FIRM,
    })


@require_GET
def org_list_view(request: HttpRequest) -> HttpResponse:
    """The institutes' applications the bureau entered, and the calls it may enter one under."""
    STAFF.demand(request.user)
    today = timezone.localdate()
    apps = list(org_applications(user=request.user))
    for a in apps:
        a.reasons = reasons_for_applicant(a)
    return render(request, "projects/apply_home.html", {
        "calls": calls_for_staff_entry(user=request.user, today=today), "apps": apps, "today": today,
        "fields": dict(dictionary.choices("project_field")), "side": STAFF,
    })


@require_GET
def apply_call_view(request: HttpRequest) -> HttpResponse:
    """A call as the applicant reads it (``?call=``): eligibility, guide, files, and 开始申报."""
    FIRM.demand(request.user)
    if not request.GET.get("call"):
        return redirect("projects:apply")
    call = FIRM.call(request.user, request.GET["call"])
    return render(request, "projects/apply_call.html", {
        "call": call, "files": list(call.attachments.all()),
        "refused": call_open_to(call, request.user.enterprise.district, timezone.localdate()),
    })


@require_GET
def apply_call_file_view(request: HttpRequest) -> FileResponse:
    """A file of a call open to the firm (``?call=&file=``)."""
    FIRM.demand(request.user)
    call = FIRM.call(request.user, request.GET.get("call"))
    return file_response(call_file_get(call=call, pk=request.GET.get("file")))


# --- the form ------------------------------------------------------------------------------------------------


def _form_page(request, side: Side, form, *, call, app=None, status: int = 200) -> HttpResponse:
    return render(request, "projects/apply_form.html", {
        "form": form, "call": call, "app": app, "side": side,
        "action": side.url("edit", app) if app is not None else reverse(f"projects:{side.prefix}_new"),
    }, status=status)


def _new(request: HttpRequest, side: Side) -> HttpResponse:
    side.demand(request.user)
    call_pk = request.POST.get("call") if request.method == "POST" else request.GET.get("call")
    if not call_pk:  # (which call: the list of open calls)
        return apply_home_view(request) if not side.staff else org_list_view(request)
    try:
        call = side.call(request.user, call_pk)
    except Http404:
        messages.error(request, "该申报通知不存在或不面向本单位")
        return redirect(side.home())
    district = _district(side, request.user)
    orgs = organisations_for_entry(user=request.user) if side.staff else None
    form = ApplicationForm(request.POST or None, organisations=orgs)
    if request.method == "GET":
        refused = call_open_to(call, district, timezone.localdate())
        if refused:
            messages.error(request, f"不能申报“{call.title}”：{refused}")
            return redirect(side.home())
    elif form.is_valid():
        owner = ({"organisation": form.cleaned_data["organisation"]} if side.staff
                 else {"enterprise": request.user.enterprise})
        try:
            app = application_start(actor=request.user, call=call, district=district, **owner,
                                    **form.service_data())
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "申报书已保存为草稿。上传附件、核对无误后，请点击“提交申报”。")
            return redirect(side.url("detail", app))
    return _form_page(request, side, form, call=call)


@require_http_methods(["GET", "POST"])
def apply_new_view(request: HttpRequest) -> HttpResponse:
    return _new(request, FIRM)


@require_http_methods(["GET", "POST"])
def org_new_view(request: HttpRequest) -> HttpResponse:
    return _new(request, STAFF)


def _edit(request: HttpRequest, side: Side, pk) -> HttpResponse:
    side.demand(request.user)
    app = side.get(request.user, pk, write=True)
    if app.status not in flow.EDITABLE_BY_APPLICANT:
        messages.error(request, f"项目已{app.get_status_display()}，不能再修改申报内容")
        return redirect(side.url("detail", app))
    form = ApplicationForm(request.POST or None, application=app)
    if request.method == "POST" and form.is_valid():
        try:
            application_save(actor=request.user, application=app, version=form.cleaned_data.get("version"),
                             **form.service_data())
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "申报书已保存")
            return redirect(side.url("detail", app))
    return _form_page(request, side, form, call=app.call, app=app)


@require_http_methods(["GET", "POST"])
def apply_edit_view(request: HttpRequest, apply_pk: int) -> HttpResponse:
    return _edit(request, FIRM, apply_pk)


@require_http_methods(["GET", "POST"])
def org_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, STAFF, pk)


# --- the application's page and its actions --------------------------------------------------------------------


def _detail(request: HttpRequest, side: Side, pk) -> HttpResponse:
    side.demand(request.user)
    app = side.get(request.user, pk)
    return render(request, "projects/apply_detail.html", {
        "app": app, "side": side, "reasons": reasons_for_applicant(app), "steps": list(app.steps.all()),
        "budget": list(app.budget.all()), "files": list(app.files.all()),
        "field_label": dictionary.label("project_field", app.field),
        "editable": app.status in flow.EDITABLE_BY_APPLICANT, "can_withdraw": app.status == Status.SUBMITTED,
        "closed": timezone.localdate() > app.call.closes_on,
    })


@require_GET
def apply_detail_view(request: HttpRequest, apply_pk: int) -> HttpResponse:
    return _detail(request, FIRM, apply_pk)


@require_GET
def org_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, STAFF, pk)


def _move(request: HttpRequest, side: Side, pk, target: str, done: str) -> HttpResponse:
    side.demand(request.user)
    app = side.get(request.user, pk, write=True)
    try:
        application_move(actor=request.user, application=app, target=target, on_behalf=side.staff)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(side.url("detail", app))


@require_POST
def apply_submit_view(request: HttpRequest, apply_pk: int) -> HttpResponse:
    return _move(request, FIRM, apply_pk, Status.SUBMITTED, "已提交申报，等待科技局审查")


@require_POST
def org_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _move(request, STAFF, pk, Status.SUBMITTED, "已代为提交申报")


@require_POST
def apply_withdraw_view(request: HttpRequest, apply_pk: int) -> HttpResponse:
    return _move(request, FIRM, apply_pk, Status.DRAFT, "已撤回申报，项目恢复为草稿，可修改后重新提交")


@require_POST
def org_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _move(request, STAFF, pk, Status.DRAFT, "已撤回申报，项目恢复为草稿")


def _attach(request: HttpRequest, side: Side, pk) -> HttpResponse:
    side.demand(request.user)
    app = side.get(request.user, pk, write=True)
    try:
        added = application_attach(actor=request.user, application=app, files=request.FILES.getlist("files"))
    except ServiceError as exc:
        messages.error(request, f"未上传：{exc.message}")
    else:
        messages.success(request, f"已上传{len(added)}个附件")
    return redirect(side.url("detail", app) + "#files")


@require_POST
def apply_attach_view(request: HttpRequest, apply_pk: int) -> HttpResponse:
    return _attach(request, FIRM, apply_pk)


@require_POST
def org_attach_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _attach(request, STAFF, pk)


def _file(app, file_pk):
    try:
        return app.files.get(pk=file_pk)
    except (app.files.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("附件不存在") from exc


@require_GET
def apply_file_view(request: HttpRequest, apply_pk: int, afile_pk: int) -> FileResponse:
    FIRM.demand(request.user)
    return file_response(_file(FIRM.get(request.user, apply_pk), afile_pk))


@require_GET
def org_file_view(request: HttpRequest, pk: int, ofile_pk: int) -> FileResponse:
    STAFF.demand(request.user)
    return file_response(_file(STAFF.get(request.user, pk), ofile_pk))


def _file_remove(request: HttpRequest, side: Side, pk, file_pk) -> HttpResponse:
    side.demand(request.user)
    app = side.get(request.user, pk, write=True)
    attachment = _file(app, file_pk)
    try:
        application_file_remove(actor=request.user, attachment=attachment)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已删除附件“{attachment.name}”")
    return redirect(side.url("detail", app) + "#files")


@require_POST
def apply_file_remove_view(request: HttpRequest, apply_pk: int, afile_pk: int) -> HttpResponse:
    return _file_remove(request, FIRM, apply_pk, afile_pk)


@require_POST
def org_file_remove_view(request: HttpRequest, pk: int, ofile_pk: int) -> HttpResponse:
    return _file_remove(request, STAFF, pk, ofile_pk)
