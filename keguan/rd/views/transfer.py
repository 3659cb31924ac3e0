"""Importing reported amounts into a round from Excel, and its template."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from keguan.core.excel import xlsx_response
from keguan.core.permissions import demand
from keguan.core.uploads import import_page

from ..imports import C_WAN, C_YUAN, rd_amounts_import, rd_template_xlsx
from ..selectors import round_get


@require_GET
def rd_template_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "rd.import")
    rd_round = round_get(user=request.user, pk=pk, write=True)
    return xlsx_response(rd_template_xlsx(rd_round), f"研发经费填报导入模板-{rd_round.district.name}-{rd_round.year}年度.xlsx")


@require_http_methods(["GET", "POST"])
def rd_import_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "rd.import")
    rd_round = round_get(user=request.user, pk=pk, write=True)

    def done(result) -> HttpResponse:
        messages.success(
            request,
            f"导入完成：新登记 {result.recorded} 家，更正 {result.corrected} 家，无变化 {result.unchanged} 家，"
            f"金额为空未处理 {result.blank} 家",
        )
        return redirect("rd:round", pk=pk)

    return import_page(
        request,
        run=lambda data, name: rd_amounts_import(user=request.user, rd_round=rd_round, data=data, filename=name),
        on_success=done,
        context={
            "title": f"导入填报金额 · {rd_round.title}",
            "crumbs": [("研发投入", ""), ("研发经费填报", reverse("rd:list")),
                       (rd_round.title, reverse("rd:round", kwargs={"pk": pk}))],
            "template_url": reverse("rd:import_template", kwargs={"pk": pk}),
            "instructions": [
                "下载模板（已列出本轮名单中的全部企业及已登记的金额），填写“填报金额（万元）”和“填报日期”；"
                "导出的名单也可直接填写后上传。",
                f"金额单位为万元；按元填写的，把列名改为“{C_YUAN}”（与“{C_WAN}”只能保留一列）。",
                "统一社会信用代码须为本轮名单中的企业；金额留空的行保持原样；填报日期留空按今天。",
                "已登记的金额会被新金额覆盖，所有改动都记入变更记录。导入不会修改企业年度数据中的研发费用。",
            ],
        },
    )
