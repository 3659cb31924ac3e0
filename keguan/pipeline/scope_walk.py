"""The scope walker's view of 梯队培育 (see ``keguan.core.scope_walk``): a cultivation pool per district,
qualification records consistent with each firm's stage, and every firm on the district lists. Every firm
has each kind of record an action of its qualifications page names by id (a 科小 record, an application,
a certificate entered by hand, a pool membership, a recorded fact), so the walker also tries another firm's
record under a firm the persona sees."""

from __future__ import annotations

import datetime as dt

from keguan.core.scope_walk import (
    EDITORS,
    ENTERPRISE_USERS,
    MANAGERS,
    TODAY,
    Kwarg,
    SceneContext,
    Walk,
    Write,
    enterprise_anchor,
    status,
)
from keguan.enterprises.scope_walk import drop_qualifications

from . import services as pipeline
from .models import CultivationPool, ExitReason, HnteBatch, PoolMember


def _precheck_pool(e) -> dict:
    """The firm ticked on the pre-check list, into its own district's pool."""
    pool = CultivationPool.objects.filter(district_id=e.district_id).order_by("pk").first()
    return {"pool": pool.pk, "on": TODAY, "reason": "范围测试入库", "enterprise": [e.pk], "back": ""}


def _records_pool(e) -> dict:
    """Into the firm's own district's pool (the qualifications page's 加入培育库)."""
    pool = CultivationPool.objects.filter(district_id=e.district_id).order_by("pk").first()
    return {"pool-pool": pool.pk, "pool-on": TODAY, "pool-reason": "范围测试入库"}


def _application(e) -> dict:
    """The scene's batch (the firm's application in it is removed first: ``_drop_applications``)."""
    batch = HnteBatch.objects.get(year=dt.date.today().year, seq=1)
    return {"app-batch": batch.pk, "app-on": TODAY, "app-note": ""}


def _drop_applications(e) -> None:
    e.hnte_applications.all().delete()


def _removable(e) -> None:
    """移出 comes after 入库: on 1–2 January the scene's 科小 records were registered today."""
    yesterday = dt.date.today() - dt.timedelta(days=1)
    e.sme_records.filter(registered_on__gt=yesterday).update(registered_on=yesterday)


def _scene(ctx: SceneContext) -> dict:
    regions, ents = ctx.regions, ctx.ents
    today = dt.date.today()
    year = today.year
    pools = {
        key: pipeline.pool_create(district=regions[key], actor=None, start_year=year - 1, end_year=year + 1,
                                  name=f"{ctx.places[key]}培育库哨兵")
        for key in ctx.districts
    }
    for key in ("ent_a", "ent_b", "ent_far"):  # stored 高企 estimates, one per firm
        pipeline.estimate_save(enterprise=ents[key], actor=None, year=year, ip_advancement="C")
    pipeline.certificate_add(enterprise=ents["ent_a"], actor=None, number="GR202445000001",
                             issued_on=today - dt.timedelta(days=100))
    pipeline.sme_record_add(enterprise=ents["ent_a2"], actor=None, year=year, number=f"{year}450103A00000002",
                            registered_on=min(dt.date(year, 1, 2), today))
    # ent_a (高企) joined the pool before its certificate was issued: still in it, its stage stays 高企
    pipeline.pool_add(pool=pools["a"], enterprise=ents["ent_a"], actor=None, on=today - dt.timedelta(days=150),
                      reason="甲区入库哨兵")
    # ent_a2 (科小) stayed in the pool for a while and left: its stage stays 科小 (written as the past stay it is,
    # without the services, which would move its stage to 培育库 and back)
    PoolMember.objects.create(pool=pools["a"], enterprise=ents["ent_a2"], district_id=ents["ent_a2"].district_id,
                              entered_on=today - dt.timedelta(days=20), entry_reason="甲区出库哨兵",
                              exited_on=today - dt.timedelta(days=10), exit_reason=ExitReason.LEFT)
    pipeline.pool_add(pool=pools["b"], enterprise=ents["ent_b"], actor=None, on=today - dt.timedelta(days=30),
                      reason="乙区入库哨兵")
    pipeline.pool_add(pool=pools["far_district"], enterprise=ents["ent_far"], actor=None,
                      on=today - dt.timedelta(days=30), reason="远市入库哨兵")
    batch = pipeline.batch_create(year=year, seq=1)
    pipeline.application_create(enterprise=ents["ent_a2"], actor=None, batch=batch, on=today)
    for key, e in ents.items():
        pipeline.fact_add(enterprise=e, actor=None, kind="rd_institution", year=2020, note=f"{key}事项哨兵")
        pipeline.visit_add(enterprise=e, actor=None, visited_on=today, topic="hnte", tutor="科技局",
                           content=f"{key}辅导哨兵")
    # Every firm on the district lists (高企申报 of the scene's batch, 高企证书, 科小入库), stages unchanged:
    # an expired certificate for the firms that are not 高企, 科小 records that a higher stage outranks.
    for i, key in enumerate(("ent_a2", "ent_b", "ent_far"), start=1):
        pipeline.certificate_add(enterprise=ents[key], actor=None, number=f"GR20{i:02d}45000900",
                                 issued_on=today.replace(year=today.year - 4, month=1, day=1))
    for i, key in enumerate(("ent_a", "ent_b", "ent_far"), start=1):
        pipeline.sme_record_add(enterprise=ents[key], actor=None, year=today.year, number=f"{today.year}4599{i:06d}",
                                registered_on=min(dt.date(today.year, 1, 2), today))
        pipeline.application_create(enterprise=ents[key], actor=None, batch=batch, on=today)
    return {"pool": pools}


LAST_YEAR = dt.date.today().year - 1
LISTS = ("applications", "applications_export", "certificates", "certificates_export", "sme_records", "sme_export",
         "visits")

WALK = Walk(
    pk_kinds={"pipeline": "enterprise"},
    # (in the pipeline namespace pk names an enterprise; a cultivation pool's pages name it pool_pk)
    kwargs={
        "pool_pk": Kwarg(None, lambda pool: pool.pk, True, 987654321, names="pool"),
        # the records an action of the qualifications page names, each among the firm's own
        "sme_pk": Kwarg("enterprise", lambda e: e.sme_records.order_by("pk")[0].pk, True, 987654321),
        "app_pk": Kwarg("enterprise", lambda e: e.hnte_applications.order_by("pk")[0].pk, True, 987654321),
        "cert_pk": Kwarg("enterprise", lambda e: e.hnte_certificates.filter(application=None).order_by("pk")[0].pk,
                         True, 987654321),
        "member_pk": Kwarg("enterprise", lambda e: e.pool_memberships.order_by("pk")[0].pk, True, 987654321),
        "fact_pk": Kwarg("enterprise", lambda e: e.recorded_facts.order_by("pk")[0].pk, True, 987654321),
    },
    writes={
        # the actions of a firm's qualifications page, one URL each (the page itself, pipeline:records, is GET
        # only: every persona who sees the firm reads it, see tests/test_pipeline_records.py)
        "pipeline:sme_add": Write(EDITORS, lambda e: {
            "sme-year": LAST_YEAR, "sme-number": f"{LAST_YEAR}98{e.pk:06d}", "sme-registered_on": f"{LAST_YEAR}-06-01"}),
        "pipeline:sme_remove": Write(EDITORS, lambda e: {"smerm-on": TODAY, "smerm-reason": "范围测试移出"},
                                     prepare=_removable),
        "pipeline:sme_delete": Write(EDITORS, lambda e: {}),
        "pipeline:application_add": Write(EDITORS, _application, prepare=_drop_applications),
        "pipeline:application_move": Write(EDITORS, lambda e: {
            "move-status": "submitted", "move-on": TODAY, "move-note": "", "move-certificate_no": "",
            "move-issued_on": ""}),
        "pipeline:certificate_add": Write(EDITORS, lambda e: {
            "cert-number": f"GR{dt.date.today().year}{e.pk:08d}", "cert-issued_on": TODAY}),
        "pipeline:certificate_delete": Write(EDITORS, lambda e: {}),
        "pipeline:pool_join": Write(EDITORS, _records_pool, prepare=drop_qualifications),
        "pipeline:pool_exit": Write(EDITORS, lambda e: {"exit-on": TODAY, "exit-reason": "left", "exit-note": ""}),
        "pipeline:visit_add": Write(EDITORS, lambda e: {
            "visit-visited_on": TODAY, "visit-topic": "hnte", "visit-tutor": "范围测试", "visit-content": "范围测试辅导"}),
        "pipeline:fact_add": Write(EDITORS, lambda e: {
            "fact-kind": "led_standard", "fact-year": LAST_YEAR, "fact-note": "范围测试事项"}),
        "pipeline:fact_delete": Write(EDITORS, lambda e: {}),
        "pipeline:precheck_pool": Write(EDITORS, _precheck_pool, target="enterprise", prepare=drop_qualifications),
        "pipeline:batch_create": Write(EDITORS | {"city"}, lambda _: {"year": dt.date.today().year, "seq": 9}),
        "pipeline:estimates_save": Write(EDITORS, lambda e: {"ip_advancement": "B", "rd_org_body": 4}),
        "pipeline:pool_create": Write(EDITORS, lambda _: {"start_year": dt.date.today().year + 2,
                                                          "end_year": dt.date.today().year + 4}),
    },
    page_shows={
        "pipeline:precheck": "enterprise",
        "pipeline:precheck_export": "enterprise",
        **{f"pipeline:{name}": "enterprise" for name in LISTS},
        "pipeline:pools": "pool",
    },
    page_status={
        "pipeline:self_check": status(MANAGERS | ENTERPRISE_USERS, refused=404),
        "pipeline:precheck": status(MANAGERS),
        "pipeline:precheck_export": status(MANAGERS),
        "pipeline:pool_batch": status(EDITORS),
        **{f"pipeline:{name}": status(MANAGERS) for name in (
            *LISTS, "pools", "pool_members", "pool_members_export")},
    },
    anchors={
        "pipeline.TechSmeRecord": lambda x: enterprise_anchor(x.enterprise),
        "pipeline.HnteApplication": lambda x: enterprise_anchor(x.enterprise),
        "pipeline.ApplicationStep": lambda x: enterprise_anchor(x.application.enterprise),
        "pipeline.HnteCertificate": lambda x: enterprise_anchor(x.enterprise),
        "pipeline.CultivationPool": lambda x: (x.district, None),
        "pipeline.PoolMember": lambda x: enterprise_anchor(x.enterprise),
        "pipeline.TutoringVisit": lambda x: enterprise_anchor(x.enterprise),
        "pipeline.RecordedFact": lambda x: enterprise_anchor(x.enterprise),
        "pipeline.HnteEstimate": lambda x: enterprise_anchor(x.enterprise),
    },
    district_records=("pool",),
    scene=_scene,
    leaks=lambda kind, pool: [pool.name],
)
