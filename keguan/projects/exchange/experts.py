"""专家库 as an import/export kind (``keguan.exchange``): the experts of one district's pool, one row per
expert, identified by 姓名 + 工作单位 (a re-import updates the expert found by both).

专业领域 is written with the labels of the dictionary 项目技术领域 (``project_field``), separated by 、 or a comma
(full or half width); 可参加评审 is 是 / 否 (empty: 是). Experts are written through
``services.review.expert_save`` (history); a file with any bad row writes nothing (the engine's rule).
Conflicts and the login account are kept on the expert pages, not in the file.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

from django.urls import reverse

from keguan.core import dictionary
from keguan.exchange.kinds import Column, Context, ImportKind, Plan, Row
from keguan.exchange.readers import CellError, Choice, Text, as_text, phone, shown
from keguan.projects.models import Expert
from keguan.projects.services.review import expert_save

C_NAME, C_EMPLOYER, C_TITLE, C_FIELDS, C_PHONE, C_AVAILABLE = (
    "姓名", "工作单位", "职称", "专业领域", "联系电话", "可参加评审",
)
SEPARATORS = re.compile(r"[、,，;；/\s]+")
YES_NO = Choice([(True, "是"), (False, "否")], accept_value=False, aliases={"可": "是", "不可": "否", "Y": "是", "N": "否"},
                name="是或否")


class Fields:
    """Field labels of the dictionary ``project_field`` (or their codes), separated by 、 or commas → codes."""

    number_format = "@"

    def __call__(self, raw: object, ctx=None) -> list[str]:
        by_label = {}
        for item in dictionary.items("project_field"):
            by_label[item.label] = item.code
            by_label[item.code] = item.code
        parts = [p for p in SEPARATORS.split(as_text(raw)) if p]
        unknown = [p for p in parts if p not in by_label]
        if unknown:
            listed = "、".join(i.label for i in dictionary.items("project_field") if i.enabled)
            raise CellError(f"“{'、'.join(unknown)}”不是项目技术领域，应为：{listed}（多个领域用顿号分隔）")
        if not parts:
            raise CellError(f"“{shown(raw)}”没有填写领域")
        return list(dict.fromkeys(by_label[p] for p in parts))


def _labels(codes: str) -> str:
    return "、".join(dictionary.label("project_field", c) for c in codes.split(",") if c)


class ExpertKind(ImportKind):
    code = "project_experts"
    title = "专家库"
    import_perm = "projects.import"
    export_perm = "projects.view"
    region_level = 3
    key = (C_NAME, C_EMPLOYER)
    columns = (
        Column(C_NAME, Text(40), required=True, field="name", width=12, example="（示例）张三"),
        Column(C_EMPLOYER, Text(100), aliases=("单位", "所在单位"), required=True, field="employer", width=32,
               example="广西大学"),
        Column(C_TITLE, Text(40), field="title", width=16, example="教授"),
        Column(C_FIELDS, Fields(), aliases=("领域", "技术领域"), required=True, field="fields", width=30,
               example="电子信息、新材料", note="填写“项目技术领域”中的名称，多个用顿号（、）或逗号分隔"),
        Column(C_PHONE, phone, aliases=("电话", "手机"), field="phone", width=16, example="13800000000"),
        Column(C_AVAILABLE, YES_NO, aliases=("可否评审",), field="available", width=12, example="是",
               note="是 或 否；留空为“是”"),
    )
    instructions = (
        "每行一位专家；姓名和工作单位都相同的视为同一位专家，再次导入会更新其信息。",
        "专业领域填写数据字典“项目技术领域”中的名称（如 电子信息、生物与新医药），多个领域用顿号或逗号分隔。",
        "可参加评审填“是”或“否”，留空为“是”。回避关系和登录账号请在专家页面上登记。",
        "表中任何一行有错误时，整个文件都不会导入；请按错误清单修改后重新上传。",
    )

    def prepare(self, ctx: Context, keys: set[tuple]) -> None:
        stored = {}
        if ctx.region is not None:
            for pk, name, employer, title, fields, phone_, available in Expert.objects.filter(
                    region=ctx.region).values_list("pk", "name", "employer", "title", "fields", "phone", "available"):
                stored[(name, employer)] = SimpleNamespace(pk=pk, name=name, employer=employer, title=title,
                                                           fields=fields, phone=phone_, available=available)
        ctx.cache["stored"] = stored

    def check(self, row: Row, ctx: Context) -> Plan | None:
        if not row.ok or row[C_NAME] is None or row[C_EMPLOYER] is None or row[C_FIELDS] is None:
            return None
        known = [i.code for i in dictionary.items("project_field")]
        data = {"name": row[C_NAME], "employer": row[C_EMPLOYER], "title": row[C_TITLE] or "",
                "fields": ",".join(c for c in known if c in row[C_FIELDS]), "phone": row[C_PHONE] or "",
                "available": True if row[C_AVAILABLE] is None else row[C_AVAILABLE]}
        stored = ctx.cache["stored"].get((data["name"], data["employer"]))
        return Plan.decide(stored, data)

    def write(self, plan: Plan, ctx: Context) -> None:
        d = plan.data
        if plan.target is None:
            expert = Expert(region=ctx.region)
        else:
            expert = Expert.objects.select_related("enterprise", "organisation", "user").get(pk=plan.target.pk)
        expert._change_reason = ctx.reason
        expert_save(actor=ctx.user, expert=expert, name=d["name"], employer=d["employer"], title=d["title"],
                    fields=d["fields"].split(","), phone=d["phone"], available=d["available"], note=expert.note,
                    enterprise=expert.enterprise, organisation=expert.organisation, user=expert.user)

    def export_rows(self, ctx: Context):
        for e in ctx.limit(Expert.objects.all()).order_by("name", "id").iterator(chunk_size=2000):
            yield [e.name, e.employer, e.title, _labels(e.fields), e.phone, "是" if e.available else "否"]

    def back(self, ctx: Context) -> tuple[str, str]:
        return ("专家库", reverse("projects:experts"))


EXPERTS = ExpertKind()
