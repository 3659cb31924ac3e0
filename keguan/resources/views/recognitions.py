"""称号申报 (recognitions other than 高企): the list by year, title and status with its counts (申报N家，公示N家，
认定N家), an application's page with its dated steps and the next moves, create, edit, delete, and one move
(申报 → 推荐 → 公示 → 认定 / 未通过); 认定 grants the firm's label (a granted one is deleted only once the label is gone)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keguan.core.errors import ServiceError
from keguan.core.history import entries_for
from keguan.core.lists import BatchAction, Column, ListSpec, register_list
from keguan.core.permissions import demand, may
from keguan.core.scope import can_write
from keguan.enterprises.models import LabelLevel
from keguan.rules import recognition_flow as flow

from .. import services
from ..forms import MoveForm, RecognitionFilterForm, RecognitionForm
from ..models import Recognition
from ..selectors import recognition_counts, recognition_get, recognition_list, recognition_title
from .common import Removal, Subject, delete_view, export, form_page, list_page, own_district, save_form

RECOGNITION_LIST = register_list(ListSpec(code="resources.recognitions", title="称号申报", selectable=True, columns=(
    Column("name", "企业名称", fixed=True), Column("district", "区县"), Column("title", "称号"), Column("level", "级别"),
    Column("year", "申报年度"), Column("batch", "批次"), Column("status", "状态"),
    Column("applied_on", "申报日期"), Column("recommended_on", "推荐日期", default=False),
    Column("publicised_on", "公示日期"), Column("decided_on", "认定/结果日期"), Column("reason", "未通过原因", default=False),
), actions=(BatchAction("export", "导出所选", "resources:recognitions_export", "resources.export",
                        "file-earmark-excel"),)))

TITLES = dict(services.TITLE_CHOICES)
LEVELS = dict(LabelLevel.choices)


def _d(day) -> str:
    return f"{day:%Y-%m-%d}" if day else "—"


def _cells(r: Recognition) -> dict[str, str]:
    return {"name": r.enterprise.name, "district": r.district.name, "title": TITLES.get(r.title, r.title),
            "level": LEVELS.get(r.level, r.level), "year": str(r.year), "batch": r.batch or "—",
            "status": r.get_status_display(), "applied_on": _d(r.applied_on), "recommended_on": _d(r.recommended_on),
            "publicised_on": _d(r.publicised_on), "decided_on": _d(r.decided_on), "reason": r.failed_reason or "—"}


def _counts(request, qs, f) -> dict:
    c = recognition_counts(qs)
    words = f"申报{c['applied']}家，推荐{c['recommended']}家，公示{c['publicised']}家，认定{c['granted']}家"
    if c["failed"]:
        words += f"，未通过{c['failed']}家"
    return {"counts_line": words if c["applied"] else ""}


RECOGNITIONS = Subject(
    code="recognitions", title="称号申报", icon="patch-check", spec=RECOGNITION_LIST, form_class=RecognitionFilterForm,
    select=lambda *, user, f, invalid: recognition_list(user=user, f=f, invalid=invalid), cells=_cells,
    url=lambda r: reverse("resources:recognition", args=[r.pk]), create="resources:recognition_create",
    kind="resource_recognitions", extra=_counts,
    empty="暂无称号申报。组织企业申报省级科技型企业、专精特新、瞪羚企业等称号时在此登记，逐步记录推荐、公示和认定。",
    note="高企以外的称号申报：申报 → 推荐 → 公示 → 认定 / 未通过，每一步记日期；认定后企业自动获得该称号。",
)


@require_GET
def recognition_list_view(request: HttpRequest) -> HttpResponse:
    return list_page(request, RECOGNITIONS)


@require_GET
def recognition_export_view(request: HttpRequest) -> HttpResponse:
    return export(request, RECOGNITIONS)


@require_GET
def recognition_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "resources.view")
    r = recognition_get(user=request.user, pk=pk)
    can = may(request.user, "resources.manage") and can_write(request.user, r)
    fields = [("企业", r.enterprise.name), ("统一社会信用代码", r.enterprise.credit_code), ("称号", recognition_title(r)),
              ("申报年度", f"{r.year}年"), ("批次", r.batch or "—"), ("区县", r.district.name),
              ("状态", r.get_status_display())]
    if r.failed_reason:
        fields.append(("未通过原因", r.failed_reason))
    steps = [(flow.LABELS[s], getattr(r, flow.DATE_OF[s])) for s in flow.ORDER]
    if r.status == flow.FAILED:
        steps = [s for s in steps[:3] if s[1]] + [("未通过", r.decided_on)]
    moves = [(t, flow.VERBS[t]) for t in flow.next_moves(r.status)] if can else []
    move_form = MoveForm(initial={"version": r.version}) if moves else None
    if move_form is not None:
        move_form.fields["target"].choices = moves
    label = services.grants_label(r) if r.status == flow.GRANTED else None
    return render(request, "resources/detail.html", {
        "obj": r, "title": f"{r.enterprise.name} · {r.year}年{recognition_title(r)}", "fields": fields,
        "back": ("称号申报", reverse("resources:recognitions")), "can_write": can,
        "edit_url": reverse("resources:recognition_edit", args=[r.pk]) if can else "",
        "delete_url": reverse("resources:recognition_delete", args=[r.pk]) if can else "",
        "section": "recognition", "steps": steps, "moves": moves, "move_form": move_form, "label": label,
        "firm_url": reverse("enterprises:detail", args=[r.enterprise_id]),
        "history": entries_for(r.history.all(), subject=str(r), model=Recognition)})


@require_http_methods(["GET", "POST"])
def recognition_create_view(request: HttpRequest) -> HttpResponse:
    district = own_district(request.user)
    form = RecognitionForm(request.POST or None, actor=request.user)
    obj = save_form(request, form, lambda d: services.recognition_create(
        actor=request.user, district=district, **{k: v for k, v in d.items() if k != "version"}), "称号申报已登记")
    if obj is not None:
        return redirect("resources:recognition", pk=obj.pk)
    return form_page(request, form=form, title=f"登记称号申报 · {district.name}", back=reverse("resources:recognitions"),
                     crumbs=[("称号申报", reverse("resources:recognitions"))],
                     intro="高企以外的称号（省级科技型企业、专精特新、瞪羚企业、科技小巨人等）。登记后按推荐、公示、认定逐步记录。")


@require_http_methods(["GET", "POST"])
def recognition_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "resources.manage")
    r = recognition_get(user=request.user, pk=pk, write=True)
    form = RecognitionForm(request.POST or None, actor=request.user, instance=recognition_get(user=request.user, pk=pk))
    obj = save_form(request, form, lambda d: services.recognition_update(actor=request.user, recognition=r, **d),
                    "称号申报已保存")
    if obj is not None:
        return redirect("resources:recognition", pk=pk)
    url = reverse("resources:recognition", args=[pk])
    return form_page(request, form=form, title=f"修改称号申报 · {r.enterprise.name}", back=url,
                     crumbs=[("称号申报", reverse("resources:recognitions")), (r.enterprise.name, url)])


@require_POST
def recognition_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "resources.manage")
    r = recognition_get(user=request.user, pk=pk, write=True)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "状态未变更：请选择下一步并填写日期")
        return redirect("resources:recognition", pk=pk)
    d = form.cleaned_data
    try:
        r = services.recognition_move(actor=request.user, recognition=r, target=d["target"], on=d["on"],
                                      reason=d["reason"], version=d.get("version"))
    except ServiceError as exc:
        messages.error(request, f"状态未变更：{exc.message}")
    else:
        done = f"已{flow.VERBS[d['target']]}（{d['on']:%Y-%m-%d}）"
        if r.status == flow.GRANTED:
            done += f"，{r.enterprise.name}已获得“{recognition_title(r)}”称号"
        messages.success(request, done)
    return redirect("resources:recognition", pk=pk)


recognition_delete_view = delete_view(Removal(
    recognition_get, lambda r: f"{r.enterprise.name} · {r.year}年{recognition_title(r)}", "resources:recognitions",
    "称号申报", "resources:recognition",
    fix=lambda r: ("打开企业页面（称号）", reverse("enterprises:detail", args=[r.enterprise_id]))))
