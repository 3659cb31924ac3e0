from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from keguan.core.excel import xlsx_response
from keguan.core.permissions import demand, may
from keguan.core.scope import get_for_user, scoped
from keguan.core.uploads import import_page

from .imports import village_template_xlsx, villages_import
from .models import Region
from .selectors import region_ancestors


@require_GET
def region_tree_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Browse the division tree from the user's own region downwards."""
    demand(request.user, "regions.view")
    root = request.user.region
    if pk is not None:
        node = get_for_user(Region, request.user, pk)
    elif root is not None:
        node = root
    else:
        node = Region.objects.filter(level=1).order_by("code").first()
    children = (
        scoped(Region, request.user).filter(parent=node).annotate(n_children=Count("children")).order_by("code")
        if node is not None
        else Region.objects.none()
    )
    crumbs = [r for r in region_ancestors(node) if root is None or r.is_within(root)] if node else []
    can_import = may(request.user, "regions.import") and request.user.region is not None
    return render(
        request, "regions/tree.html", {"node": node, "children": children, "crumbs": crumbs, "can_import": can_import}
    )


def _require_district_editor(user) -> None:
    if not may(user, "regions.import") or user.region is None:
        raise PermissionDenied("只有区县科技局人员可以导入本辖区的村/社区名单")


@require_GET
def village_template_view(request: HttpRequest) -> HttpResponse:
    _require_district_editor(request.user)
    content = village_template_xlsx(request.user.region)
    return xlsx_response(content, f"村社区名单模板-{request.user.region.name}.xlsx")


@require_http_methods(["GET", "POST"])
def village_import_view(request: HttpRequest) -> HttpResponse:
    _require_district_editor(request.user)
    region = request.user.region

    def done(result) -> HttpResponse:
        messages.success(request, f"已导入村/社区 {result.created} 个，涉及乡镇/街道 {result.townships} 个")
        return redirect("regions:node", pk=region.pk)

    return import_page(
        request,
        run=lambda data, name: villages_import(user=request.user, region=region, data=data, filename=name),
        on_success=done,
        context={
            "title": f"导入{region.name}村/社区名单",
            "crumbs": [("系统管理", ""), ("行政区划", reverse("regions:tree"))],
            "template_url": reverse("regions:village_template"),
            "instructions": [
                "下载模板，按表头填写：12位村/社区代码（前9位为乡镇/街道代码）、名称；所属乡镇/街道用于核对。",
            ],
        },
    )
