"""科技成果登记 and 获奖与参赛: lists (filters, export, list kit), a record's page, registering, editing and deleting one."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from keguan.accounts.preferences import list_state
from keguan.core.errors import ServiceError
from keguan.core.excel import build_xlsx, xlsx_response
from keguan.core.history import entries_for
from keguan.core.lists import Column, ListSpec, filter_summary, register_list
from keguan.core.pagination import querystring_without
from keguan.core.permissions import demand, may
from keguan.core.scope import covers_districts

from ..forms import AwardForm, RecordFilterForm, ResultForm
from ..models import Award, AwardKind, Result, ResultKind
from ..selectors import award_get, award_list, result_get, result_list
from ..services import award_create, award_update, result_create, result_update
from .common import Removal, delete_view, filter_districts, record_districts, scope_name, stamp

RESULT_LIST = register_list(ListSpec(code="market.results", title="科技成果登记", columns=(
    Column("name", "成果名称", fixed=True), Column("number", "登记号"), Column("kind", "类别"),
    Column("field", "技术领域", default=False), Column("holders", "完成单位"), Column("district", "区县"),
    Column("registered_on", "登记日期"),
)))
AWARD_LIST = register_list(ListSpec(code="market.awards", title="获奖与参赛", columns=(
    Column("project", "项目", fixed=True), Column("name", "奖项/赛事"), Column("level", "级别"), Column("year", "年度"),
    Column("prize", "奖次"), Column("winners", "获奖单位/个人"), Column("district", "区县"),
)))


# --- results --------------------------------------------------------------------------------------------


def _results(request: HttpRequest):
    form = RecordFilterForm(request.GET or None, kinds=ResultKind.choices, districts=filter_districts(request.user))
    filters = form.filters()
    return form, filters, result_list(user=request.user, filters=filters)


@require_GET
def result_list_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "market.view")
    form, filters, qs = _results(request)
    kit = list_state(request, RESULT_LIST)
    return render(request, "market/results.html", {
        "kit": kit, "form": form, "page": kit.paginate(request, qs), "query": querystring_without(request, "page"),
        "filtered": form.is_bound and any(v for k, v in request.GET.items() if k not in ("page", "print")),
        "invalid": filters.invalid, "city_wide": covers_districts(request.user),
        "can_write": may(request.user, "market.manage"), "can_export": may(request.user, "market.export"),
        "can_import": may(request.user, "market.import") and may(request.user, "market.manage"),
    })


@require_GET
def result_export_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "market.export")
    form, _filters, qs = _results(request)
    rows = ([r.name, r.number, r.get_kind_display(), r.field, r.holders, r.district.name, r.registered_on, r.note]
            for r in qs)
    scope = scope_name(request.user)
    content = build_xlsx(title="科技成果", headers=["成果名称", "登记号", "成果类别", "技术领域", "完成单位", "区县", "登记日期",
                                                 "简介"], rows=rows,
                         note=f"范围：{scope}\n条件：{filter_summary(form)}\n导出时间：{timezone.localtime():%Y-%m-%d %H:%M}")
    return xlsx_response(content, f"科技成果登记-{scope}-{stamp()}.xlsx")


@require_GET
def result_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "market.view")
    result = result_get(user=request.user, pk=pk)
    history = entries_for(Result.history.filter(id=result.pk), subject=result.name, model=Result,
                          skip=frozenset({"version"}))
    return render(request, "market/result.html", {"result": result, "history": history,
                                                  "can_write": may(request.user, "market.manage")})


def _result_data(form: ResultForm) -> dict:
    d = form.cleaned_data
    out = {k: d[k] for k in ("name", "number", "kind", "field", "holders", "registered_on", "note")}
    out["enterprise"] = d.get("firm")
    if "district" in form.fields:
        out["district"] = d.get("district")
    return out


def _fix_field(exc: ServiceError) -> ServiceError:
    if exc.field == "enterprise":
        exc.field = "firm"
    return exc


@require_http_methods(["GET", "POST"])
def result_create_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "market.manage")
    form = ResultForm(request.POST or None, actor=request.user, districts=record_districts(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            result = result_create(actor=request.user, **_result_data(form))
        except ServiceError as exc:
            form.add_service_error(_fix_field(exc))
        else:
            messages.success(request, f"已登记科技成果“{result.name}”")
            return redirect("market:result", pk=result.pk)
    return render(request, "market/record_form.html", {"form": form, "record": None, "what": "科技成果",
                                                       "list_url": "market:results", "detail_url": "market:result"})


@require_http_methods(["GET", "POST"])
def result_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "market.manage")
    result = result_get(user=request.user, pk=pk, write=True)
    form = ResultForm(request.POST or None, actor=request.user, districts=record_districts(request.user),
                      result=result)
    if request.method == "POST" and form.is_valid():
        try:
            result_update(result=result, actor=request.user, version=form.cleaned_data.get("version"),
                          **_result_data(form))
        except ServiceError as exc:
            form.add_service_error(_fix_field(exc))
        else:
            messages.success(request, "科技成果已保存")
            return redirect("market:result", pk=pk)
    return render(request, "market/record_form.html", {"form": form, "record": result, "what": "科技成果",
                                                       "list_url": "market:results", "detail_url": "market:result"})


result_delete_view = delete_view(Removal(result_get, lambda r: r.name, "market:results", "科技成果登记", "market:result"))


# --- awards ---------------------------------------------------------------------------------------------


def _awards(request: HttpRequest):
    form = RecordFilterForm(request.GET or None, kinds=AwardKind.choices, districts=filter_districts(request.user),
                            awards=True)
    filters = form.filters()
    return form, filters, award_list(user=request.user, filters=filters)


@require_GET
def award_list_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "market.view")
    form, filters, qs = _awards(request)
    kit = list_state(request, AWARD_LIST)
    return render(request, "market/awards.html", {
        "kit": kit, "form": form, "page": kit.paginate(request, qs), "query": querystring_without(request, "page"),
        "filtered": form.is_bound and any(v for k, v in request.GET.items() if k not in ("page", "print")),
        "invalid": filters.invalid, "city_wide": covers_districts(request.user),
        "can_write": may(request.user, "market.manage"), "can_export": may(request.user, "market.export"),
        "can_import": may(request.user, "market.import") and may(request.user, "market.manage"),
    })


@require_GET
def award_export_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "market.export")
    form, _filters, qs = _awards(request)
    rows = ([a.get_kind_display(), a.name, a.get_level_display(), a.year, a.project, a.prize, a.winners,
             a.district.name, a.awarded_on] for a in qs)
    scope = scope_name(request.user)
    content = build_xlsx(title="获奖与参赛", headers=["类别", "奖项/赛事名称", "级别", "年度", "项目", "奖次", "获奖单位/个人",
                                                  "区县", "获奖/参赛日期"], rows=rows,
                         note=f"范围：{scope}\n条件：{filter_summary(form)}\n导出时间：{timezone.localtime():%Y-%m-%d %H:%M}")
    return xlsx_response(content, f"获奖与参赛-{scope}-{stamp()}.xlsx")


@require_GET
def award_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "market.view")
    award = award_get(user=request.user, pk=pk)
    history = entries_for(Award.history.filter(id=award.pk), subject=award.project, model=Award,
                          skip=frozenset({"version"}))
    return render(request, "market/award.html", {"award": award, "history": history,
                                                 "can_write": may(request.user, "market.manage")})


def _award_data(form: AwardForm) -> dict:
    d = form.cleaned_data
    out = {k: d[k] for k in ("kind", "name", "level", "year", "project", "prize", "winners", "awarded_on")}
    out["enterprise"] = d.get("firm")
    if "district" in form.fields:
        out["district"] = d.get("district")
    return out


@require_http_methods(["GET", "POST"])
def award_create_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "market.manage")
    form = AwardForm(request.POST or None, actor=request.user, districts=record_districts(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            award = award_create(actor=request.user, **_award_data(form))
        except ServiceError as exc:
            form.add_service_error(_fix_field(exc))
        else:
            messages.success(request, f"已登记“{award.project}”")
            return redirect("market:award", pk=award.pk)
    return render(request, "market/record_form.html", {"form": form, "record": None, "what": "获奖与参赛",
                                                       "list_url": "market:awards", "detail_url": "market:award"})


@require_http_methods(["GET", "POST"])
def award_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "market.manage")
    award = award_get(user=request.user, pk=pk, write=True)
    form = AwardForm(request.POST or None, actor=request.user, districts=record_districts(request.user), award=award)
    if request.method == "POST" and form.is_valid():
        try:
            award_update(award=award, actor=request.user, version=form.cleaned_data.get("version"),
                         **_award_data(form))
        except ServiceError as exc:
            form.add_service_error(_fix_field(exc))
        else:
            messages.success(request, "获奖与参赛记录已保存")
            return redirect("market:award", pk=pk)
    return render(request, "market/record_form.html", {"form": form, "record": award, "what": "获奖与参赛",
                                                       "list_url": "market:awards", "detail_url": "market:award"})


award_delete_view = delete_view(Removal(award_get, lambda a: a.project, "market:awards", "获奖与参赛", "market:award"))
