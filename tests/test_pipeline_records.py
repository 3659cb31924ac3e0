"""Qualification records and the stage that follows from them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from keguan.core.errors import ServiceError
from keguan.enterprises.models import Stage, StageChange
from keguan.enterprises.services import enterprise_change_stage, enterprise_create, label_add
from keguan.pipeline import services as svc
from keguan.pipeline.models import ApplicationStep, AppStatus, ExitReason, HnteCertificate, PoolMember
from keguan.pipeline.stages import derive, stage_sync_due, sync_stage
from keguan.rules.tech_sme import hnte_certificate_valid_until

from .conftest import DISTRICT_A, credit_code

TODAY = timezone.localdate()
YEAR = TODAY.year


def _days(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


@pytest.fixture
def firm(world):
    return enterprise_create(
        actor=world.staff, name="培育测试科技有限公司", credit_code=credit_code(DISTRICT_A, 55), district=world.a,
        industry_code="39", stage=Stage.ATTRACTED, stage_since=dt.date(YEAR - 4, 1, 5),
    )


@pytest.fixture
def pool(world):
    return svc.pool_create(district=world.a, actor=world.staff, start_year=YEAR - 1, end_year=YEAR + 1)


def _stages(firm) -> list[tuple[str, str]]:
    return list(StageChange.objects.filter(enterprise=firm).order_by("changed_on", "id").values_list("from_stage", "to_stage"))


def test_sme_record_moves_the_firm_up_and_is_refused_twice(world, firm):
    on = dt.date(YEAR, 1, 10) if TODAY >= dt.date(YEAR, 1, 10) else TODAY
    svc.sme_record_add(enterprise=firm, actor=world.staff, year=YEAR, number=f"{YEAR}450103A0000123", registered_on=on)
    firm.refresh_from_db()
    assert firm.stage == Stage.SME and firm.stage_since == on
    with pytest.raises(ServiceError) as err:
        svc.sme_record_add(enterprise=firm, actor=world.staff, year=YEAR, number=f"{YEAR}450103A0000124", registered_on=on)
    assert err.value.field == "year"
    with pytest.raises(ServiceError) as err:
        svc.sme_record_add(enterprise=world.ent_a2, actor=world.staff, year=YEAR, number=f"{YEAR}450103A0000123",
                           registered_on=on)
    assert err.value.field == "number" and "已被登记" in err.value.message


def test_the_sme_record_check_states_the_rules_once_without_the_database():
    """``sme_record_check`` is what ``sme_record_add`` and the 入库名单 importer both call: the values first, the
    stored records (through the lookups passed in) only when the values are sound."""
    check = svc.sme_record_check
    day = dt.date(2025, 6, 1)
    assert check(year=2025, number="2025450103A0001", registered_on=dt.date(2025, 3, 1), today=day) == []
    assert check(year=2016, number="坏编号", registered_on=dt.date(2025, 7, 1), today=day) == [
        ("year", "评价年度应在2017至2025之间"),
        ("number", "入库登记编号应为8至32位数字或字母（以评价系统公告为准）"),
        ("registered_on", "入库日期不能晚于今天"),
    ]
    assert check(year=2024, number="2024450103A0001", registered_on=dt.date(2025, 3, 1), today=day) == [
        ("registered_on", "入库日期应在评价年度2024年内")]
    asked: list = []

    def taken(value) -> bool:
        asked.append(value)
        return True

    assert check(year=2025, number="坏编号", registered_on=dt.date(2025, 3, 1), today=day, year_taken=taken,
                 number_taken=taken) == [("number", "入库登记编号应为8至32位数字或字母（以评价系统公告为准）")]
    assert asked == []  # (no lookups for values that fail already)
    assert check(year=2025, number="2025450103A0001", registered_on=dt.date(2025, 3, 1), today=day, year_taken=taken,
                 number_taken=taken) == [("year", "该企业2025年的科小入库记录已登记"),
                                         ("number", "入库登记编号 2025450103A0001 已被登记，请核对")]
    # a value the caller could not read is the caller's to report: the rules that need it are skipped
    assert check(year=None, number=None, registered_on=dt.date(2025, 7, 1), today=day) == [
        ("registered_on", "入库日期不能晚于今天")]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"year": 2016, "number": "2016450103A0001", "registered_on": dt.date(2016, 5, 1)}, "year"),
        ({"year": YEAR, "number": "编号", "registered_on": dt.date(YEAR, 1, 1)}, "number"),
        ({"year": YEAR - 1, "number": "2020450103A0001", "registered_on": dt.date(YEAR, 1, 1)}, "registered_on"),
        ({"year": YEAR, "number": "2020450103A0001", "registered_on": TODAY + dt.timedelta(days=1)}, "registered_on"),
    ],
)
def test_sme_record_checks(world, firm, kwargs, field):
    with pytest.raises(ServiceError) as err:
        svc.sme_record_add(enterprise=firm, actor=world.staff, **kwargs)
    assert err.value.field == field


def test_sme_record_of_last_year_no_longer_counts(world, firm):
    svc.sme_record_add(enterprise=firm, actor=world.staff, year=YEAR - 1, number="LAST0000YEAR01",
                       registered_on=dt.date(YEAR - 1, 3, 1))
    firm.refresh_from_db()
    assert firm.stage == Stage.ATTRACTED  # valid for its evaluation year only: the stage did not move
    d = derive(firm, dt.date(YEAR - 1, 6, 1))
    assert d.stage == Stage.SME


def test_application_to_recognition_moves_stage_and_leaves_pool(world, firm, pool):
    member = svc.pool_add(pool=pool, enterprise=firm, actor=world.staff, on=_days(200), reason="预审符合条件")
    firm.refresh_from_db()
    assert firm.stage == Stage.POOL and firm.stage_since == _days(200)
    batch = svc.batch_create(year=YEAR, seq=2)
    assert str(batch) == f"{YEAR}年第二批"
    app = svc.application_create(enterprise=firm, actor=world.staff, batch=batch, on=_days(150))
    for status, days in [(AppStatus.SUBMITTED, 140), (AppStatus.DISTRICT, 120), (AppStatus.PROVINCE, 60)]:
        app = svc.application_move(application=app, actor=world.staff, status=status, on=_days(days))
    with pytest.raises(ServiceError) as err:
        svc.application_move(application=app, actor=world.staff, status=AppStatus.DISTRICT, on=_days(50))
    assert err.value.field == "status"
    with pytest.raises(ServiceError) as err:
        svc.application_move(application=app, actor=world.staff, status=AppStatus.PUBLICISED, on=_days(70))
    assert "不能早于上一步" in err.value.message
    with pytest.raises(ServiceError) as err:
        svc.application_move(application=app, actor=world.staff, status=AppStatus.RECOGNISED, on=_days(20))
    assert err.value.field == "certificate_no"
    app = svc.application_move(application=app, actor=world.staff, status=AppStatus.RECOGNISED, on=_days(20),
                               certificate_no="gr202545000123")
    assert app.submitted_on == _days(140) and app.decided_on == _days(20)
    assert [s.to_status for s in ApplicationStep.objects.filter(application=app)] == [
        "planned", "submitted", "district", "province", "recognised"]
    cert = HnteCertificate.objects.get(application=app)
    assert cert.number == "GR202545000123" and cert.expires_on == HnteCertificate.expiry_for(_days(20))
    member.refresh_from_db()
    assert member.exit_reason == ExitReason.RECOGNISED and member.exited_on == _days(20)
    firm.refresh_from_db()
    assert firm.stage == Stage.HNTE and firm.stage_since == _days(20)
    assert _stages(firm)[-2:] == [("attracted", "pool"), ("pool", "hnte")]
    with pytest.raises(ServiceError):
        svc.application_move(application=app, actor=world.staff, status=AppStatus.REJECTED, on=TODAY)


def test_certificate_expiry_is_three_years_less_a_day():
    assert HnteCertificate.expiry_for(dt.date(2022, 12, 14)) == dt.date(2025, 12, 13)
    # 29 February: the third anniversary is 1 March, so the last valid day is 28 February (as the 科小 rules read it)
    assert HnteCertificate.expiry_for(dt.date(2020, 2, 29)) == dt.date(2023, 2, 28)
    assert HnteCertificate.expiry_for(dt.date(2020, 2, 29)) == hnte_certificate_valid_until(dt.date(2020, 2, 29))


def test_expired_certificate_falls_back_with_history(world, firm):
    issued = dt.date(YEAR - 3, 1, 2)
    svc.sme_record_add(enterprise=firm, actor=world.staff, year=YEAR, number="NOW00000SME01",
                       registered_on=min(dt.date(YEAR, 1, 1), TODAY))
    cert = svc.certificate_add(enterprise=firm, actor=world.staff, number="GR202245000999", issued_on=issued)
    assert cert.expires_on == dt.date(YEAR, 1, 1)
    firm.refresh_from_db()
    # the certificate already expired: the firm is 科小 (its record of this year still holds)
    assert firm.stage == Stage.SME
    assert derive(firm, dt.date(YEAR - 1, 6, 1)).stage == Stage.HNTE


def test_daily_sync_finds_the_lapsed(world, firm):
    svc.certificate_add(enterprise=firm, actor=world.staff, number="GR202245000777", issued_on=_days(30))
    firm.refresh_from_db()
    assert firm.stage == Stage.HNTE
    assert stage_sync_due() == 0
    # three years pass: the certificate's last valid day was yesterday
    HnteCertificate.objects.filter(enterprise=firm).update(issued_on=_days(3 * 366), expires_on=_days(1))
    StageChange.objects.filter(enterprise=firm).update(changed_on=_days(3 * 366))
    out = io.StringIO()
    call_command("startjobs", stdout=out)  # what keguan serve runs beside the server at start
    assert "已按资质记录核定 1 家企业的培育阶段" in out.getvalue()
    firm.refresh_from_db()
    assert firm.stage == Stage.ATTRACTED and firm.stage_since == TODAY
    change = StageChange.objects.filter(enterprise=firm).order_by("-id").first()
    assert "到期" in change.note and change.from_stage == Stage.HNTE
    assert stage_sync_due() == 0


def test_leader_label_wins_and_manual_stage_is_refused_once_records_exist(world, firm):
    svc.certificate_add(enterprise=firm, actor=world.staff, number="GR202245000555", issued_on=_days(10))
    with pytest.raises(ServiceError) as err:
        enterprise_change_stage(enterprise=firm, actor=world.staff, stage=Stage.POOL, on=TODAY)
    assert "自动确定" in err.value.message
    label_add(enterprise=firm, actor=world.staff, kind="innovation_leader", level="city", year=YEAR)
    assert sync_stage(firm, actor=world.staff)
    firm.refresh_from_db()
    assert firm.stage == Stage.LEADER


def test_pool_rules(world, firm, pool):
    with pytest.raises(ServiceError) as err:
        svc.pool_add(pool=pool, enterprise=world.ent_b, actor=world.staff, on=TODAY, reason="x")
    assert "不属于" in err.value.message
    with pytest.raises(ServiceError) as err:
        svc.pool_add(pool=pool, enterprise=firm, actor=world.staff, on=TODAY, reason="  ")
    assert err.value.field == "reason"
    with pytest.raises(ServiceError) as err:
        svc.pool_add(pool=pool, enterprise=firm, actor=world.staff, on=dt.date(YEAR - 2, 5, 1), reason="x")
    assert err.value.field == "on"
    member = svc.pool_add(pool=pool, enterprise=firm, actor=world.staff, on=TODAY, reason="研发投入达标")
    result = svc.pool_add_many(pool=pool, enterprises=[firm, world.ent_a2], actor=world.staff, on=TODAY, reason="预审")
    assert [m.enterprise for m in result.added] == [world.ent_a2]
    assert result.skipped[0][0] == firm and "已在" in result.skipped[0][1]
    with pytest.raises(ServiceError):
        svc.pool_exit(member=member, actor=world.staff, on=TODAY - dt.timedelta(days=1), reason=ExitReason.LEFT)
    svc.pool_exit(member=member, actor=world.staff, on=TODAY, reason=ExitReason.LEFT, note="企业迁出计划")
    firm.refresh_from_db()
    assert firm.stage == Stage.ATTRACTED
    assert PoolMember.objects.filter(enterprise=firm, exited_on__isnull=True).count() == 0
    with pytest.raises(ServiceError) as err:  # stays never overlap
        svc.pool_add(pool=pool, enterprise=firm, actor=world.staff, on=TODAY - dt.timedelta(days=1), reason="再入库")
    assert "重新入库日期不能早于" in err.value.message
    with pytest.raises(ServiceError):
        svc.pool_create(district=world.a, actor=world.staff, start_year=YEAR - 1, end_year=YEAR + 1)


def test_one_open_application_at_a_time(world, firm):
    b1, b2 = svc.batch_create(year=YEAR, seq=1), svc.batch_create(year=YEAR, seq=2)
    app = svc.application_create(enterprise=firm, actor=world.staff, batch=b1, on=_days(10))
    with pytest.raises(ServiceError) as err:
        svc.application_create(enterprise=firm, actor=world.staff, batch=b2, on=_days(5))
    assert "进行中" in err.value.message
    svc.application_move(application=app, actor=world.staff, status=AppStatus.REJECTED, on=_days(5), note="撤回")
    app2 = svc.application_create(enterprise=firm, actor=world.staff, batch=b2, on=_days(4))
    assert app2.status == AppStatus.PLANNED
    app.refresh_from_db()
    assert app.submitted_on is None and app.decided_on == _days(5)


def test_visit_requires_content(world, firm):
    with pytest.raises(ServiceError) as err:
        svc.visit_add(enterprise=firm, actor=world.staff, visited_on=TODAY, topic="hnte", tutor="区科技局", content=" ")
    assert err.value.field == "content"
    visit = svc.visit_add(enterprise=firm, actor=world.staff, visited_on=TODAY, topic="hnte", tutor="区科技局",
                          content="指导建立研发费用辅助账")
    assert visit.history.count() == 1


# --- the qualifications page ------------------------------------------------------------------------------


def _url(firm, name="records", *ids):
    """The qualifications page of ``firm`` or, with ``name``, the URL of one of its actions."""
    from django.urls import reverse

    return reverse(f"pipeline:{name}", args=[firm.pk, *ids])


def test_page_records_visit_and_shows_inline_errors(world, firm, login):
    c = login(world.staff)
    page = c.get(_url(firm))
    assert page.status_code == 200 and "登记入库" in page.content.decode() and "尚无资质记录" in page.content.decode()
    r = c.post(_url(firm, "visit_add"), {"visit-visited_on": TODAY.isoformat(), "visit-topic": "ip",
                                         "visit-tutor": "区知识产权服务中心", "visit-content": "梳理专利布局"})
    assert r.status_code == 302 and r["Location"].endswith("#visits")
    assert "梳理专利布局" in c.get(_url(firm)).content.decode()
    r = c.post(_url(firm, "sme_add"), {"sme-year": YEAR, "sme-number": "坏编号", "sme-registered_on": TODAY.isoformat()})
    body = r.content.decode()
    assert r.status_code == 200 and "入库登记编号应为8至32位数字或字母" in body and "is-invalid" in body
    assert firm.sme_records.count() == 0


def test_page_moves_an_application_to_recognition(world, firm, login):
    batch = svc.batch_create(year=YEAR, seq=1)
    app = svc.application_create(enterprise=firm, actor=world.staff, batch=batch, on=_days(40))
    c = login(world.staff)
    data = {"move-status": "recognised", "move-on": _days(3).isoformat()}
    r = c.post(_url(firm, "application_move", app.pk), data)
    assert r.status_code == 200 and "认定时请填写高新技术企业证书编号" in r.content.decode()
    r = c.post(_url(firm, "application_move", app.pk), {**data, "move-certificate_no": "GR202545001234"})
    assert r.status_code == 302
    firm.refresh_from_db()
    assert firm.stage == Stage.HNTE
    body = c.get(_url(firm)).content.decode()
    assert "GR202545001234" in body and "按资质记录自动确定" in body


def test_page_is_read_only_for_city_and_the_firm(world, login):
    for user in (world.city_user, world.ent_user, world.town, world.expert):
        c = login(user)
        page = c.get(_url(world.ent_a))
        assert page.status_code == 200 and "登记入库" not in page.content.decode()
        r = c.post(_url(world.ent_a, "visit_add"), {"visit-visited_on": TODAY.isoformat(), "visit-topic": "ip",
                                                    "visit-tutor": "x", "visit-content": "y"})
        assert r.status_code == 403
    assert login(world.ent_user).get(_url(world.ent_b)).status_code == 404


def test_page_refuses_another_firms_record_id(world, firm, login):
    other = svc.certificate_add(enterprise=world.ent_a2, actor=world.staff, number="GR202445009999", issued_on=_days(5))
    r = login(world.staff).post(_url(firm, "certificate_delete", other.pk))
    assert r.status_code == 404 and HnteCertificate.objects.filter(pk=other.pk).exists()


def test_each_action_posts_to_its_own_url_and_returns_to_its_section(world, firm, pool, login):
    from django.contrib.messages import get_messages

    c = login(world.staff)
    assert c.post(_url(firm), {"action": "visit"}).status_code == 405  # the page itself only shows
    last_year = dt.date(YEAR - 1, 6, 1)

    def post(name, *ids, anchor, **data):
        r = c.post(_url(firm, name, *ids), {k.replace("__", "-"): v for k, v in data.items()})
        assert r.status_code == 302 and r["Location"] == f"{_url(firm)}#{anchor}", (name, r.status_code)
        return str(list(get_messages(r.wsgi_request))[-1])

    assert post("sme_add", anchor="sme", sme__year=YEAR - 1, sme__number=f"{YEAR - 1}450103A0000777",
                sme__registered_on=last_year) == f"已登记{YEAR - 1}年科小入库（{YEAR - 1}450103A0000777）"
    record = firm.sme_records.get()
    assert post("sme_remove", record.pk, anchor="sme", smerm__on=TODAY, smerm__reason="企业迁出") == \
        f"{YEAR - 1}年科小入库记录已移出"
    assert post("sme_delete", record.pk, anchor="sme") == "已删除误录的科小入库记录" and not firm.sme_records.exists()
    assert "已登记高企证书GR202245000777" in post("certificate_add", anchor="hnte", cert__number="GR202245000777",
                                                 cert__issued_on=dt.date(YEAR - 4, 3, 1))
    cert = firm.hnte_certificates.get()
    assert post("certificate_delete", cert.pk, anchor="hnte") == "已删除误录的高企证书"
    assert post("pool_join", anchor="pool", pool__pool=pool.pk, pool__on=TODAY, pool__reason="预审符合") == \
        f"已加入{pool.name}"
    member = firm.pool_memberships.get()
    assert post("pool_exit", member.pk, anchor="pool", exit__on=TODAY, exit__reason="left") == f"已从{pool.name}出库"
    batch = svc.batch_create(year=YEAR, seq=3)
    assert post("application_add", anchor="hnte", app__batch=batch.pk, app__on=TODAY) == f"已登记{batch}高企申报（拟申报）"
    app = firm.hnte_applications.get()
    assert post("application_move", app.pk, anchor="hnte", move__status="submitted", move__on=TODAY) == \
        f"{batch}申报已推进到“材料提交”"
    assert post("fact_add", anchor="facts", fact__kind="led_standard", fact__year=YEAR - 1) == \
        f"已登记：{firm.recorded_facts.get()}"
    assert post("fact_delete", firm.recorded_facts.get().pk, anchor="facts") == "已删除登记事项"
    assert post("visit_add", anchor="visits", visit__visited_on=TODAY, visit__topic="hnte", visit__tutor="区科技局",
                visit__content="讲解申报材料") == "已登记辅导记录"
    # a refusal without a form on the page is told in a message
    app.refresh_from_db()
    svc.application_move(application=app, actor=world.staff, status=AppStatus.REJECTED, on=TODAY)
    message = post("application_move", app.pk, anchor="hnte", move__status="recognised", move__on=TODAY)
    assert "该申报已办结" in message


def test_a_refused_removal_comes_back_in_its_row(world, firm, login):
    on = dt.date(YEAR, 1, 10) if TODAY >= dt.date(YEAR, 1, 10) else TODAY
    record = svc.sme_record_add(enterprise=firm, actor=world.staff, year=YEAR, number=f"{YEAR}450103A0000778",
                                registered_on=on)
    r = login(world.staff).post(_url(firm, "sme_remove", record.pk),
                                {"smerm-on": on.isoformat(), "smerm-reason": "企业迁出"})
    body = r.content.decode()
    assert r.status_code == 200 and "移出日期应晚于入库日期" in body and 'value="企业迁出"' in body
    record.refresh_from_db()
    assert record.removed_on is None


def test_actions_refuse_another_firms_records_and_a_missing_firm(world, firm, pool, login):
    """Each action names its record in the URL: one of another firm (of the same district) is not found."""
    from django.urls import reverse

    other = world.ent_a2
    ids = {
        "sme_remove": svc.sme_record_add(enterprise=other, actor=None, year=YEAR - 1, number=f"{YEAR - 1}450103A0000779",
                                         registered_on=dt.date(YEAR - 1, 6, 1)).pk,
        "application_move": svc.application_create(enterprise=other, actor=None, batch=svc.batch_create(year=YEAR, seq=4),
                                                   on=TODAY).pk,
        "pool_exit": svc.pool_add(pool=pool, enterprise=other, actor=None, on=TODAY, reason="预审").pk,
        "fact_delete": svc.fact_add(enterprise=other, actor=None, kind="led_standard", year=YEAR - 1).pk,
        "certificate_delete": svc.certificate_add(enterprise=other, actor=None, number="GR202245000779",
                                                  issued_on=dt.date(YEAR - 4, 3, 1)).pk,
    }
    ids["sme_delete"] = ids["sme_remove"]
    c = login(world.staff)
    before = [m.objects.count() for m in (HnteCertificate, PoolMember, ApplicationStep)]
    for name, pk in ids.items():
        assert c.post(_url(firm, name, pk), {"smerm-on": TODAY, "smerm-reason": "x", "move-status": "submitted",
                                             "move-on": TODAY, "exit-on": TODAY, "exit-reason": "left"}).status_code == 404
    assert [m.objects.count() for m in (HnteCertificate, PoolMember, ApplicationStep)] == before
    assert other.sme_records.get().removed_on is None and other.recorded_facts.exists()
    assert c.post(reverse("pipeline:visit_add", args=[987654321])).status_code == 404


@pytest.mark.django_db
def test_demo_records_agree_with_the_demo_stages():
    from keguan.demo.generator import generate_demo
    from keguan.enterprises.models import Enterprise
    from keguan.pipeline.models import CultivationPool, HnteApplication, TechSmeRecord

    day = dt.date(2026, 11, 1)
    generate_demo(seed=5, enterprises=600, with_users=False, today=day)
    checked = 0
    for e in Enterprise.objects.all():
        if e.stage != Stage.ATTRACTED:
            assert derive(e, day).stage == e.stage, (e.pk, e.stage, derive(e, day))
            checked += 1
    assert checked > 200
    assert TechSmeRecord.objects.filter(year=day.year).exists()
    assert HnteApplication.objects.filter(status=AppStatus.RECOGNISED).exists()
    assert HnteApplication.objects.filter(status=AppStatus.REJECTED).exists()
    assert CultivationPool.objects.filter(start_year=2026, end_year=2028).count() == 12
    assert PoolMember.objects.filter(exit_reason=ExitReason.TRANSFERRED).exists()


def test_syncstages_command(world, firm):
    from io import StringIO

    from django.core.management import call_command

    svc.certificate_add(enterprise=firm, actor=world.staff, number="GR202245000321", issued_on=_days(30))
    HnteCertificate.objects.filter(enterprise=firm).update(issued_on=_days(3 * 366), expires_on=_days(1))
    StageChange.objects.filter(enterprise=firm).update(changed_on=_days(3 * 366))
    out = StringIO()
    call_command("syncstages", stdout=out)
    assert "1 家企业" in out.getvalue()
    firm.refresh_from_db()
    assert firm.stage == Stage.ATTRACTED


def test_report_paragraph_in_the_bureaus_phrasing(world):
    from keguan.indicators.services import target_set
    from keguan.reports.builder import build_draft
    from keguan.rules.periods import Period

    d = dt.date
    pool = svc.pool_create(district=world.a, actor=world.staff, start_year=2024, end_year=2026)
    firms = [world.ent_a2] + [
        enterprise_create(actor=world.staff, name=f"培育{i}号科技有限公司", credit_code=credit_code(DISTRICT_A, 60 + i),
                          district=world.a, industry_code="39", stage=Stage.ATTRACTED, stage_since=d(2024, 1, 2))
        for i in range(3)
    ]
    for i, firm in enumerate(firms):
        svc.sme_record_add(enterprise=firm, actor=world.staff, year=2025, number=f"2025450103A{i:05d}",
                           registered_on=d(2025, 3, 1 + i))
        svc.pool_add(pool=pool, enterprise=firm, actor=world.staff, on=d(2025, 4, 1), reason="预审符合条件")
    b1, b2 = svc.batch_create(year=2025, seq=1), svc.batch_create(year=2025, seq=2)
    for firm, batch, cert in ((firms[0], b1, "GR202545000011"), (firms[1], b2, "GR202545000012"), (firms[2], b2, "")):
        app = svc.application_create(enterprise=firm, actor=world.staff, batch=batch, on=d(2025, 5, 1))
        app = svc.application_move(application=app, actor=world.staff, status=AppStatus.SUBMITTED, on=d(2025, 6, 1))
        if cert:
            svc.application_move(application=app, actor=world.staff, status=AppStatus.RECOGNISED,
                                 on=d(2025, 11, 20), certificate_no=cert)
    target_set(actor=world.city_user, indicator="pl_hnte_recognised", district=world.a, year=2025, value="4")
    text = build_draft(world.a, Period.parse("2025"), today=d(2026, 1, 5)).plain_text()
    assert ("一是扎实开展高新技术企业培育认定。2025年，全区组织申报国家高新技术企业3家，全市排名第一；"
            "完成国家高新技术企业申报认定2批2家，完成市定目标的50.0%；其中培育库企业2家。") in text \
        or ("完成国家高新技术企业申报认定2批2家，完成市定目标的50.0%，其中培育库企业2家。") in text, text
    assert "二是扎实开展科技型中小企业评价工作。2025年，全区科技型中小企业评价入库4家，全市排名第一。" in text, text
    assert "建立2024-2026年高企培育库，截至2025年12月底在库企业2家，全市排名第一，2025年新入库4家。" in text, text
    assert text.count("在库企业2家") == 1  # the pool is stated once, from its records
    assert "新认定高新技术企业" not in text  # the stage history's count of the same thing is not stated too


def test_precheck_adds_ticked_firms_to_the_pool(world, firm, pool, login):
    from django.contrib.messages import get_messages
    from django.urls import reverse

    c = login(world.staff)
    page = c.get(reverse("pipeline:precheck")).content.decode()
    assert 'data-testid="precheck-pool-form"' in page and f'value="{world.ent_a2.pk}" form="pool-form"' in page
    svc.certificate_add(enterprise=world.ent_a, actor=world.staff, number="GR202445000444", issued_on=_days(20))
    data = {"pool": pool.pk, "on": TODAY.isoformat(), "reason": "预审：符合", "back": "rule=hnte",
            "enterprise": [world.ent_a2.pk, world.ent_a.pk]}
    r = c.post(reverse("pipeline:precheck_pool"), data)
    assert r.status_code == 302 and r["Location"].endswith("/pipeline/precheck/?rule=hnte")
    texts = [str(m) for m in get_messages(r.wsgi_request)]
    assert texts[0] == f"已把 1 家企业加入{pool.name}"
    assert "已是有效期内的高新技术企业" in texts[1] and world.ent_a.name in texts[1]
    assert PoolMember.objects.get(enterprise=world.ent_a2).entry_reason == "预审：符合"
    # a firm of another district is not found; nothing is added
    r = c.post(reverse("pipeline:precheck_pool"), {**data, "enterprise": [world.ent_b.pk]})
    assert r.status_code == 404 and not PoolMember.objects.filter(enterprise=world.ent_b).exists()
    # nothing ticked: a clear message
    r = c.post(reverse("pipeline:precheck_pool"), {**data, "enterprise": []})
    assert "请先在名单中勾选" in str(list(get_messages(r.wsgi_request))[-1])
    assert login(world.city_user).post(reverse("pipeline:precheck_pool"), data).status_code == 403
    assert 'data-testid="precheck-pool-form"' not in login(world.city_user).get(reverse("pipeline:precheck")).content.decode()


def test_a_recorded_certificate_qualifies_for_tech_sme_directly(world, login):
    from django.urls import reverse

    from keguan.pipeline.assess import assess_enterprise
    from keguan.pipeline.selectors import PrecheckFilters, precheck_run
    from keguan.rules.explain import Status

    on = dt.date(2025, 6, 1)  # assessed on the 2024 figures of the fixture
    before = assess_enterprise(world.ent_a, on=on).tech_sme
    svc.certificate_add(enterprise=world.ent_a, actor=world.staff, number="GR202445000616", issued_on=dt.date(2024, 12, 1))
    after = assess_enterprise(world.ent_a, on=on).tech_sme
    assert after.status == Status.PASSED and any("高新技术企业证书" in d for d in after.direct), after.direct
    assert not before.direct
    check = precheck_run(user=world.staff, filters=PrecheckFilters(), on=on)
    row = next(c for c in check.candidates if c.pk == world.ent_a.pk)
    assert row.recorded["hnte_certificate_issued_on"] == dt.date(2024, 12, 1) and row.status == Status.PASSED
    assert login(world.staff).get(reverse("pipeline:self_check_for", args=[world.ent_a.pk])).status_code == 200


def test_records_follow_a_firm_that_moves(world, firm, pool):
    from keguan.enterprises.services import enterprise_update
    from keguan.pipeline.indicators import pool_members, sme_registered
    from keguan.pipeline.models import TechSmeRecord
    from keguan.rules.periods import Period

    svc.sme_record_add(enterprise=firm, actor=world.staff, year=YEAR, number="MOVE0000000001",
                       registered_on=min(dt.date(YEAR, 1, 1), TODAY))
    svc.pool_add(pool=pool, enterprise=firm, actor=world.staff, on=TODAY, reason="预审")
    year = Period.parse(str(YEAR))
    ids = [world.a.pk, world.b.pk]
    assert sme_registered(ids, year) == {world.a.pk: 1} and pool_members(ids, year) == {world.a.pk: 1}
    enterprise_update(enterprise=firm, actor=world.staff, district=world.b, township=None)
    assert TechSmeRecord.objects.get(enterprise=firm).district_id == world.b.pk
    assert sme_registered(ids, year) == {world.b.pk: 1} and pool_members(ids, year) == {world.b.pk: 1}


def test_a_recorded_accident_fails_tech_sme_in_self_check_and_precheck(world, login):
    from django.urls import reverse

    from keguan.pipeline.assess import assess_enterprise
    from keguan.pipeline.selectors import PrecheckFilters, precheck_run
    from keguan.rules.explain import Status

    on = dt.date(2025, 6, 1)
    assert assess_enterprise(world.ent_a2, on=on).tech_sme.status == Status.PASSED
    c = login(world.staff)
    r = c.post(reverse("pipeline:fact_add", args=[world.ent_a2.pk]),
               {"fact-kind": "major_accident", "fact-year": 2024, "fact-note": "安监罚字〔2024〕12号"})
    assert r.status_code == 302 and r["Location"].endswith("#facts")
    r = c.post(reverse("pipeline:fact_add", args=[world.ent_a2.pk]), {"fact-kind": "major_accident", "fact-year": 2024})
    assert "已登记" in r.content.decode() and "is-invalid" in r.content.decode()  # twice: inline error
    assert assess_enterprise(world.ent_a2, on=on).tech_sme.status == Status.FAILED
    assert assess_enterprise(world.ent_a2, on=dt.date(2026, 6, 1)).facts.major_accident is False  # out of window
    check = precheck_run(user=world.staff, filters=PrecheckFilters(), on=on)
    row = next(x for x in check.candidates if x.pk == world.ent_a2.pk)
    assert row.recorded == {"major_accident": True} and row.status == Status.FAILED
    check.explain([row])
    assert "事故" in row.lacks


@pytest.mark.django_db
def test_demo_reload_after_staff_edits_leaves_no_orphans(world):
    from django.db import connection

    from keguan.demo.generator import generate_demo
    from keguan.enterprises.models import Enterprise

    day = dt.date(2026, 11, 1)
    generate_demo(seed=5, enterprises=300, with_users=False, today=day)
    firm = Enterprise.objects.filter(district=world.a).order_by("pk").first()
    pool = svc.pool_create(district=world.a, actor=world.staff, start_year=2029 - 3, end_year=2029)
    svc.fact_add(enterprise=firm, actor=world.staff, kind="national_award", year=2024)
    svc.visit_add(enterprise=firm, actor=world.staff, visited_on=TODAY, topic="ip", tutor="区局", content="走访")
    assert pool.pk
    generate_demo(seed=6, enterprises=200, with_users=False, today=day)
    connection.check_constraints()  # the deferred foreign keys hold: nothing points at a removed firm or pool
    assert not Enterprise.objects.filter(pk=firm.pk).exists()
    assert PoolMember.objects.filter(enterprise__district=world.a).exists()


def test_the_experts_home_lists_the_firms_it_serves_with_their_last_visit(world, login):
    from keguan.enterprises.models import Enterprise, Stage

    firm = Enterprise.objects.get(pk=world.ent_a2.pk)
    assert firm.stage == Stage.SME
    svc.visit_add(enterprise=firm, actor=world.staff, visited_on=dt.date(2025, 3, 2), topic="hnte",
                  tutor="区科技局", content="宣讲高企政策", next_step="准备知识产权材料")
    home = login(world.expert).get("/")
    html = home.content.decode()
    assert 'data-testid="served-panel"' in html and firm.name in html
    assert "2025-03-02" in html and "准备知识产权材料" in html
    assert world.ent_b.name not in html  # another district's firm
    assert 'data-testid="served-panel"' not in login(world.staff).get("/").content.decode()  # bureau staff have lists
