"""产学研合作协议: the list, an agreement's page with its joint projects, create, edit, delete (with its projects),
add and remove a project."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keguan.core.errors import ServiceError
from keguan.core.forms import wan_from_yuan, yuan_from_wan
from keguan.core.history import entries_for
from keguan.core.lists import BatchAction, Column, ListSpec, register_list
from keguan.core.permissions import demand, may
from keguan.core.scope import can_write

from .. import services
from ..forms import AgreementFilterForm, AgreementForm, JointProjectForm
from ..models import Agreement
from ..selectors import agreement_get, agreement_list, joint_project_get
from .common import Removal, Subject, delete_view, export, form_page, list_page, own_district, save_form

AGREEMENT_LIST = register_list(ListSpec(code="resources.agreements", title="产学研合作协议", selectable=True, columns=(
    Column("name", "本地单位", fixed=True), Column("district", "区县"), Column("partner", "合作高校/院所"),
    Column("signed_on", "签订日期"), Column("field", "合作领域"), Column("amount", "协议金额（万元）"),
    Column("status", "状态"), Column("projects", "合作项目"),
), actions=(BatchAction("export", "导出所选", "resources:agreements_export", "resources.export", "file-earmark-excel"),)))


def wan_text(amount) -> str:
    if amount is None:
        return "—"
    return f"{wan_from_yuan(amount):,.2f}"


def _cells(a: Agreement) -> dict[str, str]:
    return {"name": a.local_party, "district": a.district.name, "partner": a.partner,
            "signed_on": f"{a.signed_on:%Y-%m-%d}", "field": a.field or "—", "amount": wan_text(a.amount),
            "status": a.get_status_display(), "projects": f"{getattr(a, 'n_projects', 0)}项"}


AGREEMENTS = Subject(
    code="agreements", title="产学研合作协议", icon="diagram-3", spec=AGREEMENT_LIST, form_class=AgreementFilterForm,
    select=lambda *, user, f, invalid: agreement_list(user=user, f=f, invalid=invalid), cells=_cells,
    url=lambda a: reverse("resources:agreement", args=[a.pk]), create="resources:agreement_create",
    kind="resource_agreements", empty="暂无产学研合作协议。辖区企业、单位与高校、科研院所签订的科技合作协议在此登记。",
    note="辖区企业、单位与高校、科研院所签订的科技合作协议，以及协议下的合作项目。金额以万元计。",
)


@require_GET
def agreement_list_view(request: HttpRequest) -> HttpResponse:
    return list_page(request, AGREEMENTS)


@require_GET
def agreement_export_view(request: HttpRequest) -> HttpResponse:
    return export(request, AGREEMENTS)


@require_GET
def agreement_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "resources.view")
    a = agreement_get(user=request.user, pk=pk)
    can = may(request.user, "resources.manage") and can_write(request.user, a)
    fields = [("本地单位", a.local_party), ("企业库中的企业", a.enterprise.name if a.enterprise else "—"),
              ("合作高校/院所", a.partner), ("区县", a.district.name), ("签订日期", f"{a.signed_on:%Y-%m-%d}"),
              ("合作领域", a.field or "—"), ("协议金额（万元）", wan_text(a.amount)), ("状态", a.get_status_display()),
              ("合作内容", a.note or "—")]
    projects = [{"obj": p, "amount": wan_text(p.amount)} for p in a.projects.all()]
    title = f"{a.local_party}—{a.partner}"
    return render(request, "resources/detail.html", {
        "obj": a, "title": title, "fields": fields, "back": ("产学研合作", reverse("resources:agreements")),
        "can_write": can, "edit_url": reverse("resources:agreement_edit", args=[a.pk]) if can else "",
        "delete_url": reverse("resources:agreement_delete", args=[a.pk]) if can else "",
        "section": "agreement", "projects": projects, "project_form": JointProjectForm() if can else None,
        "history": entries_for(a.history.all(), subject=title, model=Agreement)})


@require_http_methods(["GET", "POST"])
def agreement_create_view(request: HttpRequest) -> HttpResponse:
    district = own_district(request.user)
    form = AgreementForm(request.POST or None, actor=request.user)
    obj = save_form(request, form, lambda d: services.agreement_create(
        actor=request.user, district=district, **{k: v for k, v in d.items() if k not in ("version", "amount_wan")}),
        "合作协议已登记")
    if obj is not None:
        return redirect("resources:agreement", pk=obj.pk)
    return form_page(request, form=form, title=f"登记产学研合作协议 · {district.name}",
                     back=reverse("resources:agreements"), crumbs=[("产学研合作", reverse("resources:agreements"))])


@require_http_methods(["GET", "POST"])
def agreement_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "resources.manage")
    a = agreement_get(user=request.user, pk=pk, write=True)
    form = AgreementForm(request.POST or None, actor=request.user, instance=agreement_get(user=request.user, pk=pk))
    obj = save_form(request, form, lambda d: services.agreement_update(
        actor=request.user, agreement=a, **{k: v for k, v in d.items() if k != "amount_wan"}), "合作协议已保存")
    if obj is not None:
        return redirect("resources:agreement", pk=pk)
    url = reverse("resources:agreement", args=[pk])
    return form_page(request, form=form, title="修改产学研合作协议", back=url,
                     crumbs=[("产学研合作", reverse("resources:agreements")), (str(a), url)])


@require_POST
def project_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "resources.manage")
    a = agreement_get(user=request.user, pk=pk, write=True)
    form = JointProjectForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.joint_project_add(actor=request.user, agreement=a, title=d["title"], starts_on=d["starts_on"],
                                       amount=yuan_from_wan(d["amount_wan"]), status=d["status"])
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"合作项目“{d['title']}”已登记")
    else:
        messages.error(request, "合作项目未登记：" + "；".join(
            f"{form.fields[k].label}：{' '.join(v)}" for k, v in form.errors.items() if k in form.fields))
    return redirect("resources:agreement", pk=pk)


@require_POST
def project_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "resources.manage")
    p = joint_project_get(user=request.user, pk=pk, write=True)
    agreement = p.agreement_id
    services.joint_project_remove(actor=request.user, project=p)
    messages.success(request, f"已删除合作项目“{p.title}”")
    return redirect("resources:agreement", pk=agreement)


agreement_delete_view = delete_view(Removal(agreement_get, str, "resources:agreements", "产学研合作",
                                            "resources:agreement"))
