"""创新平台与人才's services and rules: the recognition flow's legal and illegal moves (refused in words, dated,
未通过 with a reason), 认定 grants the label once (also when the firm already holds it), platform and application
rules, and the 待办 for work permits."""

from __future__ import annotations

import datetime as dt

import pytest

from keguan.core.errors import ServiceError
from keguan.enterprises.models import EnterpriseLabel
from keguan.enterprises.services import label_add
from keguan.resources import services
from keguan.resources.home import reminders
from keguan.resources.models import Platform
from keguan.rules import recognition_flow as flow

TODAY = dt.date(2025, 6, 30)
D = dt.date(2025, 3, 1)


def test_flow_rules_pure():
    assert flow.check_move("applied", "recommended", on=D, last_on=D, today=TODAY) is None
    assert "不能直接认定" in flow.check_move("applied", "granted", on=D, last_on=D, today=TODAY)
    assert "不能直接公示" in flow.check_move("applied", "publicised", on=D, last_on=D, today=TODAY)
    assert "须写明原因" in flow.check_move("publicised", "failed", on=D, last_on=D, today=TODAY, reason=" ")
    assert flow.check_move("publicised", "failed", on=D, last_on=D, today=TODAY, reason="不符合条件") is None
    assert "不能晚于今天" in flow.check_move("applied", "recommended", on=TODAY + dt.timedelta(days=1), last_on=D,
                                             today=TODAY)
    assert "不能早于上一步" in flow.check_move("applied", "recommended", on=D - dt.timedelta(days=1), last_on=D,
                                               today=TODAY)
    assert "不能再变更" in flow.check_move("granted", "failed", on=D, last_on=D, today=TODAY, reason="x")
    assert "不能再变更" in flow.check_move("failed", "recommended", on=D, last_on=D, today=TODAY)
    assert "请填写" in flow.check_move("recommended", "publicised", on=None, last_on=D, today=TODAY)


def _rec(world, **kw):
    data = {"enterprise": world.ent_a, "title": "prov_innovative", "level": "provincial", "year": 2025,
            "applied_on": D}
    data.update(kw)
    return services.recognition_create(actor=world.staff, district=world.a, **data)


def test_recognition_walks_to_granted_and_grants_the_label_once(world):
    r = _rec(world)
    for target, day in (("recommended", D + dt.timedelta(days=5)), ("publicised", D + dt.timedelta(days=30)),
                        ("granted", D + dt.timedelta(days=60))):
        r = services.recognition_move(actor=world.staff, recognition=r, target=target, on=day, today=TODAY)
    assert r.status == "granted" and r.decided_on == D + dt.timedelta(days=60)
    labels = EnterpriseLabel.objects.filter(enterprise=world.ent_a, kind="prov_innovative")
    assert [(lb.level, lb.year) for lb in labels] == [("provincial", 2025)]
    assert labels.get().history.first().history_user == world.staff
    with pytest.raises(ServiceError, match="不能再变更"):
        services.recognition_move(actor=world.staff, recognition=r, target="granted", on=TODAY, today=TODAY)
    assert labels.count() == 1
    assert r.history.count() == 4  # created, and one history row per step


def test_granting_a_label_the_firm_already_holds_adds_none(world):
    label_add(enterprise=world.ent_a2, actor=None, kind="srdi", level="provincial", year=2025)
    r = _rec(world, enterprise=world.ent_a2, title="srdi")
    for target in ("recommended", "publicised", "granted"):
        r = services.recognition_move(actor=world.staff, recognition=r, target=target, on=D, today=TODAY)
    assert r.status == "granted"
    assert EnterpriseLabel.objects.filter(enterprise=world.ent_a2, kind="srdi").count() == 1


def test_illegal_moves_write_nothing(world):
    r = _rec(world)
    with pytest.raises(ServiceError, match="不能直接认定"):
        services.recognition_move(actor=world.staff, recognition=r, target="granted", on=D, today=TODAY)
    with pytest.raises(ServiceError, match="须写明原因") as exc:
        services.recognition_move(actor=world.staff, recognition=r, target="failed", on=D, today=TODAY)
    assert exc.value.field == "reason"
    r.refresh_from_db()
    assert r.status == "applied" and r.decided_on is None
    assert not EnterpriseLabel.objects.filter(enterprise=world.ent_a).exists()
    r = services.recognition_move(actor=world.staff, recognition=r, target="failed", on=D, reason="研发投入不足",
                                  today=TODAY)
    assert (r.status, r.failed_reason) == ("failed", "研发投入不足")
    assert not EnterpriseLabel.objects.filter(enterprise=world.ent_a).exists()


def test_recognition_rules(world):
    with pytest.raises(ServiceError, match="规上企业"):
        _rec(world, title="above_size")
    with pytest.raises(ServiceError, match="不是青秀区的企业"):
        _rec(world, enterprise=world.ent_b)
    _rec(world)
    with pytest.raises(ServiceError, match="已登记同一称号"):
        _rec(world)


def test_a_stale_move_is_refused(world):
    r = _rec(world)
    stale = r.version
    services.recognition_move(actor=world.staff, recognition=r, target="recommended", on=D, today=TODAY)
    with pytest.raises(ServiceError, match="保存失败"):
        services.recognition_move(actor=world.leader, recognition=r, target="publicised", on=D, today=TODAY,
                                  version=stale)


def test_application_approval_creates_then_keeps_one_platform(world):
    a = services.application_create(actor=world.staff, district=world.a, kind="erc", level="province",
                                    name="新中心", host="某公司", enterprise=world.ent_a, applied_on=D)
    a = services.application_decide(actor=world.staff, application=a, outcome="approved", on=D + dt.timedelta(days=3),
                                    approval_doc="桂科〔2025〕1号")
    p = a.platform
    assert (p.name, p.level, p.approved_year, p.approval_doc, p.enterprise) == ("新中心", "province", 2025,
                                                                                 "桂科〔2025〕1号", world.ent_a)
    a = services.application_decide(actor=world.staff, application=a, outcome="approved", on=D + dt.timedelta(days=4))
    assert Platform.objects.count() == 1 and a.platform == p
    with pytest.raises(ServiceError, match="不能早于申报日期"):
        services.application_decide(actor=world.staff, application=a, outcome="rejected", on=D - dt.timedelta(days=1))


def test_application_links_an_existing_platform_of_its_district_only(world):
    mine = services.platform_create(actor=None, district=world.a, kind="erc", level="city", name="旧中心", host="x",
                                    approved_year=2020)
    other = services.platform_create(actor=None, district=world.b, kind="erc", level="city", name="邻区中心", host="x",
                                     approved_year=2020)
    a = services.application_create(actor=None, district=world.a, kind="erc", level="province", name="升级",
                                    host="x", applied_on=D)
    with pytest.raises(ServiceError, match="本区县"):
        services.application_decide(actor=None, application=a, outcome="approved", on=D, platform=other)
    a = services.application_decide(actor=None, application=a, outcome="approved", on=D, platform=mine)
    assert a.platform == mine and Platform.objects.count() == 2


def test_platform_rules(world):
    with pytest.raises(ServiceError, match="平台类型"):
        services.platform_create(actor=None, district=world.a, kind="nope", level="city", name="x", host="x",
                                 approved_year=2020)
    p = services.platform_create(actor=None, district=world.a, kind="erc", level="city", name="x", host="x",
                                 approved_year=2020)
    with pytest.raises(ServiceError, match="不能早于"):
        services.platform_revoke(actor=None, platform=p, year=2019)
    services.evaluation_set(actor=None, platform=p, year=2022, grade="good")
    _row, created = services.evaluation_set(actor=None, platform=p, year=2022, grade="fail")
    assert not created and p.evaluations.get().grade == "fail"
    services.platform_revoke(actor=None, platform=p, year=2023)
    with pytest.raises(ServiceError, match="已撤销"):
        services.platform_revoke(actor=None, platform=p, year=2024)


def test_permit_reminder_counts_experts_in_service_only(world):
    today = dt.date.today()
    services.expert_create(actor=None, district=world.a, name="A", nationality="德国", host="x",
                           start_on=today - dt.timedelta(days=100), permit_no="1",
                           permit_expires=today - dt.timedelta(days=1))
    services.expert_create(actor=None, district=world.a, name="B", nationality="德国", host="x",
                           start_on=today - dt.timedelta(days=100), permit_no="2",
                           permit_expires=today + dt.timedelta(days=59))
    services.expert_create(actor=None, district=world.a, name="C (left)", nationality="德国", host="x",
                           start_on=today - dt.timedelta(days=100), end_on=today - dt.timedelta(days=10),
                           permit_no="3", permit_expires=today - dt.timedelta(days=5))
    services.expert_create(actor=None, district=world.a, name="D (far)", nationality="德国", host="x",
                           start_on=today - dt.timedelta(days=100), permit_no="4",
                           permit_expires=today + dt.timedelta(days=61))
    (rem,) = reminders(world.staff, today)
    assert rem.count == 2 and rem.due == today - dt.timedelta(days=1) and rem.overdue
    assert reminders(world.outsider, today) == [] and reminders(world.ent_user, today) == []
