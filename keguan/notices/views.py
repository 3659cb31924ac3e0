"""通知公告 and 我的消息: the reader's pages (anyone signed in, for the notices addressed to them) and the
publisher's (a bureau's list, form, read counts)."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keguan.core.errors import ServiceError
from keguan.core.excel import build_xlsx, xlsx_response
from keguan.core.history import entries_for
from keguan.core.pagination import paginate
from keguan.core.permissions import demand, require

from . import selectors, services
from .forms import NoticeForm
from .models import Notice, NoticeStatus

# --- the reader ----------------------------------------------------------------------------------------


@require_GET
@require("notices.view")
def inbox_view(request: HttpRequest) -> HttpResponse:
    return render(request, "notices/inbox.html", {
        "notices": selectors.inbox(request.user), "messages_list": selectors.messages_of(request.user),
    })


@require_GET
@require("notices.view")
def read_view(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_for_reader(user=request.user, pk=pk)
    services.notice_mark_read(notice=notice, user=request.user)
    return render(request, "notices/read.html", {"n": notice, "attachments": notice.attachments.all()})


@require_GET
@require("notices.view")
def attachment_view(request: HttpRequest, pk: int, file: int) -> FileResponse:
    """An attachment, for a reader of the notice or its publisher's side."""
    user = request.user
    notice = selectors.addressed_to(user).filter(pk=pk).first()
    if notice is None:
        notice = selectors.managed(user=user).filter(pk=pk).first() if _may_publish(user) else None
    if notice is None:
        raise Http404("附件不存在")
    a = notice.attachments.filter(pk=file).first()
    if a is None:
        raise Http404("附件不存在")
    return FileResponse(a.file.open("rb"), as_attachment=True, filename=a.name)


@require_GET
@require("notices.view")
def message_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a system message: marked read, then on to the page it names."""
    message = services.message_open(selectors.message_get(user=request.user, pk=pk))
    safe = message.url.startswith("/") and not message.url.startswith("//")
    return redirect(message.url if safe else "notices:inbox")


# --- the publisher -------------------------------------------------------------------------------------


def _may_publish(user) -> bool:
    from keguan.core.permissions import may

    return may(user, "notices.publish")


@require_GET
@require("notices.publish")
def manage_view(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in NoticeStatus.values:
        status = ""
    page = paginate(request, selectors.managed(user=request.user, status=status))
    return render(request, "notices/manage.html", {"page": page, "status": status, "statuses": NoticeStatus.choices})


def _form_data(form: NoticeForm) -> dict:
    d = form.cleaned_data
    return {"title": d["title"], "body": d["body"], "groups": d["groups"], "regions": list(d["regions"]),
            "pinned": d["pinned"], "publish": form.data.get("action") == "publish", "files": d["files"]}


@require_http_methods(["GET", "POST"])
@require("notices.publish")
def create_view(request: HttpRequest) -> HttpResponse:
    region = request.user.region
    if region is None:
        raise Http404("您的账号未设所属区划")
    form = NoticeForm(request.POST or None, request.FILES or None, region=region)
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.notice_create(actor=request.user, region=region, **_form_data(form))
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"通知“{notice.title}”已{'发布' if notice.status == NoticeStatus.PUBLISHED else '保存为草稿'}")
            return redirect("notices:detail", pk=notice.pk)
    return render(request, "notices/form.html", {"form": form, "n": None})


@require_http_methods(["GET", "POST"])
def edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "notices.publish")
    notice = selectors.notice_get(user=request.user, pk=pk, write=True)
    form = NoticeForm(request.POST or None, request.FILES or None, region=notice.region, notice=notice)
    if request.method == "POST" and form.is_valid():
        remove = [int(x) for x in request.POST.getlist("remove") if x.isdigit()]
        try:
            services.notice_update(notice=selectors.notice_get(user=request.user, pk=pk, write=True), actor=request.user,
                                   version=form.cleaned_data.get("version"), remove=remove, **_form_data(form))
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "通知已保存")
            return redirect("notices:detail", pk=pk)
    return render(request, "notices/form.html", {"form": form, "n": notice, "attachments": notice.attachments.all()})


@require_GET
def detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "notices.publish")
    notice = selectors.notice_get(user=request.user, pk=pk)
    history = entries_for(Notice.history.filter(id=notice.pk), subject=notice, model=Notice, skip=frozenset({"version"}))
    return render(request, "notices/detail.html", {
        "n": notice, "attachments": notice.attachments.all(), "summary": selectors.read_summary(notice),
        "readers": selectors.readers(notice), "history": history,
        "can_edit": notice.writable_by(request.user),
    })


@require_GET
def unread_export_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "notices.publish")
    notice = selectors.notice_get(user=request.user, pk=pk)
    rows = [(u.display_name, u.username, u.get_role_display(), u.region.name if u.region else "",
             u.enterprise.name if u.enterprise_id else "") for u in selectors.read_summary(notice)["unread_users"]]
    content = build_xlsx(title="未读名单", headers=["姓名", "账号", "角色", "所属区划", "所属企业"], rows=rows,
                         note=f"{notice.title}：截至{timezone.localtime():%Y-%m-%d %H:%M}未读")
    return xlsx_response(content, f"未读名单-{notice.pk}.xlsx")


def _status_action(request: HttpRequest, pk: int, status: str, done: str) -> HttpResponse:
    demand(request.user, "notices.publish")
    notice = selectors.notice_get(user=request.user, pk=pk, write=True)
    try:
        services.notice_set_status(notice=notice, actor=request.user, status=status)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"通知“{notice.title}”{done}")
    return redirect("notices:detail", pk=pk)


@require_POST
def publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_action(request, pk, NoticeStatus.PUBLISHED, "已发布")


@require_POST
def withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_action(request, pk, NoticeStatus.WITHDRAWN, "已撤回，接收人不再能看到")
