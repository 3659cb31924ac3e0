"""Importing a year's 科小 入库名单 from Excel, and its template."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from keguan.core.excel import xlsx_response
from keguan.core.permissions import demand
from keguan.core.uploads import import_page

from ..imports import sme_records_import, sme_template_xlsx
from .common import scope_name

REFUSED = "只有区县科技局人员可以导入科小入库名单"


@require_GET
def sme_import_template_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "pipeline.import", REFUSED)
    scope = scope_name(request.user)
    return xlsx_response(sme_template_xlsx(region_name=scope), f"科小入库名单导入模板-{scope}.xlsx")


@require_http_methods(["GET", "POST"])
def sme_import_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "pipeline.import", REFUSED)

    def done(result) -> HttpResponse:
        years = "、".join(f"{y}年" for y in sorted(result.years))
        messages.success(request, f"导入完成：登记{years}科小入库 {result.added} 家，各企业的培育阶段已按入库记录更新")
        url = reverse("pipeline:sme_records")
        return redirect(f"{url}?year={result.years[0]}" if len(result.years) == 1 else url)

    return import_page(
        request,
        run=lambda data, name: sme_records_import(user=request.user, data=data, filename=name),
        on_success=done,
        context={
            "title": "导入科小入库名单",
            "crumbs": [("创新主体培育", ""), ("科小入库", reverse("pipeline:sme_records"))],
            "template_url": reverse("pipeline:sme_import_template"),
            "instructions": [
                "下载模板，每行填一家企业：统一社会信用代码、企业名称、评价年度、入库登记编号、入库日期，五列都必填。",
                f"企业须已在{scope_name(request.user)}企业库中登记，代码和名称须与企业库一致；"
                "同一企业同一年度、同一入库登记编号不能重复登记。",
                "导入后，各企业的培育阶段按入库记录自动更新，并记入变更记录。",
            ],
        },
    )
