"""The scope walker's view of 导入导出 (see ``keguan.core.scope_walk``): an import run per district (an upload
of its own firm, checked and ready to confirm); the pages of a kind are walked with the enterprise kind."""

from __future__ import annotations

from keguan.core.scope_walk import BUREAU_SIDE, EDITORS, Fixed, SceneContext, Walk, Write, status
from keguan.enterprises.exchange import ENTERPRISES
from keguan.enterprises.scope_walk import credit_code, enterprise_import
from keguan.regions.scope_walk import csv_upload

from .services import run_start

EXPORTERS = BUREAU_SIDE - {"expert"}  # the enterprise kind's export permission


def _new_firm_upload() -> dict:
    rows = [["企业名称", "统一社会信用代码"], ["范围测试导入新建有限公司", credit_code("450103", 88)]]
    return {"file": csv_upload("企业.csv", rows)}


def _scene(ctx: SceneContext) -> dict:
    firms = {"a": ctx.ents["ent_a"], "b": ctx.ents["ent_b"], "far_district": ctx.ents["ent_far"]}
    runs = {}
    for key in ctx.districts:
        upload = enterprise_import(firms[key])["file"]
        run = run_start(kind=ENTERPRISES, user=None, region=ctx.regions[key], data=upload.read(),
                        filename=f"{ctx.places[key]}导入哨兵.csv")
        assert run.status == "ready", (key, run.status, run.errors)
        runs[key] = run
    return {"import_run": runs}


WALK = Walk(
    pk_kinds={"exchange": "import_run"},
    kwargs={"kind": Fixed(ENTERPRISES.code)},
    writes={
        # an upload is checked into a run of the user's own district (the region it names must be its own)
        "exchange:kind": Write(EDITORS, lambda _: _new_firm_upload(), target=None),
        "exchange:confirm": Write(EDITORS, lambda run: {}),
    },
    page_status={
        "exchange:history": status(EXPORTERS),
        "exchange:kind": status(EDITORS),
        "exchange:template": status(EDITORS),
        "exchange:export": status(EXPORTERS),
    },
    anchors={"exchange.ImportRun": lambda x: (x.region, None)},
    district_records=("import_run",),
    scene=_scene,
    leaks=lambda kind, run: [run.file_name],
)
