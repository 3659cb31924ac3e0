"""Enterprise registry pages: list, export, detail, create, edit, delete."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keguan.accounts.preferences import list_state
from keguan.core.errors import ServiceError
from keguan.core.excel import xlsx_response
from keguan.core.lists import BatchAction, Column, ListSpec, register_list, selected_ids
from keguan.core.pagination import querystring_without
from keguan.core.permissions import demand, may
from keguan.core.scope import can_write, home_district, in_scope, scoped

from ..exports import enterprise_export_xlsx
from ..forms import BatchTagsForm, EnterpriseFilterForm, EnterpriseForm, LabelForm, StageChangeForm
from ..history import history_entries
from ..hooks import firm_sections, stage_lock
from ..models import Enterprise
from ..selectors import (
    EnterpriseFilters,
    enterprise_get,
    enterprise_list,
    enterprise_stage_timeline,
    enterprise_years,
)
from ..services import (
    DuplicateEnterprise,
    credit_code_elsewhere,
    enterprise_create,
    enterprise_delete,
    enterprise_delete_blockers,
    enterprise_restore,
    enterprise_update,
    set_tags,
)

RESUBMITTED = "该企业已登记（可能是重复提交）"

# The list kit (keguan.core.lists). Other areas add batch actions to this list (the pipeline: 加入培育库).
ENTERPRISE_LIST = register_list(ListSpec(
    code="enterprises",
    title="企业库",
    selectable=True,
    columns=(
        Column("name", "企业名称", fixed=True),
        Column("credit_code", "统一社会信用代码"),
        Column("district", "区县"),
        Column("township", "乡镇/街道"),
        Column("industry", "行业"),
        Column("stage", "培育阶段"),
        Column("tech_field", "高新技术领域"),
    ),
    actions=(BatchAction("export", "导出所选", "enterprises:export", "enterprises.export", "file-earmark-excel"),
             BatchAction("tags", "设置标签", "enterprises:batch_tags", "enterprises.edit", "tags")),
))


def _filtered(request: HttpRequest):
    form = EnterpriseFilterForm(request.GET or None, user=request.user)
    if not form.is_bound:
        filters = EnterpriseFilters()
    elif form.is_valid():
        filters = EnterpriseFilters.from_cleaned(form.cleaned_data)
    else:
        # A condition that is not valid (a township outside the user's area, an unknown stage …) matches
        # nothing; it never widens the list or the export to everything.
        filters = EnterpriseFilters(invalid=True)
    return form, filters, enterprise_list(user=request.user, filters=filters)


def _require_editor(user) -> None:
    demand(user, "enterprises.edit", "只有区县科技局人员可以执行此操作")


@require_GET
def enterprise_list_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_enterprise_user:
        return redirect("enterprises:mine")
    demand(request.user, "enterprises.view")
    form, filters, qs = _filtered(request)
    kit = list_state(request, ENTERPRISE_LIST)
    page = kit.paginate(request, qs)
    context = {
        "form": form,
        "kit": kit,
        "page": page,
        "filters": filters,
        "query": querystring_without(request, "page"),
        "can_create": may(request.user, "enterprises.edit"),
        "can_import": may(request.user, "enterprises.import") and home_district(request.user) is not None,
        "link_note": form.link_note(),
        "filtered": any(v for k, v in (form.cleaned_data.items() if form.is_bound and form.is_valid() else []) if k != "sort"),
    }
    template = "enterprises/list.html#results" if request.htmx and not request.htmx.boosted else "enterprises/list.html"
    return render(request, template, context)


@require_GET
def enterprise_export_view(request: HttpRequest) -> HttpResponse:
    """The list as filtered, or with ``ids`` (导出所选) exactly the ticked firms among those the user may see
    (ids outside the user's scope match nothing and are never exported)."""
    demand(request.user, "enterprises.export")
    ids = selected_ids(request.GET)
    if ids:
        qs = enterprise_list(user=request.user).filter(pk__in=ids)
    else:
        _form, _filters, qs = _filtered(request)
    scope = request.user.region.name if request.user.region else "全部"
    if ids:
        scope = f"{scope}（所选 {qs.count()} 家）"
    content = enterprise_export_xlsx(qs, scope_name=scope, personal=may(request.user, "enterprises.personal"))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(content, f"企业名录-{scope}-{stamp}.xlsx")


@require_GET
def enterprise_mine_view(request: HttpRequest) -> HttpResponse:
    if request.user.enterprise_id is None:
        raise Http404("您的账号未关联企业")
    return redirect("enterprises:detail", pk=request.user.enterprise_id)


@require_GET
def enterprise_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = enterprise_get(user=request.user, pk=pk)
    editable = can_write(request.user, enterprise)
    staff_editor = may(request.user, "enterprises.edit")
    context = {
        "e": enterprise,
        "years": enterprise_years(enterprise=enterprise),
        "timeline": enterprise_stage_timeline(enterprise=enterprise),
        "labels": enterprise.labels.all(),
        "history": history_entries(enterprise, with_tags=may(request.user, "enterprises.view")),
        "can_edit": editable,
        "can_manage": staff_editor and editable,
        "stage_form": StageChangeForm(initial={"stage": enterprise.stage}),
        "label_form": LabelForm(),
        "follows_records": bool(stage_lock(enterprise)),
        "sections": firm_sections(request.user, enterprise),
    }
    return render(request, "enterprises/detail.html", context)


@require_http_methods(["GET", "POST"])
def enterprise_create_view(request: HttpRequest) -> HttpResponse:
    _require_editor(request.user)
    form = EnterpriseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        if form.resubmitted is not None:  # the same form sent again: the first submit created the firm
            messages.info(request, RESUBMITTED)
            return redirect("enterprises:detail", pk=form.resubmitted.pk)
        try:
            with transaction.atomic():
                enterprise = enterprise_create(actor=request.user, **form.profile_data())
                if form.tag_codes():
                    set_tags([enterprise], form.tag_codes(), by=request.user)
        except DuplicateEnterprise as exc:
            if not exc.resubmitted:
                form.add_service_error(exc)
            else:
                messages.info(request, RESUBMITTED)
                return redirect("enterprises:detail", pk=exc.existing.pk)
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"已新建企业“{enterprise.name}”")
            _note_elsewhere(request, enterprise)
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(request, "enterprises/form.html", {"form": form, "e": None})


def _note_elsewhere(request: HttpRequest, enterprise) -> None:
    note = credit_code_elsewhere(enterprise.credit_code, enterprise.district)
    if note:
        messages.warning(request, note)


@require_http_methods(["GET", "POST"])
def enterprise_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = enterprise_get(user=request.user, pk=pk, write=True)
    form = EnterpriseForm(request.POST or None, instance=enterprise, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.profile_data()
        if request.user.is_enterprise_user:
            data.pop("credit_code", None)
            data.pop("district", None)
        try:
            # The form has already written its values onto the instance; reload before the service diffs.
            fresh = enterprise_get(user=request.user, pk=pk, write=True)
            with transaction.atomic():
                enterprise_update(enterprise=fresh, actor=request.user, version=form.cleaned_data.get("version"),
                                  **data)
                if form.tag_codes() is not None:
                    set_tags([fresh], form.tag_codes(), by=request.user)
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "企业信息已保存")
            _note_elsewhere(request, fresh)
            return redirect("enterprises:detail", pk=pk)
    return render(request, "enterprises/form.html", {"form": form, "e": enterprise})


@require_http_methods(["GET", "POST"])
def enterprise_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """删除: a confirm page saying what (if anything) blocks it; the POST deletes and offers 撤销."""
    _require_editor(request.user)
    enterprise = enterprise_get(user=request.user, pk=pk, write=True)
    if request.method == "GET":
        blockers = enterprise_delete_blockers(enterprise)
        return render(request, "enterprises/delete.html", {"e": enterprise, "blockers": blockers})
    try:
        enterprise_delete(enterprise=enterprise, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("enterprises:delete", pk=pk)
    undo = format_html(
        '已删除企业“{}”，删除记录保留在变更记录中。'
        '<form method="post" action="{}" class="d-inline ms-2"><input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<button class="btn btn-sm btn-outline-secondary py-0" type="submit" data-testid="undo-delete">撤销删除</button></form>',
        enterprise.name, reverse("enterprises:restore", args=[pk]), get_token(request),
    )
    messages.success(request, undo)
    return redirect("enterprises:list")


@require_POST
def enterprise_restore_view(request: HttpRequest, pk: int) -> HttpResponse:
    """撤销删除: the firm back from its history, if it lies in the user's scope."""
    _require_editor(request.user)
    with transaction.atomic():  # a firm outside the user's scope is not restored: the 404 rolls it back
        try:
            enterprise = enterprise_restore(pk=pk, actor=request.user)
        except ServiceError as exc:
            raise Http404(exc.message) from exc
        if not in_scope(request.user, enterprise):
            raise Http404("记录不存在或不在您的管辖范围内")
    messages.success(request, f"已撤销删除，企业“{enterprise.name}”已恢复")
    return redirect("enterprises:detail", pk=pk)


@require_http_methods(["GET", "POST"])
def batch_tags_view(request: HttpRequest) -> HttpResponse:
    """设置标签 as a batch action of the enterprise list: the ticked firms the user may see (GET, from the list)
    and the tags to add to them or to set as theirs (POST): one history row per firm that changed."""
    _require_editor(request.user)
    data = request.POST if request.method == "POST" else request.GET
    firms = list(scoped(Enterprise, request.user).filter(pk__in=selected_ids(data)).order_by("name"))
    back = reverse("enterprises:list")
    form = BatchTagsForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and firms:  # (firms outside the scope: none, the page says so)
        try:
            changed = set_tags(firms, [t.code for t in form.cleaned_data["tags"]], by=request.user,
                               add=form.cleaned_data["mode"] == "add", reason="批量设置企业标签")
        except ServiceError as exc:
            form.add_service_error(exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已为 {changed} 家企业设置标签（其余 {len(firms) - changed} 家无变化）")
            return redirect(back)
    return render(request, "enterprises/batch_tags.html", {"firms": firms, "form": form, "back": back})
