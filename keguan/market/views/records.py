"""科技成果登记 and 获奖与参赛: lists (filters, export, list kit), a record's page, registering, editing and deleting one.

The two kinds of record work alike, so each is described once (a ``RecordKind``: its list, filter, export, form,
services and words) and its pages (``pages``) are the shared ``_list``, ``_export``, ``_detail``, ``_create``, ``_edit`` and the
delete page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class RecordKind:
    code: str  # URL names market:<code>s, market:<code>, …; the template's name for the record; the form's keyword
    what: str  # the form page's heading (登记/修改<what>)
    spec: ListSpec
    kinds: list  # the filter's 类别
    awards: bool  # the filter offers 级别 and 获奖/参赛
    select: Callable[..., Any]  # (user=, filters=) -> queryset
    get: Callable[..., Any]  # (user=, pk=, write=) -> record
    model: type
    subject: str  # the attribute naming a record in its history
    form_class: type
    data_fields: tuple[str, ...]  # the form's fields handed to the services as they are
    create: Callable[..., Any]
    update: Callable[..., Any]
    created: Callable[[Any], str]  # the message once registered
    saved: str  # the message once edited
    export_title: str
    export_file: str
    headers: list[str]
    row: Callable[[Any], list]


RESULTS = RecordKind(
    code="result", what="科技成果", spec=RESULT_LIST, kinds=ResultKind.choices, awards=False, select=result_list,
    get=result_get, model=Result, subject="name", form_class=ResultForm,
    data_fields=("name", "number", "kind", "field", "holders", "registered_on", "note"),
    create=result_create,
    update=lambda obj, *, actor, version, **data: result_update(result=obj, actor=actor, version=version, **data),
    created=lambda r: f"已登记科技成果“{r.name}”", saved="科技成果已保存",
    export_title="科技成果", export_file="科技成果登记",
    headers=["成果名称", "登记号", "成果类别", "技术领域", "完成单位", "区县", "登记日期", "简介"],
    row=lambda r: [r.name, r.number, r.get_kind_display(), r.field, r.holders, r.district.name, r.registered_on,
                   r.note],
)
AWARDS = RecordKind(
    code="award", what="获奖与参赛", spec=AWARD_LIST, kinds=AwardKind.choices, awards=True, select=award_list,
    get=award_get, model=Award, subject="project", form_class=AwardForm,
    data_fields=("kind", "name", "level", "year", "project", "prize", "winners", "awarded_on"),
    create=award_create,
    update=lambda obj, *, actor, version, **data: award_update(award=obj, actor=actor, version=version, **data),
    created=lambda a: f"已登记“{a.project}”", saved="获奖与参赛记录已保存",
    export_title="获奖与参赛", export_file="获奖与参赛",
    headers=["类别", "奖项/赛事名称", "级别", "年度", "项目", "奖次", "获奖单位/个人", "区县", "获奖/参赛日期"],
    row=lambda a: [a.get_kind_display(), a.name, a.get_level_display(), a.year, a.project, a.prize, a.winners,
                   a.district.name, a.awarded_on],
)


def _filtered(request: HttpRequest, kind: RecordKind):
    extra = {"awards": True} if kind.awards else {}
    form = RecordFilterForm(request.GET or None, kinds=kind.kinds, districts=filter_districts(request.user), **extra)
    filters = form.filters()
    return form, filters, kind.select(user=request.user, filters=filters)


def _list(request: HttpRequest, kind: RecordKind) -> HttpResponse:
    demand(request.user, "market.view")
    form, filters, qs = _filtered(request, kind)
    kit = list_state(request, kind.spec)
    return render(request, f"market/{kind.code}s.html", {
        "kit": kit, "form": form, "page": kit.paginate(request, qs), "query": querystring_without(request, "page"),
        "filtered": form.is_bound and any(v for k, v in request.GET.items() if k not in ("page", "print")),
        "invalid": filters.invalid, "city_wide": covers_districts(request.user),
        "can_write": may(request.user, "market.manage"), "can_export": may(request.user, "market.export"),
        "can_import": may(request.user, "market.import") and may(request.user, "market.manage"),
    })


def _export(request: HttpRequest, kind: RecordKind) -> HttpResponse:
    demand(request.user, "market.export")
    form, _filters, qs = _filtered(request, kind)
    scope = scope_name(request.user)
    content = build_xlsx(title=kind.export_title, headers=kind.headers, rows=(kind.row(o) for o in qs),
                         note=f"范围：{scope}\n条件：{filter_summary(form)}\n导出时间：{timezone.localtime():%Y-%m-%d %H:%M}")
    return xlsx_response(content, f"{kind.export_file}-{scope}-{stamp()}.xlsx")


def _detail(request: HttpRequest, kind: RecordKind, pk: int) -> HttpResponse:
    demand(request.user, "market.view")
    obj = kind.get(user=request.user, pk=pk)
    history = entries_for(kind.model.history.filter(id=obj.pk), subject=getattr(obj, kind.subject), model=kind.model,
                          skip=frozenset({"version"}))
    return render(request, f"market/{kind.code}.html", {kind.code: obj, "history": history,
                                                        "can_write": may(request.user, "market.manage")})


def _data(kind: RecordKind, form) -> dict:
    d = form.cleaned_data
    out = {k: d[k] for k in kind.data_fields}
    out["enterprise"] = d.get("firm")
    if "district" in form.fields:
        out["district"] = d.get("district")
    return out


def _fix_field(exc: ServiceError) -> ServiceError:
    if exc.field == "enterprise":
        exc.field = "firm"
    return exc


def _form_page(request: HttpRequest, kind: RecordKind, form, record) -> HttpResponse:
    return render(request, "market/record_form.html", {
        "form": form, "record": record, "what": kind.what, "list_url": f"market:{kind.code}s",
        "detail_url": f"market:{kind.code}"})


def _create(request: HttpRequest, kind: RecordKind) -> HttpResponse:
    demand(request.user, "market.manage")
    form = kind.form_class(request.POST or None, actor=request.user, districts=record_districts(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            obj = kind.create(actor=request.user, **_data(kind, form))
        except ServiceError as exc:
            form.add_service_error(_fix_field(exc))
        else:
            messages.success(request, kind.created(obj))
            return redirect(f"market:{kind.code}", pk=obj.pk)
    return _form_page(request, kind, form, None)


def _edit(request: HttpRequest, kind: RecordKind, pk: int) -> HttpResponse:
    demand(request.user, "market.manage")
    obj = kind.get(user=request.user, pk=pk, write=True)
    form = kind.form_class(request.POST or None, actor=request.user, districts=record_districts(request.user),
                           **{kind.code: obj})
    if request.method == "POST" and form.is_valid():
        try:
            kind.update(obj, actor=request.user, version=form.cleaned_data.get("version"), **_data(kind, form))
        except ServiceError as exc:
            form.add_service_error(_fix_field(exc))
        else:
            messages.success(request, kind.saved)
            return redirect(f"market:{kind.code}", pk=pk)
    return _form_page(request, kind, form, obj)


@dataclass(frozen=True)
class Pages:
    list: Callable[..., HttpResponse]
    export: Callable[..., HttpResponse]
    detail: Callable[..., HttpResponse]
    create: Callable[..., HttpResponse]
    edit: Callable[..., HttpResponse]
    delete: Callable[..., HttpResponse]


def pages(kind: RecordKind, name: Callable[[Any], str], list_title: str) -> Pages:
    """The views of one kind of record (``urls.py`` names them)."""

    @require_GET
    def list_view(request: HttpRequest) -> HttpResponse:
        return _list(request, kind)

    @require_GET
    def export_view(request: HttpRequest) -> HttpResponse:
        return _export(request, kind)

    @require_GET
    def detail_view(request: HttpRequest, pk: int) -> HttpResponse:
        return _detail(request, kind, pk)

    @require_http_methods(["GET", "POST"])
    def create_view(request: HttpRequest) -> HttpResponse:
        return _create(request, kind)

    @require_http_methods(["GET", "POST"])
    def edit_view(request: HttpRequest, pk: int) -> HttpResponse:
        return _edit(request, kind, pk)

    delete = delete_view(Removal(kind.get, name, f"market:{kind.code}s", list_title, f"market:{kind.code}"))
    return Pages(list_view, export_view, detail_view, create_view, edit_view, delete)


RESULT_PAGES = pages(RESULTS, lambda r: r.name, "科技成果登记")
AWARD_PAGES = pages(AWARDS, lambda a: a.project, "获奖与参赛")
