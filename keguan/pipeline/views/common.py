"""Helpers shared by the pipeline's views. Who may do what is asked of ``keguan.core.permissions``
(``pipeline.view``, ``pipeline.records``, ``pipeline.write``, ``pipeline.batches``, ``pipeline.export``,
``pipeline.import``, ``pipeline.self_check``); which records, of ``keguan.core.scope`` through the selectors."""

from __future__ import annotations

from django.http import QueryDict
from django.utils import timezone

from keguan.core.lists import Column, ListSpec, register_list
from keguan.core.permissions import demand

# The district lists in the list kit (keguan.core.lists): page size and columns per user, 打印.
SME_LIST = register_list(ListSpec(code="pipeline.sme", title="科小入库", columns=(
    Column("name", "企业名称", fixed=True), Column("place", "乡镇/街道"), Column("year", "评价年度"),
    Column("number", "入库登记编号"), Column("registered_on", "入库日期"), Column("state", "状态"),
)))
APPLICATION_LIST = register_list(ListSpec(code="pipeline.applications", title="高企申报", columns=(
    Column("name", "企业名称", fixed=True), Column("place", "乡镇/街道"), Column("batch", "申报批次"),
    Column("status", "状态"), Column("status_on", "状态日期"), Column("submitted_on", "材料提交"),
    Column("decided_on", "认定/未通过"),
)))
CERTIFICATE_LIST = register_list(ListSpec(code="pipeline.certificates", title="高企证书", columns=(
    Column("name", "企业名称", fixed=True), Column("place", "乡镇/街道"), Column("number", "证书编号"),
    Column("issued_on", "发证日期"), Column("expires_on", "有效期至"), Column("days_left", "剩余天数"),
    Column("state", "状态"), Column("renewal", "重新认定"),
)))
POOL_DETAIL_LIST = register_list(ListSpec(code="pipeline.pool", title="培育库企业", columns=(
    Column("name", "企业名称", fixed=True), Column("township", "乡镇/街道"), Column("entered_on", "入库日期"),
    Column("entry_reason", "入库理由"), Column("exit", "出库日期与原因"), Column("last_visit", "最近辅导"),
)))
POOL_MEMBER_LIST = register_list(ListSpec(code="pipeline.pool_members", title="培育库企业（全部）", columns=(
    Column("name", "企业名称", fixed=True), Column("place", "乡镇/街道"), Column("pool", "培育库"),
    Column("entered_on", "入库日期"), Column("exit", "出库日期与原因"), Column("last_visit", "最近辅导"),
)))
VISIT_LIST = register_list(ListSpec(code="pipeline.visits", title="辅导走访记录", columns=(
    Column("visited_on", "辅导日期", fixed=True), Column("name", "企业名称", fixed=True), Column("place", "乡镇/街道"),
    Column("topic", "辅导内容"), Column("tutor", "辅导人/机构"), Column("content", "辅导情况"),
    Column("next_step", "下一步"), Column("recorded", "登记人"),
)))
PRECHECK_LIST = register_list(ListSpec(code="pipeline.precheck", title="科小/高企预审", columns=(
    Column("rank", "排名"), Column("name", "企业名称", fixed=True), Column("place", "乡镇/街道"),
    Column("stage", "培育阶段"), Column("status", "预审结果", fixed=True), Column("score", "得分"),
    Column("lacks", "所缺条件或说明"),
)))


def require_lists(user) -> None:
    """The district lists (高企申报, 高企证书, 培育库, 科小入库) are the bureaus'."""
    demand(user, "pipeline.view", "高企申报、高企证书、培育库和科小入库名单只对市、区县科技局人员开放")


def scope_name(user) -> str:
    """The user's region as named in export titles and file names."""
    return user.region.name if user.region else "全部"


def query_without(params: QueryDict, *without: str) -> str:
    params = params.copy()
    for key in without:
        params.pop(key, None)
    return params.urlencode()


def stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


def errors_text(form) -> str:
    """A form's errors as one Chinese sentence, for a message when the page has no place for the form."""
    parts = [" ".join(v) for k, v in form.errors.items() if k == "__all__"]
    parts += [f"{form.fields[k].label}：{' '.join(v)}" for k, v in form.errors.items() if k in form.fields]
    return "；".join(parts)
