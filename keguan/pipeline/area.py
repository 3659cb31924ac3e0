"""梯队培育: 科小 入库, 高企 applications and certificates, cultivation pools, tutoring, recorded facts,
the self-check and the district pre-check. Its figures and paragraphs belong to 创新主体培育."""

from keguan.core.areas import Area, Entry, register
from keguan.core.permissions import Permission
from keguan.core.roles import BUREAU, DISTRICT_EDITORS, ENTERPRISE, FIELD_STAFF

register(Area(
    code="pipeline", title="梯队培育", order=21, app="keguan.pipeline", menu_group="创新主体培育",
    urls="keguan.pipeline.urls", url_prefix="pipeline/",
    indicators="keguan.pipeline.indicators", report="keguan.pipeline.report", reports_area=False,
    reminders=("keguan.pipeline.home.reminders",), home=("keguan.pipeline.home.served_panel",), on_start=("keguan.pipeline.stages.sync_at_start",),
    demo="keguan.pipeline.demo.make_pipeline_demo", demo_order=20, demo_wipe="keguan.pipeline.demo.wipe_pipeline",
    kinds=("keguan.pipeline.exchange.SME_RECORDS",),
    scope_walk="keguan.pipeline.scope_walk",
    permissions=(
        Permission("pipeline.self_check", "科小/高企自评（本企业）", ENTERPRISE),
        Permission("pipeline.view", "查看科小入库、高企申报与证书、培育库和预审名单", BUREAU),
        Permission("pipeline.records", "查看企业的资质与培育记录", FIELD_STAFF | ENTERPRISE),
        Permission("pipeline.write", "登记科小入库、高企申报与证书、培育库、辅导和登记事项", DISTRICT_EDITORS),
        Permission("pipeline.batches", "新建高企申报批次", BUREAU),
        Permission("pipeline.export", "导出培育名单", BUREAU),
        Permission("pipeline.import", "导入科小入库名单", DISTRICT_EDITORS),
    ),
    menu=(
        Entry("科小/高企自评", "pipeline:self_check", "clipboard-check", "pipeline.self_check"),
        Entry("科小/高企预审", "pipeline:precheck", "list-ol", "pipeline.view"),
        Entry("科小入库", "pipeline:sme_records", "patch-check", "pipeline.view"),
        Entry("培育库", "pipeline:pools", "flower2", "pipeline.view"),
        Entry("高企申报", "pipeline:applications", "send-check", "pipeline.view"),
        Entry("高企证书", "pipeline:certificates", "award", "pipeline.view"),
        Entry("辅导走访记录", "pipeline:visits", "chat-square-text", "pipeline.view"),
    ),
))
