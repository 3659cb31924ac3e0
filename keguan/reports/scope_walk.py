"""The scope walker's view of 工作总结 (see ``keguan.core.scope_walk``): each bureau's own work summary,
plan, problem and Word template; a persona sees those of the regions it sees and writes its own bureau's."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from keguan.core.scope_walk import REPORTERS, SceneContext, Walk, Write, status
from keguan.rules.periods import Period

from .models import IssueItem, PlanItem, ReportPartLayout, ReportTemplate, WorkNote
from .services import report_generate

REPORT_YEAR = str(dt.date.today().year - 1)  # a work-summary period the forms offer
RECORDS = ("report_version", "plan_item", "issue_item", "report_template", "report_part_layout", "work_note")


def _template_upload(_: Any) -> dict:
    from .docx import default_template

    return {"name": "范围测试模板", "file": SimpleUploadedFile("模板.docx", default_template())}


def _structure_form(_: Any) -> dict:
    from .registry import parts

    data = {"action": "save"}
    for i, p in enumerate(parts(), start=1):
        data |= {f"{p.area}-title": f"范围测试标题{i}", f"{p.area}-position": str(i), f"{p.area}-shown": "on"}
    return data


def _scene(ctx: SceneContext) -> dict:
    records: dict[str, dict] = {kind: {} for kind in RECORDS}
    for key, word in ctx.places.items():
        r = ctx.regions[key]
        records["report_version"][key] = report_generate(actor=None, region=r, period=Period.parse(REPORT_YEAR))
        records["plan_item"][key] = PlanItem.objects.create(region=r, area="general", text=f"{word}计划哨兵")
        records["issue_item"][key] = IssueItem.objects.create(region=r, period=REPORT_YEAR, text=f"{word}问题哨兵")
        records["report_template"][key] = ReportTemplate.objects.create(
            region=r, name=f"{word}模板哨兵", content=b"", active=False)
        records["work_note"][key] = WorkNote.objects.create(
            region=r, area="general", happened_on=dt.date.today(), lead=f"{word}纪实哨兵", text=f"{word}纪实内容哨兵")
        records["report_part_layout"][key] = ReportPartLayout.objects.create(
            region=r, area="enterprises", title=f"{word}结构哨兵", position=1)
    return records


def _leaks(kind: str, obj) -> list[str]:
    text = getattr(obj, "text", "") or getattr(obj, "name", "") or getattr(obj, "title", "")
    return [text] if text else []


WALK = Walk(
    pk_kinds={
        "reports:version": "report_version",
        "reports:version_edit": "report_version",
        "reports:version_download": "report_version",
        "reports:version_regenerate": "report_version",
        "reports:plan_status": "plan_item",
        "reports:issue_delete": "issue_item",
        "reports:note_delete": "work_note",
        "reports:template_toggle": "report_template",
    },
    writes={
        "reports:home": Write(REPORTERS, lambda _: {"period": REPORT_YEAR}),
        "reports:version_edit": Write(REPORTERS, lambda v: {"title": "范围测试改题", "note": ""}),
        "reports:version_regenerate": Write(REPORTERS, lambda v: {}),
        "reports:plans": Write(REPORTERS, lambda _: {"area": "general", "text": "范围测试计划", "due": ""}),
        "reports:plan_status": Write(REPORTERS, lambda item: {"status": "done"}),
        "reports:issues": Write(REPORTERS, lambda _: {"period": REPORT_YEAR, "area": "", "text": "范围测试问题"}),
        "reports:issue_delete": Write(REPORTERS, lambda item: {}),
        "reports:notes": Write(REPORTERS, lambda _: {"happened_on": dt.date.today().isoformat(), "area": "general",
                                                     "lead": "范围测试小标题", "text": "范围测试纪实"}),
        "reports:note_delete": Write(REPORTERS, lambda note: {}),
        "reports:templates": Write(REPORTERS, _template_upload),
        "reports:template_toggle": Write(REPORTERS, lambda t: {}),
        "reports:structure": Write(REPORTERS, _structure_form),
    },
    page_status={name: status(REPORTERS) for name in ("reports:home", "reports:plans", "reports:issues", "reports:notes",
                                                       "reports:templates", "reports:template_default",
                                                       "reports:template_sample", "reports:structure")}
    | {"reports:compare": status({"city"})},
    anchors={
        "reports.PlanItem": lambda x: (x.region, None),
        "reports.IssueItem": lambda x: (x.region, None),
        "reports.WorkNote": lambda x: (x.region, None),
        "reports.ReportTemplate": lambda x: (x.region, None),
        "reports.ReportVersion": lambda x: (x.region, None),
        "reports.ReportPartLayout": lambda x: (x.region, None),
    },
    region_records=RECORDS,
    scene=_scene,
    leaks=_leaks,
)
