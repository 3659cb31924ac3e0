"""The district × stage counter (``DistrictStageCount``) the dashboards read for today's stock: the services
keep it equal to a fresh count of the register through any sequence of writes, the demo generator and
``keguan recount`` rebuild it, and the stock histograms built from it equal the plain per-firm history."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keguan.core.errors import ServiceError
from keguan.demo.generator import generate_demo
from keguan.enterprises.indicators import stage_histogram
from keguan.enterprises.models import DistrictStageCount, Enterprise, Stage, StageChange
from keguan.enterprises.services import (
    enterprise_change_stage,
    enterprise_create,
    enterprise_delete,
    enterprise_update,
    stage_counts_rebuild,
)
from keguan.regions.models import Region
from tests.conftest import CITY, credit_code

STAGES = st.sampled_from(Stage.values)


def counter() -> dict[tuple[int, str], int]:
    return {(d, s): n for d, s, n in DistrictStageCount.objects.values_list("district_id", "stage", "n") if n}


def group_by() -> dict[tuple[int, str], int]:
    rows = Enterprise.objects.values_list("district_id", "stage").annotate(n=Count("id")).order_by()
    return {(d, s): n for d, s, n in rows}


def districts(k: int = 3) -> list[Region]:
    return list(Region.objects.filter(parent__code=CITY, level=3).order_by("code")[:k])


OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("create"), st.integers(0, 2), STAGES),
        st.tuples(st.just("stage"), st.integers(0, 30), STAGES),
        st.tuples(st.just("move"), st.integers(0, 30), st.integers(0, 2)),
        st.tuples(st.just("stale_move"), st.integers(0, 30), st.integers(0, 2)),
        st.tuples(st.just("delete"), st.integers(0, 30), st.just(None)),
    ),
    min_size=1,
    max_size=25,
)


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=OPERATIONS)
def test_services_keep_the_counter_equal_to_a_fresh_count(ops):
    today = timezone.localdate()
    with transaction.atomic():
        ds = districts()
        firms: list[Enterprise] = []
        for i, (op, a, b) in enumerate(ops):
            try:
                if op == "create":
                    firms.append(enterprise_create(actor=None, name=f"计数测试{i:02d}有限公司",
                                                   credit_code=credit_code(ds[a].code, 500 + i), district=ds[a], stage=b))
                elif not firms:
                    continue
                elif op == "stage":  # raises when the firm is already there: nothing may move then
                    enterprise_change_stage(enterprise=firms[a % len(firms)], actor=None, stage=b, on=today)
                elif op == "move":
                    enterprise_update(enterprise=firms[a % len(firms)], actor=None, district=ds[b])
                elif op == "stale_move":
                    # an instance read before another write to the same firm: the counter follows what is stored
                    firm = firms[a % len(firms)]
                    stale = Enterprise.objects.get(pk=firm.pk)
                    other = next(s for s in Stage.values if s != firm.stage)
                    enterprise_change_stage(enterprise=firm, actor=None, stage=other, on=today)
                    enterprise_update(enterprise=stale, actor=None, district=ds[b], name=f"{stale.name}·迁")
                else:
                    enterprise_delete(enterprise=firms.pop(a % len(firms)), actor=None, records_too=True)
            except ServiceError:
                pass
            assert counter() == group_by(), (i, op)
        ids = [d.pk for d in ds]
        today_hist = stage_histogram(ids, today)
        assert {(d, s): n for d, by in today_hist.items() for s, n in by.items() if n} == group_by()
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_demo_generator_and_recount_leave_the_counter_exact():
    with transaction.atomic():
        generate_demo(seed=7, enterprises=240, with_users=False, today=dt.date(2026, 11, 1))
        assert counter() == group_by() and sum(counter().values()) == 240
        # staff edits between two loads, then a reload wipes the city and loads it again
        d = districts(1)[0]
        firm = enterprise_create(actor=None, name="重载前新建有限公司", credit_code=credit_code(d.code, 901), district=d)
        enterprise_change_stage(enterprise=firm, actor=None, stage=Stage.SME, on=timezone.localdate())
        assert counter() == group_by()
        generate_demo(seed=8, enterprises=180, with_users=False, today=dt.date(2026, 11, 1))
        assert counter() == group_by() and sum(counter().values()) == 180
        # a counter gone out of step (a write that bypassed the services) is repaired by keguan recount
        DistrictStageCount.objects.filter(stage=Stage.HNTE).delete()
        DistrictStageCount.objects.filter(stage=Stage.SME).update(n=999)
        out = io.StringIO()
        call_command("recount", stdout=out)
        assert "180" in out.getvalue()
        assert counter() == group_by()
        assert stage_counts_rebuild() == 180
        transaction.set_rollback(True)


def _independent_histogram(ids: list[int], day: dt.date) -> dict[tuple[int, str], int]:
    """Each firm's stage on ``day``: the stage of its last change on or before it."""
    last: dict[int, tuple] = {}
    for eid, district, stage, on, pk in StageChange.objects.filter(district_id__in=ids).values_list(
        "enterprise_id", "district_id", "to_stage", "changed_on", "id"
    ):
        if on <= day and (eid not in last or (on, pk) > last[eid][:2]):
            last[eid] = (on, pk, district, stage)
    out: dict[tuple[int, str], int] = {}
    for _on, _pk, district, stage in last.values():
        out[(district, stage)] = out.get((district, stage), 0) + 1
    return out


@pytest.mark.django_db
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), offsets=st.lists(st.integers(0, 4 * 365), min_size=1, max_size=8))
def test_histograms_chained_through_a_memo_equal_the_per_firm_history(seed, offsets):
    today = dt.date(2026, 11, 1)
    with transaction.atomic():
        generate_demo(seed=seed, enterprises=240, with_users=False, today=today)
        ids = [d.pk for d in Region.objects.filter(parent__code=CITY, level=3)]
        memo: dict = {}
        for offset in offsets:  # in any order: each past day starts from the nearest later day already done
            day = today - dt.timedelta(days=offset)
            shared = stage_histogram(ids, day, memo)
            alone = stage_histogram(ids, day)
            flat = {(d, s): n for d, by in shared.items() for s, n in by.items() if n}
            assert flat == {(d, s): n for d, by in alone.items() for s, n in by.items() if n}
            assert flat == _independent_histogram(ids, day), day
        transaction.set_rollback(True)
