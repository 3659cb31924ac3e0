"""What the lists of 创新平台与人才 share: each list is a ``Subject`` (its list-kit spec, filter form, selector and
cells), rendered by one template with filters, page size, columns, 导出Excel (the filtered rows, or the ticked
ones), 打印 and the import kind's page. A record's delete page is a ``Removal`` (``delete_view``). Who may do what is asked of ``keguan.core.permissions``
(``resources.view``, ``.manage``, ``.export``, ``.import``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from keguan.accounts.preferences import list_state
from keguan.core.deletion_views import Removal
from keguan.core.deletion_views import delete_view as core_delete_view
from keguan.core.errors import ServiceError
from keguan.core.excel import build_xlsx, xlsx_response
from keguan.core.lists import ListSpec, filter_summary, selected_ids
from keguan.core.pagination import querystring_without
from keguan.core.permissions import demand, may
from keguan.core.scope import covers_districts, home_district
from keguan.enterprises.selectors import districts_in_scope

from .. import services


@dataclass
class Subject:
    code: str  # URL names: resources:<code>, resources:<code>_export
    title: str
    icon: str
    spec: ListSpec
    form_class: type
    select: Callable[..., Any]  # (user, f, invalid) -> queryset
    cells: Callable[[Any], dict[str, str]]  # a row's cells by column key
    url: Callable[[Any], str]  # a row's page
    create: str = ""  # URL name of the create page
    kind: str = ""  # the import kind's code
    empty: str = "暂无记录"
    note: str = ""
    extra: Callable[[HttpRequest, Any, dict], dict] | None = field(default=None)  # more context (counts)


def districts_for(user) -> list:
    """The districts a filter offers: every district of a city user's; none for a district's own staff."""
    return list(districts_in_scope(user=user)) if covers_districts(user) else []


def filtered(request: HttpRequest, subject: Subject):
    form = subject.form_class(request.GET or None, districts=districts_for(request.user))
    f, invalid = form.filters()
    return form, f, invalid, subject.select(user=request.user, f=f, invalid=invalid)


def list_page(request: HttpRequest, subject: Subject) -> HttpResponse:
    user = request.user
    demand(user, "resources.view")
    form, f, invalid, qs = filtered(request, subject)
    kit = list_state(request, subject.spec)
    page = kit.paginate(request, qs)
    shown = [c for c in subject.spec.columns if kit.cols[c.key]]
    rows = []
    for obj in page.object_list:
        cells = subject.cells(obj)
        rows.append({"pk": obj.pk, "url": subject.url(obj), "label": cells[shown[0].key],
                     "cells": [cells[c.key] for c in shown]})
    context = {
        "subject": subject, "form": form, "kit": kit, "page": page, "rows": rows, "columns": shown,
        "query": querystring_without(request, "page"), "filtered": bool(f) or invalid, "invalid": invalid,
        "summary": filter_summary(form),
        "can_create": bool(subject.create) and may(user, "resources.manage") and home_district(user) is not None,
        "can_export": may(user, "resources.export"),
        "can_import": bool(subject.kind) and may(user, "resources.import") and home_district(user) is not None,
    }
    if subject.extra is not None:
        context.update(subject.extra(request, qs, f))
    return render(request, "resources/list.html", context)


def export(request: HttpRequest, subject: Subject) -> HttpResponse:
    """The filtered rows (or, with ``ids``, the ticked ones among them) as Excel, every column."""
    demand(request.user, "resources.export")
    form, _f, _invalid, qs = filtered(request, subject)
    ids = selected_ids(request.GET)
    if ids:
        qs = qs.filter(pk__in=ids)
    columns = subject.spec.columns
    rows = ([subject.cells(o)[c.key] for c in columns] for o in qs.iterator(chunk_size=2000))
    note = f"{subject.title}；筛选条件：{filter_summary(form)}" + ("；仅所选记录" if ids else "")
    content = build_xlsx(title=subject.title, headers=[c.label for c in columns], rows=rows, note=note)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(content, f"{subject.title}-{stamp}.xlsx")


def own_district(user):
    """Where a new record goes: the user's own district; city staff register nothing (their districts do)."""
    demand(user, "resources.manage")
    district = home_district(user)
    if district is None:
        raise PermissionDenied("只有区县科技局人员可以登记本区县的记录")
    return district


def save_form(request: HttpRequest, form, call: Callable[[dict], Any], done: str) -> Any | None:
    """Run ``call(data)`` for a valid bound form; a ``ServiceError`` goes into the form. The saved record, or None."""
    if request.method != "POST" or not form.is_valid():
        return None
    data = form.data_for_service() if hasattr(form, "data_for_service") else dict(form.cleaned_data)
    version = data.pop("version", None) if "version" in data else form.cleaned_data.get("version")
    data.pop("firm", None)
    try:
        obj = call({**data, "version": version})
    except ServiceError as exc:
        form.add_service_error(exc)
        return None
    messages.success(request, done)
    return obj


def form_page(request, *, form, title: str, back: str, crumbs: list[tuple[str, str]], intro: str = "") -> HttpResponse:
    return render(request, "resources/form.html", {"form": form, "title": title, "back": back, "crumbs": crumbs,
                                                   "intro": intro})


def go(obj_url: str):
    return redirect(obj_url)


def delete_view(removal: Removal):
    """The delete page of one kind of resources record (``keguan.core.deletion_views``)."""
    return core_delete_view(removal, deletions=services.DELETIONS, perm="resources.manage", area="创新平台与人才")
