"""系统管理 → 数据字典: the coded lists the areas register (``keguan.core.dictionary``); the editable ones the
administrator adjusts here, the official ones shown read-only."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from keguan.core import areas, dictionary
from keguan.core.errors import ServiceError
from keguan.core.history import entries_for
from keguan.core.models import DictItem
from keguan.core.pagination import paginate
from keguan.core.permissions import demand

from .forms import DictItemForm


def _kind(code: str) -> dictionary.DictKind:
    try:
        return dictionary.get_kind(code)
    except ImproperlyConfigured:
        raise Http404("没有这个数据字典") from None


@require_GET
def dictionary_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "accounts.dictionary")
    rows = [(k, areas.area_title(k.area), len(dictionary.items(k.code))) for k in dictionary.kinds()]
    return render(request, "accounts/dictionary.html", {"rows": rows})


def _item(kind: str, code: str) -> DictItem:
    item = DictItem.objects.filter(kind=kind, code=code).first()
    if item is None:
        raise Http404("字典项不存在")
    return item


@require_http_methods(["GET", "POST"])
def dictionary_kind_view(request: HttpRequest, dict_kind: str) -> HttpResponse:
    demand(request.user, "accounts.dictionary")
    kind = _kind(dict_kind)
    if request.method == "POST" and not kind.editable:
        raise PermissionDenied(f"“{kind.title}”是国家标准代码表，只能查看，不能修改")
    editing = None
    form = None
    if kind.editable:
        edit_code = request.POST.get("item") or request.GET.get("edit") or ""
        editing = _item(kind.code, edit_code) if edit_code else None
        initial = ({"code": editing.code, "label": editing.label, "order": editing.order, "enabled": editing.enabled}
                   if editing else {"enabled": True})
        op = request.POST.get("op", "")
        form = DictItemForm(request.POST if op == "save" else None, initial=initial)
        if request.method == "POST":
            try:
                if op == "delete" and editing is not None:
                    dictionary.item_delete(actor=request.user, item=editing)
                    messages.success(request, f"已删除“{editing.label}”")
                    return redirect("accounts:dictionary_kind", dict_kind=kind.code)
                if op == "toggle" and editing is not None:
                    dictionary.item_update(actor=request.user, item=editing, enabled=not editing.enabled)
                    messages.success(request, f"已{'启用' if editing.enabled else '停用'}“{editing.label}”")
                    return redirect("accounts:dictionary_kind", dict_kind=kind.code)
                if op == "save" and form.is_valid():
                    d = form.cleaned_data
                    if editing is None:
                        item = dictionary.item_create(actor=request.user, kind=kind.code, code=d["code"],
                                                      label=d["label"], enabled=d["enabled"], order=d["order"])
                        messages.success(request, f"已新增“{item.label}”")
                    else:
                        item = dictionary.item_update(actor=request.user, item=editing, code=d["code"],
                                                      label=d["label"], enabled=d["enabled"], order=d["order"])
                        messages.success(request, f"已保存“{item.label}”")
                    return redirect("accounts:dictionary_kind", dict_kind=kind.code)
            except ServiceError as exc:
                if op == "save":
                    form.add_service_error(exc)
                else:
                    messages.error(request, exc.message)
                    return redirect("accounts:dictionary_kind", dict_kind=kind.code)
    items = dictionary.items(kind.code)
    page = paginate(request, items, per_page=100)
    in_use = set()
    history = []
    if kind.editable:
        stored = {i.pk: i for i in DictItem.objects.filter(kind=kind.code)}
        in_use = {i.code for i in stored.values() if dictionary.codes_in_use(kind, i)}
        history = entries_for(DictItem.history.filter(kind=kind.code), subject=lambda rec: rec.label,
                              model=DictItem, skip=frozenset({"kind"}))
        history.sort(key=lambda e: e.when, reverse=True)
    return render(request, "accounts/dictionary_kind.html", {
        "kind": kind, "area_title": areas.area_title(kind.area), "page": page, "form": form, "editing": editing,
        "in_use": in_use, "history": history[:100], "query": "",
    })
