"""工作计划 and 存在的问题 registers, and the bureau's Word templates."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keguan.core.errors import ServiceError
from keguan.core.scope import get_for_user, scoped
from keguan.rules.periods import Period

from ..docx.render import default_template, render_docx, sample_draft
from ..forms import IssueItemForm, PlanItemForm, TemplateUploadForm, WorkNoteForm, report_period_choices
from ..models import IssueItem, PlanItem, PlanStatus, ReportTemplate, WorkNote
from ..registry import area_choices
from ..services import (
    check_reporter,
    issue_item_create,
    issue_item_delete,
    plan_item_create,
    plan_item_set_status,
    template_upload,
    work_note_create,
    work_note_delete,
)
from .summary import _reporter_region


@require_http_methods(["GET", "POST"])
def plans_view(request: HttpRequest) -> HttpResponse:
    region = _reporter_region(request.user)
    form = PlanItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan_item_create(actor=request.user, region=region, **form.cleaned_data)
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "已录入工作计划")
            return redirect("reports:plans")
    status = request.GET.get("status", "")
    items = scoped(PlanItem, request.user).filter(region=region)
    if status:
        items = items.filter(status=status)
    return render(request, "reports/plans.html", {"form": form, "items": items, "statuses": PlanStatus.choices,
                                                  "status": status, "areas": dict(area_choices())})


@require_POST
def plan_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    _reporter_region(request.user)
    item = get_for_user(PlanItem, request.user, pk)
    try:
        plan_item_set_status(actor=request.user, item=item, status=request.POST.get("status", ""))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("reports:plans")


@require_http_methods(["GET", "POST"])
def issues_view(request: HttpRequest) -> HttpResponse:
    region = _reporter_region(request.user)
    form = IssueItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        issue_item_create(actor=request.user, region=region, **form.cleaned_data)
        messages.success(request, "已录入问题，生成工作总结时写入“存在的问题”")
        return redirect("reports:issues")
    items = scoped(IssueItem, request.user).filter(region=region).order_by("-period", "id")
    return render(request, "reports/issues.html", {"form": form, "items": items, "areas": dict(area_choices())})


@require_POST
def issue_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    _reporter_region(request.user)
    issue_item_delete(actor=request.user, item=get_for_user(IssueItem, request.user, pk))
    messages.success(request, "已删除")
    return redirect("reports:issues")


@require_http_methods(["GET", "POST"])
def notes_view(request: HttpRequest) -> HttpResponse:
    """工作纪实: what the bureau did, a line a day, by period; the summary writes them into its parts."""
    region = _reporter_region(request.user)
    form = WorkNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            note = work_note_create(actor=request.user, region=region, **form.cleaned_data)
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"已录入{note.happened_on:%-m月%-d日}的工作纪实，生成工作总结时写入对应部分")
            return redirect("reports:notes")
    periods = report_period_choices()
    chosen = request.GET.get("period", "")
    notes = scoped(WorkNote, request.user).filter(region=region).select_related("created_by")
    if chosen in dict(periods):
        p = Period.parse(chosen)
        notes = notes.filter(happened_on__gte=p.start, happened_on__lte=p.end)
    else:
        chosen = ""
    leads = (scoped(WorkNote, request.user).filter(region=region).order_by().values_list("lead", flat=True)
             .distinct()[:50])
    return render(request, "reports/notes.html", {
        "form": form, "notes": notes[:500], "periods": periods, "period": chosen, "areas": dict(area_choices()),
        "leads": leads, "filtered": bool(chosen)})


@require_POST
def note_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    _reporter_region(request.user)
    work_note_delete(actor=request.user, note=get_for_user(WorkNote, request.user, pk))
    messages.success(request, "已删除")
    return redirect("reports:notes")


# The placeholders a bureau's own template uses, explained in the words of the people who edit it in Word.
PLACEHOLDERS = [
    ("{{ title }}", "标题", "某某区科学技术局2026年上半年工作总结"),
    ("{%p if opening %} … {{ opening }} … {%p endif %}", "开头段落（没有时整段省去）", "2026年上半年，在区委、区政府的坚强领导下……"),
    ("{%p for ch in chapters %} … {%p endfor %}", "逐章重复其间的内容（章节循环，须成对出现）", "一、主要工作成效；二、存在问题；三、下一步工作计划"),
    ("{{ ch.title }}", "章标题（一级标题），写在章节循环内", "一、主要工作成效"),
    ("{%p for para in ch.paragraphs %}{{ para }}{%p endfor %}", "章下的各段正文", "企业梯队培育稳步推进。……"),
    ("{%p for part in ch.parts %} … {{ part.title }} … {%p endfor %}", "章下的各节（二级标题）及其段落 part.paragraphs",
     "（一）创新主体培育"),
    ("{{ author }}", "署名单位", "某某区科学技术局"),
    ("{{ date }}", "成文日期", "2026年7月5日"),
    ("{{ region_name }} / {{ period_label }}", "区划名称 / 期间（可选）", "某某区 / 2026年上半年"),
]


@require_http_methods(["GET", "POST"])
def templates_view(request: HttpRequest) -> HttpResponse:
    region = _reporter_region(request.user)
    form = TemplateUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            template_upload(actor=request.user, region=region, name=form.cleaned_data["name"], content=upload.read())
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "模板已上传并启用，下载工作总结时将使用该模板")
            return redirect("reports:templates")
    templates = scoped(ReportTemplate, request.user).filter(region=region).select_related("uploaded_by").defer("content")
    return render(request, "reports/templates.html",
                  {"form": form, "templates": templates, "placeholders": PLACEHOLDERS})


@require_GET
def template_default_view(request: HttpRequest) -> HttpResponse:
    """The default template, to start a bureau's own from (its placeholders already in place)."""
    _reporter_region(request.user)
    return _docx(default_template(), "工作总结默认模板.docx")


@require_GET
def template_sample_view(request: HttpRequest) -> HttpResponse:
    """A sample summary rendered with the default template, or with one of the bureau's (``?template=<pk>``),
    so the user sees where each placeholder's text lands."""
    _reporter_region(request.user)
    content = None
    if request.GET.get("template", "").isdigit():
        content = get_for_user(ReportTemplate.objects.all(), request.user, int(request.GET["template"])).content
    return _docx(render_docx(sample_draft(), bytes(content) if content is not None else None), "工作总结模板示例.docx")


def _docx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@require_POST
def template_toggle_view(request: HttpRequest, pk: int) -> HttpResponse:
    region = _reporter_region(request.user)
    t = get_for_user(ReportTemplate.objects.defer("content"), request.user, pk)
    check_reporter(request.user, t.region)  # read access to a district's templates is not write access
    if not t.active:
        ReportTemplate.objects.filter(region=region, active=True).update(active=False)
    t.active = not t.active
    t.save(update_fields=["active"])
    messages.success(request, f"模板“{t.name}”已{'启用' if t.active else '停用（使用系统默认模板）'}")
    return redirect("reports:templates")
