"""Demo qualification records that agree with the demo firms' stage histories (``keguan.demo.generator``):

* a firm that reached 科技型中小企业 was evaluated each year from then on (入库 records; this year's one holds
  today for every firm still at that stage);
* a firm that reached 高企培育库 joined its district's pool of that three-year cycle, moved to the next cycle's
  pool while still being cultivated, and left "认定为高新技术企业" when recognised;
* a firm that reached 高新技术企业 was recognised through an application in that year's batch, with every step
  dated before it, and re-recognised every three years while it stays a 高企;
* pool members still waiting have an application under way in this year's batch, some earlier ones failed;
* pool members got one to three tutoring visits.

Rows go in by raw bulk inserts (no history rows, like the rest of the demo data).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.db import connection
from django.utils import timezone

from keguan.demo.bulk import insert_rows, raw_delete
from keguan.enterprises.models import Stage, StageChange
from keguan.regions.models import Region

from .models import (
    ApplicationStep,
    AppStatus,
    CultivationPool,
    ExitReason,
    FactKind,
    HnteApplication,
    HnteBatch,
    HnteCertificate,
    PoolMember,
    RecordedFact,
    TechSmeRecord,
    TutoringVisit,
    VisitTopic,
)

FIRST_CYCLE = 2017  # pools run in three-year cycles: 2017-2019, 2020-2022, 2023-2025, 2026-2028 …
STEP_DAYS = [  # days before recognition of each earlier step
    (AppStatus.PLANNED, 170), (AppStatus.SUBMITTED, 140), (AppStatus.DISTRICT, 120), (AppStatus.CITY, 100),
    (AppStatus.PROVINCE, 60), (AppStatus.PUBLICISED, 25),
]
TUTORS = ["区科技局企业服务科", "区生产力促进中心", "市高企认定服务机构", "区知识产权服务中心"]
VISIT_TEXT = {
    VisitTopic.HNTE: "对照高企认定条件逐项梳理，指导准备申报材料",
    VisitTopic.RD_ACCOUNTS: "指导建立研发费用辅助账，规范研发项目立项和费用归集",
    VisitTopic.IP: "梳理核心技术专利布局，建议补充申请发明专利",
    VisitTopic.POLICY: "宣讲研发费用加计扣除和高企税收优惠政策",
}


def _cycle(year: int) -> tuple[int, int]:
    start = FIRST_CYCLE + (year - FIRST_CYCLE) // 3 * 3
    return start, start + 2


def wipe_pipeline(enterprise_ids: list[int], district_ids: list[int]) -> None:
    """Remove the pipeline records of these firms (and their change history) and the districts' pools: the demo
    generator's reload, before it removes the firms themselves."""
    history = [m.history.model for m in (TechSmeRecord, HnteApplication, HnteCertificate, PoolMember, TutoringVisit,
                                         RecordedFact)]
    for start in range(0, len(enterprise_ids), 5000):
        chunk = enterprise_ids[start : start + 5000]
        for qs in (
            *(h.objects.filter(enterprise_id__in=chunk) for h in history),
            ApplicationStep.objects.filter(application__enterprise_id__in=chunk),
            HnteCertificate.objects.filter(enterprise_id__in=chunk),
            HnteApplication.objects.filter(enterprise_id__in=chunk),
            PoolMember.objects.filter(enterprise_id__in=chunk),
            TechSmeRecord.objects.filter(enterprise_id__in=chunk),
            TutoringVisit.objects.filter(enterprise_id__in=chunk),
            RecordedFact.objects.filter(enterprise_id__in=chunk),
        ):
            raw_delete(qs)
    for qs in (CultivationPool.history.filter(district_id__in=district_ids),
               CultivationPool.objects.filter(district_id__in=district_ids)):
        raw_delete(qs)


class _Rows:
    def __init__(self) -> None:
        self.sme: list[tuple] = []
        self.members: list[tuple] = []
        self.visits: list[tuple] = []
        self.facts: list[tuple] = []
        self.apps: list[dict] = []  # with their steps and certificate, inserted in a second pass


def make_pipeline_demo(*, districts: list[Region], today: dt.date | None = None, seed: int = 2024) -> int:
    """Records for every demo firm of ``districts``. Returns the number of firms that got any."""
    today = today or timezone.localdate()
    rng = random.Random(f"pipeline-{seed}")
    district_ids = [d.pk for d in districts]
    histories: dict[int, list[tuple[str, dt.date]]] = defaultdict(list)
    district_of: dict[int, int] = {}
    for eid, district, stage, on in (
        StageChange.objects.filter(district_id__in=district_ids)
        .order_by("enterprise_id", "changed_on", "id")
        .values_list("enterprise_id", "district_id", "to_stage", "changed_on")
        .iterator(chunk_size=20000)
    ):
        histories[eid].append((stage, on))
        district_of[eid] = district
    wipe_pipeline(list(histories), district_ids)

    # pools: one per district and cycle from the first cycle any history needs up to today's
    first_year = min((on.year for h in histories.values() for s, on in h if s == Stage.POOL), default=today.year)
    pools: dict[tuple[int, int], int] = {}
    now = TechSmeRecord._meta.get_field("created_at").get_db_prep_save(timezone.now(), connection)
    for d in district_ids:
        start = _cycle(first_year)[0]
        while start <= today.year:
            pool = CultivationPool.objects.create(
                district_id=d, name=f"{start}-{start + 2}年高企培育库", start_year=start, end_year=start + 2,
                note="演示数据",
            )
            pools[(d, start)] = pool.pk
            start += 3
    batches: dict[tuple[int, int], int] = {}

    def batch(year: int, seq: int) -> int:
        if (year, seq) not in batches:
            b, _ = HnteBatch.objects.get_or_create(year=year, seq=seq)
            batches[(year, seq)] = b.pk
        return batches[(year, seq)]

    rows = _Rows()
    cert_numbers: set[str] = set()
    touched = 0
    for eid, history in histories.items():
        stages = {s: on for s, on in history}
        current = history[-1][0]
        if Stage.SME not in stages:
            continue
        touched += 1
        d = district_of[eid]
        sme_on = stages[Stage.SME]
        last_sme_year = today.year if current == Stage.SME else min(today.year, (stages.get(Stage.POOL) or today).year)
        for year in range(max(sme_on.year, 2017), last_sme_year + 1):
            on = sme_on if year == sme_on.year else dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(10, 140))
            on = min(on, today)
            rows.sme.append((eid, d, year, f"{year}{d:06d}{eid:010d}"[:32], on, now))
        _facts(rng, rows, eid, current, today, now)
        if Stage.POOL in stages:
            _pool_stays(rng, rows, eid, d, stages, today, pools, now)
        if Stage.HNTE in stages:
            _recognitions(rng, rows, eid, d, stages[Stage.HNTE], today, batch, cert_numbers)
        elif current == Stage.POOL:
            _pending(rng, rows, eid, d, stages[Stage.POOL], today, batch)

    db_date = connection.ops.adapt_datefield_value
    insert_rows(TechSmeRecord, ["enterprise", "district", "year", "number", "registered_on", "removed_reason", "created_at"],
            [(e, d, y, n, db_date(on), "", c) for e, d, y, n, on, c in rows.sme])
    insert_rows(PoolMember, ["pool", "enterprise", "district", "entered_on", "entry_reason", "exited_on", "exit_reason",
                         "exit_note", "created_at"],
            [(p, e, d, db_date(a), r, db_date(b), x, n, c) for p, e, d, a, r, b, x, n, c in rows.members])
    insert_rows(TutoringVisit, ["enterprise", "visited_on", "topic", "tutor", "content", "next_step", "created_at"],
            [(e, db_date(on), *rest) for e, on, *rest in rows.visits])
    insert_rows(RecordedFact, ["enterprise", "kind", "year", "note", "created_at"], rows.facts)
    _store_applications(rows.apps, now)
    with connection.cursor() as cur:  # planner statistics for the freshly loaded tables
        for model in (TechSmeRecord, PoolMember, HnteApplication, HnteCertificate, CultivationPool):
            cur.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return touched


def _facts(rng, rows: _Rows, eid: int, current: str, today: dt.date, now) -> None:
    """A few recorded facts: R&D institutions and standards among the stronger firms, rare accidents."""
    strong = current in (Stage.POOL, Stage.HNTE, Stage.LEADER)
    if strong and rng.random() < 0.04:
        rows.facts.append((eid, FactKind.RD_INSTITUTION, rng.randint(today.year - 8, today.year - 1), "省级企业技术中心", now))
    if strong and rng.random() < 0.02:
        rows.facts.append((eid, FactKind.LED_STANDARD, rng.randint(today.year - 6, today.year - 1), "主导起草行业标准", now))
    if rng.random() < 0.004:
        rows.facts.append((eid, FactKind.MAJOR_ACCIDENT, today.year - 1, "应急管理部门通报（演示）", now))


def _pool_stays(rng, rows: _Rows, eid: int, d: int, stages: dict, today: dt.date, pools: dict, now) -> None:
    entered = stages[Stage.POOL]
    recognised = stages.get(Stage.HNTE)
    reason = rng.choice(["预审符合高企条件，列入重点培育", "研发投入和知识产权接近高企标准", "科技型中小企业评价得分较高"])
    while True:
        start, end = _cycle(entered.year)
        next_cycle = dt.date(end + 1, 1, 1)
        if recognised is not None and recognised < next_cycle:
            rows.members.append((pools[(d, start)], eid, d, entered, reason, recognised, ExitReason.RECOGNISED,
                                 f"{recognised.year}年认定", now))
            break
        if next_cycle > today:
            rows.members.append((pools[(d, start)], eid, d, entered, reason, None, "", "", now))
            break
        rows.members.append((pools[(d, start)], eid, d, entered, reason, next_cycle, ExitReason.TRANSFERRED, "", now))
        entered, reason = next_cycle, "上一期培育库转入"
    last = recognised or today
    for _ in range(rng.randint(1, 3)):
        span = max(0, (last - stages[Stage.POOL]).days)
        on = stages[Stage.POOL] + dt.timedelta(days=rng.randint(0, span))
        topic = rng.choice(list(VISIT_TEXT))
        rows.visits.append((eid, on, topic, rng.choice(TUTORS), VISIT_TEXT[topic], "跟踪企业整改情况", now))


def _application(rows: _Rows, eid: int, d: int, batch_id: int, steps: list[tuple[str, dt.date]], cert=None) -> None:
    rows.apps.append({"enterprise": eid, "district": d, "batch": batch_id, "steps": steps, "certificate": cert})


def _recognitions(rng, rows: _Rows, eid: int, d: int, first: dt.date, today: dt.date, batch, numbers: set[str]) -> None:
    issued = first
    while True:
        steps = [(s, max(issued - dt.timedelta(days=days + rng.randint(0, 10)), dt.date(issued.year - 1, 1, 1)))
                 for s, days in STEP_DAYS]
        steps.sort(key=lambda s: s[1])
        steps.append((AppStatus.RECOGNISED, issued))
        while True:
            number = f"GR{issued.year}45{rng.randint(0, 9_999_999):07d}"[:14]
            if number not in numbers:
                numbers.add(number)
                break
        _application(rows, eid, d, batch(issued.year, 1 if issued.month <= 8 else 2), steps, (number, issued))
        expires = HnteCertificate.expiry_for(issued)
        if expires >= today:
            break
        issued = max(expires - dt.timedelta(days=rng.randint(0, 60)), issued + dt.timedelta(days=1))


def _pending(rng, rows: _Rows, eid: int, d: int, entered: dt.date, today: dt.date, batch) -> None:
    """A pool member waiting: some failed in an earlier batch; many have this year's application under way."""
    if entered.year < today.year and rng.random() < 0.25:
        year = rng.randint(entered.year, today.year - 1)
        start = max(entered, dt.date(year, 3, 1))
        if start.year == year:
            steps = [(AppStatus.PLANNED, start), (AppStatus.SUBMITTED, start + dt.timedelta(days=30)),
                     (AppStatus.DISTRICT, start + dt.timedelta(days=50)),
                     (AppStatus.REJECTED, start + dt.timedelta(days=150))]
            if steps[-1][1] <= today:
                _application(rows, eid, d, batch(year, 1), steps)
    if rng.random() < 0.5:
        # this year's second batch moves on with the calendar: a step about every four weeks from spring
        start = max(entered, dt.date(today.year, 3, 1) + dt.timedelta(days=rng.randint(0, 60)))
        if start <= today:
            order = [s for s, _ in STEP_DAYS]
            dates = [start + dt.timedelta(days=28 * i + rng.randint(0, 6)) for i in range(len(order))]
            steps = [(s, on) for s, on in zip(order, dates, strict=True) if on <= today]
            if len(steps) > 1 and rng.random() < 0.15:
                steps = steps[:-1]  # some lag behind the batch
            if steps:
                _application(rows, eid, d, batch(today.year, 2), steps)


def _store_applications(apps: list[dict], now) -> None:
    if not apps:
        return
    submitted_from = [s for s, _ in STEP_DAYS][1:]
    objs = []
    for a in apps:
        steps = a["steps"]
        status, status_on = steps[-1]
        submitted = next((on for s, on in steps if s in submitted_from or s == AppStatus.RECOGNISED), None)
        decided = status_on if status in (AppStatus.RECOGNISED, AppStatus.REJECTED) else None
        objs.append(HnteApplication(enterprise_id=a["enterprise"], district_id=a["district"], batch_id=a["batch"],
                                    status=status,
                                    status_on=status_on, submitted_on=submitted, decided_on=decided))
    for start in range(0, len(objs), 2000):
        chunk = objs[start : start + 2000]
        HnteApplication.objects.bulk_create(chunk, batch_size=500)
        if chunk[0].pk is None:
            found = {(e, b): pk for pk, e, b in HnteApplication.objects.filter(
                enterprise_id__in=[o.enterprise_id for o in chunk]).values_list("pk", "enterprise_id", "batch_id")}
            for o in chunk:
                o.pk = o.id = found[(o.enterprise_id, o.batch_id)]
    db_date = connection.ops.adapt_datefield_value
    steps_rows, certs = [], []
    for a, obj in zip(apps, objs, strict=True):
        previous = ""
        for s, on in a["steps"]:
            steps_rows.append((obj.pk, previous, s, db_date(on), "", now))
            previous = s
        if a["certificate"]:
            number, issued = a["certificate"]
            certs.append((a["enterprise"], obj.pk, number, db_date(issued), db_date(HnteCertificate.expiry_for(issued)), now))
    insert_rows(ApplicationStep, ["application", "from_status", "to_status", "on", "note", "created_at"], steps_rows)
    insert_rows(HnteCertificate, ["enterprise", "application", "number", "issued_on", "expires_on", "created_at"], certs)
