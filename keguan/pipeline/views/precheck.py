"""The district pre-check (科小/高企 预审): every firm in the user's scope screened by one rule and ranked, with
its export, and the ticked firms put into a cultivation pool."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from keguan.accounts.preferences import list_state
from keguan.core.errors import ServiceError
from keguan.core.excel import build_xlsx, xlsx_response
from keguan.core.lists import selected_ids
from keguan.core.pagination import querystring_without
from keguan.core.permissions import demand, may
from keguan.core.scope import covers_districts

from ..forms import PrecheckFilterForm
from ..record_forms import PrecheckPoolForm
from ..selectors import (
    HNTE,
    RULE_CHOICES,
    RULE_SHORT,
    STATUS_ORDER,
    Precheck,
    PrecheckFilters,
    current_pools,
    enterprises_chosen,
    pool_get,
    precheck_run,
)
from ..services import pool_add_many
from .common import PRECHECK_LIST


def _require_bureau(user) -> None:
    demand(user, "pipeline.view", "科小/高企预审只对市、区县科技局人员开放")


def _precheck(request: HttpRequest) -> tuple[PrecheckFilterForm, Precheck]:
    form = PrecheckFilterForm(request.GET or None, user=request.user)
    if not form.is_bound:
        filters = PrecheckFilters()
    elif form.is_valid():
        filters = PrecheckFilters.from_cleaned(form.cleaned_data)
    else:
        # A condition that is not valid (a township outside the user's area …) matches nothing.
        filters = PrecheckFilters(rule=form.chosen_rule(), invalid=True)
    return form, precheck_run(user=request.user, filters=filters)


@require_GET
def precheck_view(request: HttpRequest) -> HttpResponse:
    _require_bureau(request.user)
    form, check = _precheck(request)
    kit = list_state(request, PRECHECK_LIST)
    page = kit.paginate(request, check.candidates)
    check.explain(list(page.object_list))
    context = {
        "form": form,
        "kit": kit,
        "check": check,
        "page": page,
        "query": querystring_without(request, "page"),
        "status_query": querystring_without(request, "page", "status"),
        "rule_query": querystring_without(request, "page", "rule", "status"),
        "rules": RULE_CHOICES,
        "statuses": [(s, check.counts.get(s.value, 0)) for s in STATUS_ORDER[check.rule]],
        "current_status": form.cleaned_data.get("status", "") if form.is_bound and form.is_valid() else "",
        "city_wide": covers_districts(request.user),
        "read_only": not may(request.user, "pipeline.write"),
        "pool_form": _pool_form(request.user) if may(request.user, "pipeline.write") else None,
    }
    return render(request, "pipeline/precheck.html", context)


def _pool_form(user, data=None) -> PrecheckPoolForm:
    pools = current_pools(user=user, year=timezone.localdate().year)
    return PrecheckPoolForm(data, pools=pools)


@require_POST
def precheck_pool_view(request: HttpRequest) -> HttpResponse:
    """Add the firms ticked on the pre-check list to a pool; the ones that cannot join are named with why."""
    demand(request.user, "pipeline.write", "只有区县科技局人员可以把企业加入培育库")
    back = _next(request) or reverse("pipeline:precheck") + "?" + request.POST.get("back", "")
    form = _pool_form(request.user, request.POST)
    if not form.is_valid():
        messages.error(request, "未加入培育库：" + "；".join(e for errs in form.errors.values() for e in errs))
        return redirect(back)
    pool = pool_get(user=request.user, pk=form.cleaned_data["pool"].pk, write=True)
    chosen = form.cleaned_data["enterprise"]
    firms = enterprises_chosen(user=request.user, pks=chosen)
    if len(firms) != len(set(chosen)):
        raise Http404("所选企业不存在或不在您的管辖范围内")
    try:
        result = pool_add_many(pool=pool, enterprises=firms, actor=request.user, on=form.cleaned_data["on"],
                               reason=form.cleaned_data["reason"])
    except ServiceError as exc:  # the date or the reason: nothing was added
        messages.error(request, f"未加入培育库：{exc.message}")
        return redirect(back)
    if result.added:
        messages.success(request, f"已把 {len(result.added)} 家企业加入{pool.name}")
    for _firm, why in result.skipped:
        messages.warning(request, f"未加入：{why}")
    return redirect(back)


def _next(request: HttpRequest) -> str:
    """The list the batch came from (``next``), when it is a page of this site."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    return url if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}) else ""


@require_GET
def pool_batch_view(request: HttpRequest) -> HttpResponse:
    """加入培育库 as a batch action of a list (the enterprise list's, keguan.core.lists): the ticked firms the
    user may see, and the pre-check's pool form (same default reason) posting to ``precheck_pool``."""
    demand(request.user, "pipeline.write", "只有区县科技局人员可以把企业加入培育库")
    firms = enterprises_chosen(user=request.user, pks=selected_ids(request.GET))
    context = {"firms": firms, "pool_form": _pool_form(request.user), "next": _next(request) or reverse("enterprises:list")}
    return render(request, "pipeline/pool_batch.html", context)


EXPORT_HEADERS = [
    "排名",
    "企业名称",
    "统一社会信用代码",
    "所属区县",
    "所属乡镇/街道",
    "培育阶段",
    "预审结果",
    "得分",
    "不符合条件数",
    "所缺条件或说明",
]
EXPORT_WIDTHS = [6, 36, 22, 12, 16, 16, 14, 12, 12, 90]


@require_GET
def precheck_export_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "pipeline.export")
    form, check = _precheck(request)

    def rows():
        for c in check.candidates:
            check.explain([c])
            assert c.screened is not None
            yield [
                c.rank,
                c.name,
                c.credit_code,
                c.district,
                c.township,
                c.stage_label,
                c.status.label,
                c.score_text,
                c.screened.failed,
                c.lacks,
            ]
            c.result = None  # keep memory flat on large exports

    scope = request.user.region.name if request.user.region else "全部"
    stamp = timezone.localtime()
    short = RULE_SHORT[check.rule]
    title = f"{short}预审"
    note = "\n".join(
        [
            f"{dict(RULE_CHOICES)[check.rule]}预审名单（{'高新技术企业认定管理办法' if check.rule == HNTE else '科技型中小企业评价办法'}）",
            f"范围：{scope}；评价日期：{check.on.isoformat()}；使用{check.years_text}；导出时间：{stamp:%Y-%m-%d %H:%M}",
            f"筛选条件：{_filter_note(form)}；共 {len(check.candidates)} 家（在范围内有年度数据的企业 {check.total} 家）",
            "排名：符合条件的在前，其余按接近程度（不符合的条件数少、得分高的在前），数据不全或有误的在后。",
            "本名单由系统按企业填报的年度数据预审，仅供参考；高企的创新能力评分由专家评审，未估计的部分按分值区间计。",
        ]
    )
    content = build_xlsx(title=title, headers=EXPORT_HEADERS, rows=rows(), widths=EXPORT_WIDTHS, note=note)
    return xlsx_response(content, f"{short}预审-{scope}-{stamp:%Y%m%d-%H%M}.xlsx")


def _filter_note(form: PrecheckFilterForm) -> str:
    if not (form.is_bound and form.is_valid()):
        return "无" if not form.is_bound else "条件有误，名单为空"
    parts = []
    for name in ("status", "district", "township", "stage"):
        value = form.cleaned_data.get(name)
        if value:
            field = form.fields[name]
            shown = value.name if hasattr(value, "name") else dict(field.choices).get(value, value)
            parts.append(f"{field.label}：{shown}")
    return "；".join(parts) or "无"
