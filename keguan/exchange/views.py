"""Pages of the engine, the same for every kind: the import history (/exchange/), a kind's upload page,
its template and export, and a run's page (check result, progress, outcome) with its confirm button and
error file. Permissions are the kind's (``import_perm``, ``export_perm``); runs are scoped by region."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keguan.accounts.preferences import list_state
from keguan.core.errors import ServiceError
from keguan.core.excel import xlsx_response
from keguan.core.lists import Column, ListSpec, register_list
from keguan.core.pagination import querystring_without
from keguan.core.permissions import demand, may
from keguan.core.reading import MAX_UPLOAD
from keguan.core.scope import get_for_user, scoped

from . import progress
from .kinds import Context, ImportKind, ParamError, resolve_params
from .models import ImportRun, RunStatus
from .registry import all_kinds, get_kind, kind_or_404
from .services import background_rows, context_for, run_confirm, run_start, target_regions
from .sheets import export_xlsx, template_xlsx

ERRORS_SHOWN = 200

# The list kit (keguan.core.lists) on the import runs of 数据导入导出.
RUN_LIST = register_list(ListSpec(code="exchange.runs", title="导入记录", columns=(
    Column("started", "上传时间", fixed=True), Column("kind", "数据"), Column("region", "导入到"),
    Column("file", "文件", fixed=True), Column("user", "操作人"), Column("status", "状态"),
    Column("counts", "新增/更新/不变"), Column("failed", "出错行"),
)))


def _importable(user) -> list[ImportKind]:
    return [k for k in all_kinds() if may(user, k.import_perm)]


def _region_choice(request: HttpRequest, kind: ImportKind, *, required: bool):
    """The region an import (or template) is for: the only one the user has, or the one chosen."""
    regions = list(target_regions(request.user, kind))
    wanted = request.POST.get("region") or request.GET.get("region")
    if wanted:
        for r in regions:
            if str(r.pk) == wanted or r.code == wanted:
                return r, regions
        raise Http404("所选区划不在您的管辖范围内")
    if len(regions) == 1:
        return regions[0], regions
    if required:
        return None, regions
    return None, regions


@require_GET
def history(request: HttpRequest) -> HttpResponse:
    demand(request.user, "exchange.view")
    kinds = _importable(request.user)
    exportable = [k for k in all_kinds() if may(request.user, k.export_perm)]
    if not kinds and not exportable:
        raise PermissionDenied("您没有导入或导出数据的权限")
    runs = scoped(ImportRun, request.user).filter(kind__in=[k.code for k in kinds]).select_related("region", "user")
    kind_code = request.GET.get("kind", "")
    if kind_code:
        runs = runs.filter(kind=kind_code)
    kit = list_state(request, RUN_LIST)
    page = kit.paginate(request, runs.defer("data", "error_file", "errors"))
    kind_title = next((k.title for k in kinds if k.code == kind_code), "")
    return render(request, "exchange/history.html", {
        "kinds": kinds, "exportable": exportable, "page": page, "kit": kit, "kind_code": kind_code,
        "query": querystring_without(request, "page"), "print_note": f"数据：{kind_title}" if kind_title else "全部",
    })


def _params(request: HttpRequest, kind: ImportKind, region) -> tuple[dict[str, str], list[dict], str]:
    """The kind's parameters from the query string or the form, checked (404 for a value outside the choices),
    the page's selects for them, and why nothing can be imported yet (nothing to choose: no round yet)."""
    if not kind.params or region is None:
        return {}, [], ""
    source = request.POST if request.method == "POST" else request.GET
    ctx = Context(user=request.user, region=region)
    try:
        chosen = resolve_params(kind, ctx, source)
    except ParamError as exc:
        if exc.empty:
            return {}, [], f"{region.name}{exc}，暂时不能导入{kind.title}"
        raise Http404(str(exc)) from exc
    selects = [{"name": p.name, "label": p.label, "options": p.options(Context(user=request.user, region=region,
                                                                              params=chosen)),
                "value": chosen[p.name]} for p in kind.params]
    return chosen, selects, ""


def _query(region, params: dict[str, str], regions) -> str:
    parts = {**({"region": region.code} if region is not None and len(regions) > 1 else {}), **params}
    return ("?" + urlencode(parts)) if parts else ""


@require_http_methods(["GET", "POST"])
def kind_page(request: HttpRequest, kind: str) -> HttpResponse:
    k = kind_or_404(kind)
    demand(request.user, k.import_perm)
    region, regions = _region_choice(request, k, required=True)
    params, selects, blocked = _params(request, k, region)
    errors: list = [blocked] if blocked else []
    if request.method == "POST" and not blocked:
        upload = request.FILES.get("file")
        if region is None:
            errors.append("请选择导入到哪个区划" if regions else "您的账号没有可导入的区划")
        if upload is None:
            errors.append("请选择要上传的文件")
        elif upload.size > MAX_UPLOAD:
            errors.append(f"文件不能超过{MAX_UPLOAD // 1048576}MB")
        if not errors:
            try:
                run = run_start(kind=k, user=request.user, region=region, data=upload.read(), filename=upload.name,
                                params=params)
            except ServiceError as exc:
                errors.append(exc.message)
            else:
                return redirect("exchange:run", pk=run.pk)
    recent = (scoped(ImportRun, request.user).filter(kind=k.code).select_related("region", "user")
              .defer("data", "error_file", "errors")[:10])
    return render(request, "exchange/kind.html", {
        "kind": k, "region": region, "regions": regions, "errors": errors, "recent": recent,
        "selects": selects, "query": _query(region, params, regions), "blocked": blocked,
        "back": k.back(Context(user=request.user, region=region, params=params)) if region is not None else None,
        "may_export": may(request.user, k.export_perm), "max_mb": MAX_UPLOAD // 1048576,
        "background_rows": f"{background_rows():,}",
    }, status=400 if errors and not blocked else 200)


@require_GET
def template(request: HttpRequest, kind: str) -> HttpResponse:
    k = kind_or_404(kind)
    demand(request.user, k.import_perm)
    region, _ = _region_choice(request, k, required=False)
    params, _selects, blocked = _params(request, k, region)
    if blocked:
        raise Http404(blocked)
    ctx = Context(user=request.user, region=region, params=params)
    named = "-".join(label for _, label in k.param_labels(ctx))
    return xlsx_response(template_xlsx(k, ctx), f"{k.title}导入模板{'-' + named if named else ''}.xlsx")


@require_GET
def export(request: HttpRequest, kind: str) -> HttpResponse:
    k = kind_or_404(kind)
    demand(request.user, k.export_perm)
    region = None
    wanted = request.GET.get("region")
    if wanted:
        region = scoped_region(request.user, wanted)
    elif k.params:
        # (a kind exported under a parameter is exported for one region: the user's only one, as on the upload
        # page, whose links name the region only when there is a choice)
        region, _ = _region_choice(request, k, required=False)
    params = {}
    if k.params and region is None:
        # the upload page leaves the region out of its links when the user has only one (the city of the
        # targets): the parameters (the year) are then those of that region
        only = list(target_regions(request.user, k)[:2])
        region = only[0] if len(only) == 1 else None
    if k.params and region is not None:
        try:
            params = resolve_params(k, Context(user=request.user, region=region), request.GET)
        except ParamError as exc:
            raise Http404(str(exc)) from exc
    names = {p.name for p in k.params}
    ctx = Context(user=request.user, region=region, params=params,
                  filters={key: v for key, v in request.GET.items() if key not in ("region", "page", *names) and v})
    scope_name = region.name if region else (request.user.region.name if getattr(request.user, "region", None) else "全部")
    try:
        content = export_xlsx(k, ctx, scope_name=scope_name)
    except ValueError as exc:
        raise Http404(str(exc)) from exc
    named = "-".join(label for _, label in k.param_labels(ctx)) if params else ""
    return xlsx_response(content, f"{k.title}_{scope_name}{'_' + named if named else ''}_{timezone.localdate():%Y%m%d}.xlsx")


def scoped_region(user, wanted: str):
    from keguan.regions.models import Region

    region = scoped(Region, user).filter(code=wanted).first() or (
        scoped(Region, user).filter(pk=wanted).first() if wanted.isdigit() else None)
    if region is None:
        raise Http404("所选区划不在您的管辖范围内")
    return region


def _run_for(request: HttpRequest, pk) -> tuple[ImportRun, ImportKind]:
    if not _importable(request.user):  # (before the lookup: a user who imports nothing learns no run ids)
        raise PermissionDenied("您没有导入数据的权限")
    run = get_for_user(ImportRun.objects.select_related("region", "user", "confirmed_by").defer("data", "error_file"),
                       request.user, pk)
    try:
        k = get_kind(run.kind)
    except KeyError:
        raise Http404("这种导入已不存在") from None
    demand(request.user, k.import_perm)
    return run, k


def _status_context(run: ImportRun) -> dict:
    beat = progress.read(run.pk) if run.is_active else None
    percent = beat[0] if beat else (run.progress if not run.is_active else 0)
    phase = beat[1] if beat else ""
    stale = bool(beat and beat[2] > progress.STALE_AFTER)
    return {"run": run, "percent": percent, "phase": phase, "stale": stale}


@require_GET
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run, k = _run_for(request, pk)
    if request.htmx and request.GET.get("part") == "status":
        if not run.is_active:
            # finished while the page polled: reload the whole page to show the outcome
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return render(request, "exchange/_status.html", _status_context(run))
    errors = run.errors[:ERRORS_SHOWN]
    return render(request, "exchange/run.html", {
        **_status_context(run), "kind": k, "errors": errors, "more_errors": max(0, run.error_count - len(errors)),
        "may_confirm": run.status == RunStatus.READY,
        "params_shown": k.param_labels(context_for(run, k)) if k.params else [],
        "again": "?" + urlencode({"region": run.region.code, **(run.params or {})}),
        "back": k.back(context_for(run, k)),
    })


@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    run, k = _run_for(request, pk)
    try:
        run = run_confirm(run=ImportRun.objects.get(pk=run.pk), user=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        if run.status == RunStatus.DONE:
            messages.success(request, f"已导入：新增{run.added}、更新{run.updated}、不变{run.unchanged}")
        elif run.status == RunStatus.QUEUED:
            messages.info(request, "文件较大，已转入后台导入；可离开本页，稍后在导入记录中查看结果")
    return redirect("exchange:run", pk=pk)


@require_GET
def error_file(request: HttpRequest, pk: int) -> HttpResponse:
    run, k = _run_for(request, pk)
    content = ImportRun.objects.filter(pk=run.pk).values_list("error_file", flat=True).first()
    if not content:
        raise Http404("这次导入没有错误行文件")
    stem = run.file_name.rsplit(".", 1)[0]
    return xlsx_response(bytes(content), f"{stem}_错误行.xlsx")
