"""总结结构: a bureau renames, reorders and hides the parts of its work summary's 一、工作总结."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from keguan.core.errors import ServiceError
from keguan.core.permissions import demand
from keguan.core.versioning import StaleEdit

from ..forms import PartLayoutForm
from ..services import layout_reset, layout_save
from ..structure import layout_for, layout_history


def _forms(layout, data=None) -> list[tuple[object, PartLayoutForm]]:
    return [(lp, PartLayoutForm(data, prefix=lp.area, initial={
        "title": lp.title, "position": lp.position, "shown": lp.shown, "version": lp.version}))
        for lp in layout]


def _moved(rows: list[dict], move: str) -> list[dict]:
    """``move`` is "<area>:up" or "<area>:down": swap that part with its neighbour in the typed order."""
    area, _, way = move.partition(":")
    ordered = [r for _, r in sorted(enumerate(rows), key=lambda e: (e[1]["position"], e[0]))]
    idx = next((i for i, r in enumerate(ordered) if r["area"] == area), None)
    other = None if idx is None else idx - 1 if way == "up" else idx + 1 if way == "down" else None
    if other is not None and 0 <= other < len(ordered):
        ordered[idx], ordered[other] = ordered[other], ordered[idx]
    for i, r in enumerate(ordered, start=1):
        r["position"] = i
    return ordered


@require_http_methods(["GET", "POST"])
def structure_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "reports.structure", "总结结构由市、区县科技局人员调整")
    region = request.user.region
    if region is None:
        raise PermissionDenied("总结结构按单位调整，本账号没有所属单位")
    layout = layout_for(region)
    forms = _forms(layout, request.POST if request.method == "POST" else None)
    error, notice = "", ""
    if request.method == "POST":
        action = request.POST.get("action", "save")
        move = request.POST.get("move", "")
        try:
            if action == "reset":
                versions = {lp.area: _int(request.POST[f"{lp.area}-version"]) for lp in layout
                            if request.POST.get(f"{lp.area}-version", "") != ""}
                n = layout_reset(actor=request.user, region=region, versions=versions)
                notice = f"已恢复默认结构（{n} 个部分）"
            elif all(f.is_valid() for _, f in forms):
                rows = [{"area": lp.area, **{k: f.cleaned_data[k] for k in ("title", "position", "shown")}}
                        for lp, f in forms]
                versions = {lp.area: f.cleaned_data["version"] for lp, f in forms
                            if f.cleaned_data["version"] is not None}
                if move:
                    rows = _moved(rows, move)
                n = layout_save(actor=request.user, region=region, rows=rows, versions=versions,
                                reason="调整顺序" if move else "修改总结结构")
                notice = f"已保存（{n} 处改动）" if n else "没有改动"
            else:
                error = "请按提示修改标红的栏位"
        except StaleEdit as exc:
            error = exc.message
            fresh = {lp.area: lp.version for lp in layout_for(region)}  # a second save, made knowingly, goes through
            for lp, f in forms:
                f.data = f.data.copy()
                f.data[f.add_prefix("version")] = str(fresh.get(lp.area, 0))
        except ServiceError as exc:
            error = exc.message
            for lp, f in forms:
                if exc.field and exc.field.startswith(f"{lp.area}-"):
                    f.add_error(exc.field.split("-", 1)[1], exc.message)
        if notice and not request.htmx:
            messages.success(request, notice)
            return redirect("reports:structure")
        if notice:  # htmx: the page again, from the stored structure
            layout = layout_for(region)
            forms = _forms(layout)
    return render(request, "reports/structure.html", {
        "forms": forms, "error": error, "notice": notice, "region": region,
        "customised": any(lp.customised for lp in layout), "history": layout_history(region),
    })


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
