"""工作总结: generate from the records, preview with each figure's source, edit, keep versions, download."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keguan.core.errors import ServiceError
from keguan.core.permissions import may
from keguan.core.scope import get_for_user, scoped
from keguan.rules.periods import Period

from ..draft import Draft
from ..forms import ReportPeriodForm
from ..models import ReportVersion
from ..services import (
    active_template,
    check_reporter,
    paragraph_keys,
    report_edit,
    report_generate,
    title_keys,
)

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _reporter_region(user):
    if not may(user, "reports.generate") or user.region is None:
        raise PermissionDenied("工作总结由市、区县科技局人员编写")
    return user.region


@require_http_methods(["GET", "POST"])
def report_home_view(request: HttpRequest) -> HttpResponse:
    region = _reporter_region(request.user)
    form = ReportPeriodForm(request.POST or request.GET or None)
    if request.method == "POST" and form.is_valid():
        version = report_generate(actor=request.user, region=region, period=Period.parse(form.cleaned_data["period"]))
        messages.success(request, f"已生成第{version.number}版，请核对后下载")
        return redirect("reports:version", pk=version.pk)
    versions = scoped(ReportVersion, request.user).filter(region=region).select_related("created_by")[:50]
    return render(request, "reports/home.html", {"form": form, "versions": versions, "region": region})


@require_GET
def version_view(request: HttpRequest, pk: int) -> HttpResponse:
    _reporter_region(request.user)
    version = get_for_user(ReportVersion.objects.select_related("created_by", "region"), request.user, pk)
    draft = Draft.from_json(version.draft)
    others = ReportVersion.objects.filter(region=version.region, period=version.period).select_related("created_by")
    return render(request, "reports/version.html", {"v": version, "draft": draft, "others": others,
                                                    "figures": len(draft.figures())})


@require_http_methods(["GET", "POST"])
def version_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    _reporter_region(request.user)
    version = get_for_user(ReportVersion.objects.select_related("region"), request.user, pk)
    check_reporter(request.user, version.region)  # a city may read its districts' summaries, not edit them
    draft = Draft.from_json(version.draft)
    error, error_key = "", None
    texts: dict[str, str] = {}
    if request.method == "POST":
        texts = {k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "note")}
        try:
            new = report_edit(actor=request.user, version=version, texts=texts, note=request.POST.get("note", "")[:200])
        except ServiceError as exc:
            error, error_key = exc.message, exc.field
        else:
            messages.success(request, f"已保存为第{new.number}版")
            return redirect("reports:version", pk=new.pk)
    if error_key is None:
        texts = {}  # nothing to point at: show the stored version again
    fields = [(k, obj, texts.get(k, getattr(obj, attr))) for k, obj, attr in title_keys(draft)]
    paras = [(k, texts.get(k, p.text), error if k == error_key else "") for k, p in paragraph_keys(draft)]
    return render(request, "reports/edit.html", {"v": version, "titles": fields, "paras": paras, "error": error,
                                                 "draft": draft})


@require_GET
def version_download_view(request: HttpRequest, pk: int) -> HttpResponse:
    from ..docx.render import TemplateProblem, render_docx

    _reporter_region(request.user)
    version = get_for_user(ReportVersion.objects.select_related("region"), request.user, pk)
    draft = Draft.from_json(version.draft)
    try:
        content = render_docx(draft, active_template(version.region))
    except TemplateProblem as exc:
        messages.error(request, f"本单位的 Word 模板有错误，未生成文件：{exc}。请在“报告模板”中修正或停用该模板。")
        return redirect("reports:version", pk=pk)
    response = HttpResponse(content, content_type=DOCX_MIME)
    name = f"{draft.title}（第{version.number}版）.docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@require_POST
def version_regenerate_view(request: HttpRequest, pk: int) -> HttpResponse:
    region = _reporter_region(request.user)
    version = get_for_user(ReportVersion, request.user, pk)
    check_reporter(request.user, version.region)
    new = report_generate(actor=request.user, region=region, period=Period.parse(version.period))
    messages.success(request, f"已按最新记录重新生成第{new.number}版")
    return redirect("reports:version", pk=new.pk)
