"""人才与团队 and 外国专家: lists, a record's page, create, edit, delete. Experts in service whose work permit has expired
or expires within 60 days are flagged (and are a 待办, ``keguan.resources.home``)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from keguan.core.history import entries_for
from keguan.core.lists import BatchAction, Column, ListSpec, register_list
from keguan.core.permissions import demand, may
from keguan.core.scope import can_write

from .. import services
from ..forms import ExpertFilterForm, ExpertForm, TalentFilterForm, TalentForm
from ..models import ForeignExpert, Talent
from ..selectors import PERMIT_DAYS, expert_get, expert_list, permits_due, talent_get, talent_list
from .common import Removal, Subject, delete_view, export, form_page, list_page, own_district, save_form

TALENT_LIST = register_list(ListSpec(code="resources.talent", title="人才与团队", selectable=True, columns=(
    Column("name", "姓名/团队", fixed=True), Column("district", "区县"), Column("kind", "类别"),
    Column("program", "人才计划"), Column("batch", "批次", default=False), Column("year", "入选年度"),
    Column("level", "级别"), Column("host", "所在单位"), Column("field", "专业领域", default=False),
), actions=(BatchAction("export", "导出所选", "resources:talent_export", "resources.export", "file-earmark-excel"),)))

EXPERT_LIST = register_list(ListSpec(code="resources.experts", title="外国专家", selectable=True, columns=(
    Column("name", "姓名", fixed=True), Column("district", "区县"), Column("nationality", "国籍"),
    Column("host", "聘请单位"), Column("field", "专业领域", default=False), Column("period", "服务期"),
    Column("permit_no", "工作许可证号", default=False), Column("permit", "工作许可到期"),
), actions=(BatchAction("export", "导出所选", "resources:experts_export", "resources.export", "file-earmark-excel"),)))


def _talent_cells(t: Talent) -> dict[str, str]:
    return {"name": t.name, "district": t.district.name, "kind": "团队" if t.is_team else "个人",
            "program": t.program, "batch": t.batch, "year": str(t.year), "level": t.get_level_display(),
            "host": t.host, "field": t.field}


TALENT = Subject(
    code="talent", title="人才与团队", icon="people", spec=TALENT_LIST, form_class=TalentFilterForm,
    select=lambda *, user, f, invalid: talent_list(user=user, f=f, invalid=invalid), cells=_talent_cells,
    url=lambda t: reverse("resources:talent_detail", args=[t.pk]), create="resources:talent_create",
    kind="resource_talent", empty="暂无人才与团队记录。入选各级人才计划的个人和创新团队在此登记。",
    note="入选各级人才计划（如特支计划、特聘专家、青年拔尖人才）的个人，以及创新团队。",
)


def permit_state(e: ForeignExpert, today: dt.date) -> str:
    if e.permit_expires is None:
        return "—"
    serving = e.start_on <= today and (e.end_on is None or e.end_on >= today)
    text = f"{e.permit_expires:%Y-%m-%d}"
    if serving and e.permit_expires < today:
        return text + "（已过期）"
    if serving and e.permit_expires <= today + dt.timedelta(days=PERMIT_DAYS):
        return text + f"（{(e.permit_expires - today).days}天后到期）"
    return text


def _expert_cells(e: ForeignExpert) -> dict[str, str]:
    today = timezone.localdate()
    period = f"{e.start_on:%Y-%m-%d} 至 {e.end_on:%Y-%m-%d}" if e.end_on else f"{e.start_on:%Y-%m-%d} 起"
    return {"name": e.name, "district": e.district.name, "nationality": e.nationality, "host": e.host,
            "field": e.field, "period": period, "permit_no": e.permit_no, "permit": permit_state(e, today)}


def _expert_extra(request, qs, f) -> dict:
    n, first = permits_due(user=request.user, today=timezone.localdate())
    return {"alert": (f"有 {n} 名在聘外国专家的工作许可已过期或将在{PERMIT_DAYS}天内到期"
                      + (f"（最早 {first:%Y-%m-%d}）" if first else "") + "，请提醒聘请单位及时办理延期。") if n else "",
            "alert_url": reverse("resources:experts") + "?permit=due"}


EXPERTS = Subject(
    code="experts", title="外国专家", icon="globe2", spec=EXPERT_LIST, form_class=ExpertFilterForm,
    select=lambda *, user, f, invalid: expert_list(user=user, f=f, invalid=invalid, today=timezone.localdate()),
    cells=_expert_cells, url=lambda e: reverse("resources:expert", args=[e.pk]), create="resources:expert_create",
    kind="resource_experts", empty="暂无外国专家记录。在辖区企业和单位服务的外国专家在此登记（含工作许可）。",
    note="在辖区服务的外国专家：国籍、聘请单位、服务期和外国人工作许可。", extra=_expert_extra,
)


@require_GET
def talent_list_view(request: HttpRequest) -> HttpResponse:
    return list_page(request, TALENT)


@require_GET
def talent_export_view(request: HttpRequest) -> HttpResponse:
    return export(request, TALENT)


@require_GET
def expert_list_view(request: HttpRequest) -> HttpResponse:
    return list_page(request, EXPERTS)


@require_GET
def expert_export_view(request: HttpRequest) -> HttpResponse:
    return export(request, EXPERTS)


@require_GET
def talent_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "resources.view")
    t = talent_get(user=request.user, pk=pk)
    can = may(request.user, "resources.manage") and can_write(request.user, t)
    fields = [("类别", "团队" if t.is_team else "个人"), ("人才计划", t.program), ("批次", t.batch or "—"),
              ("入选年度", f"{t.year}年"), ("级别", t.get_level_display()), ("所在单位", t.host),
              ("企业库中的企业", t.enterprise.name if t.enterprise else "—"), ("区县", t.district.name),
              ("专业领域", t.field or "—")]
    return render(request, "resources/detail.html", {
        "obj": t, "title": t.name, "fields": fields, "back": ("人才与团队", reverse("resources:talent")),
        "can_write": can, "edit_url": reverse("resources:talent_edit", args=[t.pk]) if can else "",
        "delete_url": reverse("resources:talent_delete", args=[t.pk]) if can else "",
        "history": entries_for(t.history.all(), subject=t.name, model=Talent)})


@require_GET
def expert_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "resources.view")
    e = expert_get(user=request.user, pk=pk)
    can = may(request.user, "resources.manage") and can_write(request.user, e)
    fields = [("国籍", e.nationality), ("聘请单位", e.host), ("企业库中的企业", e.enterprise.name if e.enterprise else "—"),
              ("区县", e.district.name), ("专业领域", e.field or "—"), ("服务期", _expert_cells(e)["period"]),
              ("工作许可证号", e.permit_no or "—"), ("工作许可到期日", permit_state(e, timezone.localdate()))]
    return render(request, "resources/detail.html", {
        "obj": e, "title": e.name, "fields": fields, "back": ("外国专家", reverse("resources:experts")),
        "can_write": can, "edit_url": reverse("resources:expert_edit", args=[e.pk]) if can else "",
        "delete_url": reverse("resources:expert_delete", args=[e.pk]) if can else "",
        "history": entries_for(e.history.all(), subject=e.name, model=ForeignExpert)})


@require_http_methods(["GET", "POST"])
def talent_create_view(request: HttpRequest) -> HttpResponse:
    district = own_district(request.user)
    form = TalentForm(request.POST or None, actor=request.user)
    obj = save_form(request, form, lambda d: services.talent_create(
        actor=request.user, district=district, **{k: v for k, v in d.items() if k != "version"}), "人才记录已登记")
    if obj is not None:
        return redirect("resources:talent_detail", pk=obj.pk)
    return form_page(request, form=form, title=f"登记人才与团队 · {district.name}", back=reverse("resources:talent"),
                     crumbs=[("人才与团队", reverse("resources:talent"))])


@require_http_methods(["GET", "POST"])
def talent_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "resources.manage")
    t = talent_get(user=request.user, pk=pk, write=True)
    form = TalentForm(request.POST or None, actor=request.user, instance=talent_get(user=request.user, pk=pk))
    obj = save_form(request, form, lambda d: services.talent_update(actor=request.user, talent=t, **d), "人才记录已保存")
    if obj is not None:
        return redirect("resources:talent_detail", pk=pk)
    url = reverse("resources:talent_detail", args=[pk])
    return form_page(request, form=form, title=f"修改人才与团队 · {t.name}", back=url,
                     crumbs=[("人才与团队", reverse("resources:talent")), (t.name, url)])


@require_http_methods(["GET", "POST"])
def expert_create_view(request: HttpRequest) -> HttpResponse:
    district = own_district(request.user)
    form = ExpertForm(request.POST or None, actor=request.user)
    obj = save_form(request, form, lambda d: services.expert_create(
        actor=request.user, district=district, **{k: v for k, v in d.items() if k != "version"}), "外国专家已登记")
    if obj is not None:
        return redirect("resources:expert", pk=obj.pk)
    return form_page(request, form=form, title=f"登记外国专家 · {district.name}", back=reverse("resources:experts"),
                     crumbs=[("外国专家", reverse("resources:experts"))])


@require_http_methods(["GET", "POST"])
def expert_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "resources.manage")
    e = expert_get(user=request.user, pk=pk, write=True)
    form = ExpertForm(request.POST or None, actor=request.user, instance=expert_get(user=request.user, pk=pk))
    obj = save_form(request, form, lambda d: services.expert_update(actor=request.user, expert=e, **d), "外国专家已保存")
    if obj is not None:
        return redirect("resources:expert", pk=pk)
    url = reverse("resources:expert", args=[pk])
    return form_page(request, form=form, title=f"修改外国专家 · {e.name}", back=url,
                     crumbs=[("外国专家", reverse("resources:experts")), (e.name, url)])


talent_delete_view = delete_view(Removal(talent_get, lambda t: t.name, "resources:talent", "人才与团队",
                                         "resources:talent_detail"))
expert_delete_view = delete_view(Removal(expert_get, lambda e: e.name, "resources:experts", "外国专家", "resources:expert"))
