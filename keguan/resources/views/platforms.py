"""创新平台: the list, a platform's page with its evaluations by year, create, edit, revoke (撤销 with the year),
the yearly evaluation, delete; 平台申报: the list, create, edit, the outcome (获批 creates or links the platform) and
delete."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keguan.core import dictionary
from keguan.core.errors import ServiceError
from keguan.core.history import entries_for
from keguan.core.lists import BatchAction, Column, ListSpec, register_list
from keguan.core.permissions import demand, may
from keguan.core.scope import can_write

from .. import services
from ..forms import (
    ApplicationFilterForm,
    ApplicationForm,
    DecideForm,
    EvaluationForm,
    PlatformFilterForm,
    PlatformForm,
    RevokeForm,
)
from ..models import Grade, Outcome, Platform, PlatformApplication, PlatformStatus
from ..selectors import (
    application_get,
    application_list,
    district_platforms,
    platform_evaluations,
    platform_get,
    platform_list,
)
from .common import Removal, Subject, delete_view, export, form_page, list_page, own_district, save_form

EXPORT_SELECTED = "导出所选"

PLATFORM_LIST = register_list(ListSpec(code="resources.platforms", title="创新平台", selectable=True, columns=(
    Column("name", "平台名称", fixed=True), Column("district", "区县"), Column("kind", "平台类型"),
    Column("level", "级别"), Column("host", "依托单位"), Column("year", "认定年度"), Column("doc", "批准文号", default=False),
    Column("status", "状态"), Column("grade", "最近考核"), Column("field", "技术领域", default=False),
), actions=(BatchAction("export", EXPORT_SELECTED, "resources:platforms_export", "resources.export", "file-earmark-excel"),)))

APPLICATION_LIST = register_list(ListSpec(code="resources.applications", title="平台申报", selectable=True, columns=(
    Column("name", "拟建平台名称", fixed=True), Column("district", "区县"), Column("kind", "平台类型"),
    Column("level", "申报级别"), Column("host", "依托单位"), Column("applied_on", "申报日期"), Column("outcome", "结果"),
    Column("decided_on", "结果日期"), Column("platform", "建成平台", default=False),
), actions=(BatchAction("export", EXPORT_SELECTED, "resources:applications_export", "resources.export",
                        "file-earmark-excel"),)))


def _kind(code: str) -> str:
    return dictionary.label("platform_kind", code)


def _platform_cells(p: Platform) -> dict[str, str]:
    status = p.get_status_display() + (f"（{p.revoked_year}年）" if p.revoked_year else "")
    return {"name": p.name, "district": p.district.name, "kind": _kind(p.kind), "level": p.get_level_display(),
            "host": p.host, "year": str(p.approved_year), "doc": p.approval_doc, "status": status,
            "grade": f"{p.last_grade_year}年{dict(Grade.choices)[p.last_grade]}" if p.last_grade else "—", "field": p.field}


def _platforms(*, user, f, invalid):
    return platform_list(user=user, f=f, invalid=invalid)


def _platform_url(p) -> str:
    return reverse("resources:platform", args=[p.pk])


PLATFORMS = Subject(
    code="platforms", title="创新平台", icon="building-gear", spec=PLATFORM_LIST, form_class=PlatformFilterForm,
    select=_platforms, cells=_platform_cells, url=_platform_url, create="resources:platform_create",
    kind="resource_platforms", empty="暂无创新平台。可“登记平台”，或从Excel导入平台名单。",
    note="工程技术研究中心、重点实验室、企业技术中心、新型研发机构、众创空间、孵化器、星创天地等，按类型、级别、依托单位登记；"
         "每年登记考核结果，被撤销的平台登记撤销年度。",
)


@require_GET
def platform_list_view(request: HttpRequest) -> HttpResponse:
    return list_page(request, PLATFORMS)


@require_GET
def platform_export_view(request: HttpRequest) -> HttpResponse:
    return export(request, PLATFORMS)


@require_GET
def platform_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "resources.view")
    p = platform_get(user=request.user, pk=pk)
    can = may(request.user, "resources.manage") and can_write(request.user, p)
    fields = [("平台类型", _kind(p.kind)), ("级别", p.get_level_display()), ("依托单位", p.host),
              ("企业库中的企业", p.enterprise.name if p.enterprise else "—"), ("区县", p.district.name),
              ("认定/批准年度", f"{p.approved_year}年"), ("批准文号", p.approval_doc or "—"),
              ("状态", p.get_status_display() + (f"（{p.revoked_year}年撤销）" if p.revoked_year else "")),
              ("技术领域", p.field or "—"), ("备注", p.note or "—")]
    application = PlatformApplication.objects.filter(platform=p).first()
    context = {
        "obj": p, "title": p.name, "fields": fields, "back": ("创新平台", reverse("resources:platforms")),
        "can_write": can, "evaluations": platform_evaluations(p),
        "evaluation_form": EvaluationForm() if can else None,
        "revoke_form": RevokeForm(initial={"version": p.version}, auto_id="rv_%s") if can and p.status != PlatformStatus.REVOKED else None,
        "edit_url": reverse("resources:platform_edit", args=[p.pk]) if can else "",
        "delete_url": reverse("resources:platform_delete", args=[p.pk]) if can else "",
        "application": application,
        "history": entries_for(p.history.all(), subject=p.name, model=Platform),
        "section": "platform",
    }
    return render(request, "resources/detail.html", context)


@require_http_methods(["GET", "POST"])
def platform_create_view(request: HttpRequest) -> HttpResponse:
    district = own_district(request.user)
    form = PlatformForm(request.POST or None, actor=request.user)
    obj = save_form(request, form, lambda d: services.platform_create(
        actor=request.user, district=district, **{k: v for k, v in d.items() if k != "version"}), "创新平台已登记")
    if obj is not None:
        return redirect("resources:platform", pk=obj.pk)
    return form_page(request, form=form, title=f"登记创新平台 · {district.name}", back=reverse("resources:platforms"),
                     crumbs=[("创新平台", reverse("resources:platforms"))])


@require_http_methods(["GET", "POST"])
def platform_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "resources.manage")
    p = platform_get(user=request.user, pk=pk, write=True)
    form = PlatformForm(request.POST or None, actor=request.user, instance=platform_get(user=request.user, pk=pk))
    obj = save_form(request, form, lambda d: services.platform_update(actor=request.user, platform=p, **d),
                    "创新平台已保存")
    if obj is not None:
        return redirect("resources:platform", pk=pk)
    return form_page(request, form=form, title=f"修改创新平台 · {p.name}", back=reverse("resources:platform", args=[pk]),
                     crumbs=[("创新平台", reverse("resources:platforms")), (p.name, reverse("resources:platform", args=[pk]))])


@require_POST
def platform_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "resources.manage")
    p = platform_get(user=request.user, pk=pk, write=True)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.platform_revoke(actor=request.user, platform=p, year=form.cleaned_data["year"],
                                     note=form.cleaned_data["note"], version=form.cleaned_data.get("version"))
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已登记撤销（{form.cleaned_data['year']}年）")
    else:
        messages.error(request, "请选择撤销年度")
    return redirect("resources:platform", pk=pk)


@require_POST
def platform_evaluate_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "resources.manage")
    p = platform_get(user=request.user, pk=pk, write=True)
    form = EvaluationForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            _row, created = services.evaluation_set(actor=request.user, platform=p, year=d["year"], grade=d["grade"],
                                                    note=d["note"])
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{d['year']}年度考核结果已{'登记' if created else '更新'}")
    else:
        messages.error(request, "请选择考核年度和考核结果（优秀、良好、合格、不合格）")
    return redirect("resources:platform", pk=pk)


def _application_of(p: Platform) -> tuple[str, str] | None:
    a = PlatformApplication.objects.filter(platform=p).first()
    return ("打开该平台申报", reverse("resources:application", args=[a.pk])) if a else None


platform_delete_view = delete_view(Removal(platform_get, lambda p: p.name, "resources:platforms", "创新平台",
                                           "resources:platform", fix=_application_of))


# --- applications ---------------------------------------------------------------------------------------


def _application_cells(a: PlatformApplication) -> dict[str, str]:
    return {"name": a.name, "district": a.district.name, "kind": _kind(a.kind), "level": a.get_level_display(),
            "host": a.host, "applied_on": f"{a.applied_on:%Y-%m-%d}", "outcome": a.get_outcome_display(),
            "decided_on": f"{a.decided_on:%Y-%m-%d}" if a.decided_on else "—",
            "platform": a.platform.name if a.platform else "—"}


APPLICATIONS = Subject(
    code="applications", title="平台申报", icon="send-plus", spec=APPLICATION_LIST, form_class=ApplicationFilterForm,
    select=lambda *, user, f, invalid: application_list(user=user, f=f, invalid=invalid), cells=_application_cells,
    url=lambda a: reverse("resources:application", args=[a.pk]), create="resources:application_create",
    kind="resource_applications", empty="暂无平台申报。组织企业申报新的创新平台时在此登记，获批后一步生成平台。",
    note="申报新建（或升级）的创新平台及其结果；登记“获批”时按申报内容新建平台，或关联已登记的平台。",
)


@require_GET
def application_list_view(request: HttpRequest) -> HttpResponse:
    return list_page(request, APPLICATIONS)


@require_GET
def application_export_view(request: HttpRequest) -> HttpResponse:
    return export(request, APPLICATIONS)


@require_GET
def application_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "resources.view")
    a = application_get(user=request.user, pk=pk)
    can = may(request.user, "resources.manage") and can_write(request.user, a)
    fields = [("平台类型", _kind(a.kind)), ("申报级别", a.get_level_display()), ("依托单位", a.host),
              ("企业库中的企业", a.enterprise.name if a.enterprise else "—"), ("区县", a.district.name),
              ("申报日期", f"{a.applied_on:%Y-%m-%d}"), ("结果", a.get_outcome_display()),
              ("结果日期", f"{a.decided_on:%Y-%m-%d}" if a.decided_on else "—"), ("备注", a.note or "—")]
    decide = None
    if can:
        decide = DecideForm(initial={"outcome": Outcome.APPROVED if a.outcome == Outcome.PENDING else a.outcome,
                                     "decided_on": a.decided_on, "version": a.version},
                            platforms=district_platforms(user=request.user, district_id=a.district_id))
    context = {
        "obj": a, "title": a.name, "fields": fields, "back": ("平台申报", reverse("resources:applications")),
        "can_write": can, "decide_form": decide, "section": "application",
        "edit_url": reverse("resources:application_edit", args=[a.pk]) if can else "",
        "delete_url": reverse("resources:application_delete", args=[a.pk]) if can else "",
        "history": entries_for(a.history.all(), subject=a.name, model=PlatformApplication),
    }
    return render(request, "resources/detail.html", context)


@require_http_methods(["GET", "POST"])
def application_create_view(request: HttpRequest) -> HttpResponse:
    district = own_district(request.user)
    form = ApplicationForm(request.POST or None, actor=request.user)
    obj = save_form(request, form, lambda d: services.application_create(
        actor=request.user, district=district, **{k: v for k, v in d.items() if k != "version"}), "平台申报已登记")
    if obj is not None:
        return redirect("resources:application", pk=obj.pk)
    return form_page(request, form=form, title=f"登记平台申报 · {district.name}", back=reverse("resources:applications"),
                     crumbs=[("平台申报", reverse("resources:applications"))])


@require_http_methods(["GET", "POST"])
def application_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "resources.manage")
    a = application_get(user=request.user, pk=pk, write=True)
    form = ApplicationForm(request.POST or None, actor=request.user, instance=application_get(user=request.user, pk=pk))
    obj = save_form(request, form, lambda d: services.application_update(actor=request.user, application=a, **d),
                    "平台申报已保存")
    if obj is not None:
        return redirect("resources:application", pk=pk)
    url = reverse("resources:application", args=[pk])
    return form_page(request, form=form, title=f"修改平台申报 · {a.name}", back=url,
                     crumbs=[("平台申报", reverse("resources:applications")), (a.name, url)])


@require_POST
def application_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "resources.manage")
    a = application_get(user=request.user, pk=pk, write=True)
    platforms = district_platforms(user=request.user, district_id=a.district_id)
    form = DecideForm(request.POST, platforms=platforms)
    if form.is_valid():
        d = form.cleaned_data
        linked = platforms.filter(pk=d["platform"]).first() if d["platform"] else None
        try:
            a = services.application_decide(actor=request.user, application=a, outcome=d["outcome"],
                                            on=d["decided_on"], platform=linked, approval_doc=d["approval_doc"],
                                            version=d.get("version"))
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            done = f"已登记结果：{a.get_outcome_display()}"
            if a.platform_id:
                done += f"，平台“{a.platform.name}”"
            messages.success(request, done)
    else:
        messages.error(request, "请选择结果并填写结果日期")
    return redirect("resources:application", pk=pk)


application_delete_view = delete_view(Removal(application_get, lambda a: a.name, "resources:applications", "平台申报",
                                              "resources:application"))
