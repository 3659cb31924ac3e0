"""Enterprise import from Excel."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from keguan.core.excel import xlsx_response
from keguan.core.permissions import may
from keguan.core.scope import home_district
from keguan.core.uploads import import_page

from ..imports import enterprise_template_xlsx, enterprises_import


def _district_of(user):
    district = home_district(user)
    if district is None or not may(user, "enterprises.import"):
        raise PermissionDenied("只有区县科技局人员可以导入本区县的企业")
    return district


@require_GET
def enterprise_template_view(request: HttpRequest) -> HttpResponse:
    district = _district_of(request.user)
    return xlsx_response(enterprise_template_xlsx(district), f"企业导入模板-{district.name}.xlsx")


@require_http_methods(["GET", "POST"])
def enterprise_import_view(request: HttpRequest) -> HttpResponse:
    district = _district_of(request.user)

    def done(result) -> HttpResponse:
        messages.success(
            request, f"导入完成：新建 {result.created} 家，更新 {result.updated} 家，无变化 {result.unchanged} 家"
        )
        return redirect("enterprises:list")

    return import_page(
        request,
        run=lambda data, name: enterprises_import(user=request.user, district=district, data=data, filename=name),
        on_success=done,
        context={
            "title": f"从Excel导入{district.name}企业",
            "crumbs": [("创新主体培育", ""), ("企业库", reverse("enterprises:list"))],
            "template_url": reverse("enterprises:import_template"),
            "instructions": [
                "下载模板（或先导出企业名录），按表头填写；必填企业名称和统一社会信用代码。",
                "统一社会信用代码已在本区县登记的企业会更新信息，新的代码新建企业；所有改动都记入变更记录。",
            ],
        },
    )
