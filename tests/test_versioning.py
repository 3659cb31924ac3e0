"""Nothing is lost when two people work on the same firm: a stale edit form is refused with what changed, two
stage changes at once keep the stage history one chain, and an import moves the district counter once."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.urls import reverse

from keguan.core.errors import ServiceError
from keguan.enterprises.models import YEAR_STORED, DistrictStageCount, Enterprise, Stage, StageChange
from keguan.enterprises.services import (
    counts_deferred,
    enterprise_change_stage,
    enterprise_update,
    stage_counts_rebuild,
    year_figures_save,
)


def _profile(page) -> dict:
    """The edit form's values as the browser would send them back."""
    form = page.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else value
    return data


def test_a_stale_edit_form_is_refused_with_what_changed(world, login):
    url = reverse("enterprises:edit", args=[world.ent_a.pk])
    mine, theirs = login(world.staff), None
    first = _profile(mine.get(url))
    assert first["version"] == world.ent_a.version == 1
    # a colleague saves the same firm meanwhile
    enterprise_update(enterprise=Enterprise.objects.get(pk=world.ent_a.pk), actor=world.leader, version=1,
                      name="青秀测试科技（集团）有限公司")
    # my form, read before, would silently revert the name: it is refused and says what changed, by whom
    response = mine.post(url, {**first, "address": "民族大道1号"})
    text = response.content.decode()
    assert response.status_code == 200 and "保存失败" in text and theirs is None
    assert "青秀测试科技有限公司 → 青秀测试科技（集团）有限公司" in text and world.leader.display_name in text
    firm = Enterprise.objects.get(pk=world.ent_a.pk)
    assert firm.name == "青秀测试科技（集团）有限公司" and firm.address == "" and firm.version == 2
    # the form shown again keeps what I typed and carries the current version: saving again is deliberate
    again = _profile(response)
    assert again["address"] == "民族大道1号" and str(again["version"]) == "2"
    assert mine.post(url, again).status_code == 302
    firm.refresh_from_db()
    assert firm.address == "民族大道1号" and firm.version == 3


def test_a_stale_year_form_is_refused_and_a_repeated_new_year_is_one_row(world, login):
    c = login(world.staff)
    url = reverse("enterprises:year_edit", args=[world.ent_a.pk, 2024])
    data = _profile(c.get(url))
    year_figures_save(enterprise=world.ent_a, actor=world.leader, year=2024, version=1, employees=101)
    response = c.post(url, {**data, "employees": 99})
    assert response.status_code == 200 and "保存失败" in response.content.decode()
    assert world.ent_a.years.get(year=2024).employees == 101
    # a new year's form sent twice: one row, the second is the same figures again
    figures = {k: v for k, v in data.items() if k in YEAR_STORED}
    row = year_figures_save(enterprise=world.ent_a, actor=world.staff, year=2023, new=True,
                            **{k: world.ent_a.years.get(year=2024).__dict__[k] for k in figures})
    again = year_figures_save(enterprise=world.ent_a, actor=world.staff, year=2023, new=True,
                              **{k: getattr(row, k) for k in figures})
    assert again.pk == row.pk and world.ent_a.years.filter(year=2023).count() == 1
    with pytest.raises(ServiceError, match="2023年数据已存在"):
        year_figures_save(enterprise=world.ent_a, actor=world.staff, year=2023, new=True,
                          **{**{k: getattr(row, k) for k in figures}, "employees": 7})


def test_a_change_from_a_stale_instance_starts_from_the_stored_stage(world):
    stale = Enterprise.objects.get(pk=world.ent_a2.pk)  # read at 科小
    fresh = Enterprise.objects.get(pk=world.ent_a2.pk)
    today = dt.date.today()
    enterprise_change_stage(enterprise=fresh, actor=world.staff, stage=Stage.POOL, on=today)
    enterprise_change_stage(enterprise=stale, actor=world.leader, stage=Stage.HNTE, on=today)
    chain = list(StageChange.objects.filter(enterprise=world.ent_a2).order_by("id").values_list("from_stage", "to_stage"))
    assert chain[-2:] == [(Stage.SME, Stage.POOL), (Stage.POOL, Stage.HNTE)]
    with pytest.raises(ServiceError):  # and a stale "move to 高企" again is refused: it already is
        enterprise_change_stage(enterprise=stale, actor=world.leader, stage=Stage.HNTE, on=today)


@pytest.mark.django_db(transaction=True)
def test_two_stage_changes_at_once_keep_one_chain(password_hash):
    """Two clerks move the same firm at the same moment, each from the page they opened: the row lock queues
    them and the history stays one chain (on SQLite the database takes one writer at a time)."""
    from tests.conftest import World

    if connection.vendor == "sqlite":
        pytest.skip("SQLite takes one writer at a time by itself (and the in-memory test database is shared)")
    from keguan.regions.models import Region
    from keguan.regions.services import regions_load_national

    if not Region.objects.filter(code="450103").exists():  # a transactional test before this one flushed them
        regions_load_national(within="4501")
    world = World(password_hash)
    pk = world.ent_a2.pk
    start = threading.Barrier(2)
    errors: list[Exception] = []

    def move(stage: str, actor) -> None:
        try:
            firm = Enterprise.objects.get(pk=pk)
            start.wait()
            enterprise_change_stage(enterprise=firm, actor=actor, stage=stage, on=dt.date.today())
        except ServiceError as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=move, args=(Stage.POOL, world.staff)),
               threading.Thread(target=move, args=(Stage.HNTE, world.leader))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    chain = list(StageChange.objects.filter(enterprise_id=pk).order_by("id").values_list("from_stage", "to_stage"))
    for (_, to), (frm, _) in zip(chain, chain[1:], strict=False):
        assert frm == to, chain  # every change starts where the previous one ended
    assert Enterprise.objects.get(pk=pk).stage == chain[-1][1]
    counted = dict(DistrictStageCount.objects.filter(district=world.a, n__gt=0).values_list("stage", "n"))
    stage_counts_rebuild()
    assert counted == dict(DistrictStageCount.objects.filter(district=world.a, n__gt=0).values_list("stage", "n"))
    assert len(errors) <= 1  # the second may find the firm already at its stage


def test_an_import_moves_the_counter_once_at_its_end(world):
    def counts() -> dict:
        return dict(DistrictStageCount.objects.filter(district=world.a).values_list("stage", "n"))

    before = counts()
    today = dt.date.today()
    with counts_deferred():
        enterprise_change_stage(enterprise=world.ent_a2, actor=world.staff, stage=Stage.POOL, on=today)
        assert counts() == before  # not touched while the import runs
    after = counts()
    assert after[Stage.SME] == before[Stage.SME] - 1 and after[Stage.POOL] == before.get(Stage.POOL, 0) + 1
    # a failed block applies nothing
    with pytest.raises(RuntimeError), counts_deferred():
        enterprise_change_stage(enterprise=world.ent_a2, actor=world.staff, stage=Stage.HNTE, on=today)
        raise RuntimeError("import refused")
    assert counts() == after


def test_year_figures_keep_their_checks_on_the_version_path(world):
    with pytest.raises(ServiceError):
        year_figures_save(enterprise=world.ent_a, actor=world.staff, year=2024, version=1,
                          net_assets=Decimal("99999999999"))
