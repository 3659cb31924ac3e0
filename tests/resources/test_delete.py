"""Deleting 创新平台与人才 records: each kind has a confirm page that says what goes with it, deletes on POST only
(with its dependent rows, the history keeping who removed what), is refused in words where a deletion would leave
something wrong behind, answers 404 to another district's staff and 403 to read-only staff."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from keguan.core.errors import ServiceError
from keguan.enterprises.models import EnterpriseLabel
from keguan.enterprises.services import label_remove
from keguan.resources import services
from keguan.resources.models import (
    Agreement,
    ForeignExpert,
    JointProject,
    Platform,
    PlatformApplication,
    PlatformEvaluation,
    Recognition,
    Talent,
)

TODAY = dt.date.today()
YEAR = TODAY.year


@pytest.fixture
def records(world):
    a = world.a
    p = services.platform_create(
        actor=None,
        district=a,
        kind="erc",
        level="province",
        name="青秀工程中心",
        host="青秀测试科技有限公司",
        enterprise=world.ent_a,
        approved_year=YEAR - 3,
    )
    services.evaluation_set(actor=None, platform=p, year=YEAR - 2, grade="good")
    services.evaluation_set(actor=None, platform=p, year=YEAR - 1, grade="excellent")
    app = services.application_create(
        actor=None,
        district=a,
        kind="key_lab",
        level="city",
        name="青秀重点实验室",
        host="某大学",
        applied_on=TODAY,
    )
    t = services.talent_create(
        actor=None,
        district=a,
        name="张青秀",
        program="特支计划",
        year=YEAR - 1,
        level="province",
        host="青秀测试科技有限公司",
    )
    e = services.expert_create(
        actor=None,
        district=a,
        name="John Smith",
        nationality="英国",
        host="某公司",
        start_on=TODAY - dt.timedelta(days=30),
    )
    ag = services.agreement_create(
        actor=None,
        district=a,
        local_party="青秀测试科技有限公司",
        partner="广西大学",
        signed_on=TODAY,
        amount=Decimal("500000"),
    )
    services.joint_project_add(actor=None, agreement=ag, title="联合攻关一", starts_on=TODAY)
    services.joint_project_add(actor=None, agreement=ag, title="联合攻关二", starts_on=TODAY)
    r = services.recognition_create(
        actor=None,
        district=a,
        enterprise=world.ent_a,
        title="srdi",
        level="provincial",
        year=YEAR,
        applied_on=TODAY - dt.timedelta(days=10),
    )
    return {"platform": p, "application": app, "talent": t, "expert": e, "agreement": ag, "recognition": r}


KINDS = [  # (record key, URL name, model, list URL name, what the page deletes, a line the page shows)
    (
        "platform",
        "resources:platform_delete",
        Platform,
        "resources:platforms",
        "删除创新平台",
        "2 条年度考核一并删除",
    ),
    (
        "application",
        "resources:application_delete",
        PlatformApplication,
        "resources:applications",
        "删除平台申报",
        "青秀重点实验室",
    ),
    ("talent", "resources:talent_delete", Talent, "resources:talent", "删除人才与团队记录", "张青秀"),
    (
        "expert",
        "resources:expert_delete",
        ForeignExpert,
        "resources:experts",
        "删除外国专家记录",
        "John Smith",
    ),
    (
        "agreement",
        "resources:agreement_delete",
        Agreement,
        "resources:agreements",
        "删除产学研合作协议",
        "2 个合作项目一并删除",
    ),
    (
        "recognition",
        "resources:recognition_delete",
        Recognition,
        "resources:recognitions",
        "删除称号申报",
        f"{YEAR}年省级专精特新",
    ),
]


@pytest.mark.parametrize("key,name,model,list_name,heading,line", KINDS)
def test_each_record_is_deleted_after_a_confirm_page(
    world, records, login, key, name, model, list_name, heading, line
):
    obj = records[key]
    c = login(world.staff)
    detail = c.get(obj_url(key, obj)).content.decode()
    assert reverse(name, args=[obj.pk]) in detail  # the record's page offers 删除
    page = c.get(reverse(name, args=[obj.pk]))
    text = page.content.decode()
    assert (
        page.status_code == 200
        and heading in text
        and line in text
        and 'data-testid="confirm-delete"' in text
    )
    assert model.objects.filter(pk=obj.pk).exists()  # GET deletes nothing
    r = c.post(reverse(name, args=[obj.pk]))
    assert r.status_code == 302 and r.url == reverse(list_name)
    assert not model.objects.filter(pk=obj.pk).exists()
    gone = model.history.filter(id=obj.pk).latest("history_date")
    assert gone.history_type == "-" and gone.history_user == world.staff
    assert gone.history_change_reason == heading


def obj_url(key: str, obj) -> str:
    name = {"talent": "resources:talent_detail"}.get(key, f"resources:{key}")
    return reverse(name, args=[obj.pk])


def test_dependent_rows_go_with_the_record_and_keep_their_history(world, records, login):
    c = login(world.staff)
    p, ag = records["platform"], records["agreement"]
    c.post(reverse("resources:platform_delete", args=[p.pk]))
    c.post(reverse("resources:agreement_delete", args=[ag.pk]))
    assert not PlatformEvaluation.objects.filter(platform_id=p.pk).exists()
    assert not JointProject.objects.filter(agreement_id=ag.pk).exists()
    rows = JointProject.history.filter(agreement_id=ag.pk, history_type="-")
    assert rows.count() == 2 and {h.history_change_reason for h in rows} == {"删除产学研合作协议"}
    assert {h.history_user for h in rows} == {world.staff}


@pytest.mark.parametrize("key,name", [(k, n) for k, n, *_ in KINDS])
def test_other_district_gets_404_and_city_403(world, records, login, key, name):
    obj = records[key]
    c = login(world.outsider)
    assert c.get(reverse(name, args=[obj.pk])).status_code == 404
    assert c.post(reverse(name, args=[obj.pk])).status_code == 404
    c = login(world.city_user)  # the city reads 创新平台与人才 but does not keep its records
    assert c.post(reverse(name, args=[obj.pk])).status_code == 403
    for user in (world.town, world.ent_user):
        assert login(user).post(reverse(name, args=[obj.pk])).status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_a_platform_built_from_an_approved_application_is_refused(world, records, login):
    app = services.application_decide(
        actor=None, application=records["application"], outcome="approved", on=TODAY
    )
    built = app.platform
    c = login(world.staff)
    url = reverse("resources:platform_delete", args=[built.pk])
    page = c.get(url).content.decode()
    assert "由平台申报“青秀重点实验室”获批建成" in page and "改回“评审中”" in page
    assert 'data-testid="confirm-delete"' not in page
    r = c.post(url)
    assert r.status_code == 200 and "不能直接删除" in r.content.decode()
    assert Platform.objects.filter(pk=built.pk).exists()
    with pytest.raises(ServiceError):
        services.record_delete(actor=world.staff, obj=built)
    # taken back to 评审中, the application lets go of the platform, which may then be deleted
    app.refresh_from_db()
    services.application_decide(actor=None, application=app, outcome="pending", on=None)
    assert c.post(url).status_code == 302 and not Platform.objects.filter(pk=built.pk).exists()


def test_deleting_an_approved_application_keeps_its_platform(world, records, login):
    app = services.application_decide(
        actor=None, application=records["application"], outcome="approved", on=TODAY
    )
    c = login(world.staff)
    url = reverse("resources:application_delete", args=[app.pk])
    assert f"由此申报建成的平台“{app.platform.name}”保留" in c.get(url).content.decode()
    assert c.post(url).status_code == 302
    assert Platform.objects.filter(pk=app.platform_id).exists()


def _grant(r: Recognition) -> Recognition:
    for target in ("recommended", "publicised", "granted"):
        r = services.recognition_move(actor=None, recognition=r, target=target, on=TODAY)
    return r


def test_a_granted_recognition_is_refused_while_the_label_stands(world, records, login):
    r = _grant(records["recognition"])
    label = EnterpriseLabel.objects.get(enterprise=world.ent_a, kind="srdi", level="provincial", year=YEAR)
    c = login(world.staff)
    url = reverse("resources:recognition_delete", args=[r.pk])
    page = c.get(url).content.decode()
    assert "该申报已认定" in page and f"“{label}”称号" in page and "先在企业页面的“称号”中删除该称号" in page
    assert c.post(url).status_code == 200 and Recognition.objects.filter(pk=r.pk).exists()
    assert EnterpriseLabel.objects.filter(pk=label.pk).exists()  # the label is never removed with it
    label_remove(label=label, actor=world.staff)
    assert c.post(url).status_code == 302 and not Recognition.objects.filter(pk=r.pk).exists()


def test_failed_and_pending_recognitions_are_deleted_and_free_the_firm(world, records, login):
    r = services.recognition_move(
        actor=None, recognition=records["recognition"], target="failed", on=TODAY, reason="材料不全"
    )
    c = login(world.staff)
    assert c.post(reverse("resources:recognition_delete", args=[r.pk])).status_code == 302
    assert not world.ent_a.recognitions.exists()


def test_refusal_is_checked_again_when_deleting(world, records):
    """The service reads the record again under its lock: a recognition granted after the page was opened."""
    r = records["recognition"]
    stale = Recognition.objects.get(pk=r.pk)
    _grant(r)
    with pytest.raises(ServiceError, match="该申报已认定"):
        services.record_delete(actor=world.staff, obj=stale)
    assert Recognition.objects.filter(pk=r.pk).exists()
