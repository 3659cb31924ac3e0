"""创新平台与人才's pages: each works for the district's staff, answers 404 to a sibling district's staff, 403 on
writes to the city's (read-only) staff; forms refuse bad input beside the field; the recognition flow from the
page; the firm's page shows its section."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from keguan.enterprises.models import EnterpriseLabel
from keguan.resources import services
from keguan.resources.models import Agreement, Platform, PlatformApplication, Recognition

TODAY = dt.date.today()
YEAR = TODAY.year


@pytest.fixture
def records(world):
    a = world.a
    p = services.platform_create(actor=None, district=a, kind="erc", level="province", name="青秀工程中心",
                                 host="青秀测试科技有限公司", enterprise=world.ent_a, approved_year=YEAR - 2)
    app = services.application_create(actor=None, district=a, kind="key_lab", level="city", name="青秀重点实验室",
                                      host="某大学", applied_on=TODAY)
    t = services.talent_create(actor=None, district=a, name="张青秀", program="特支计划", year=YEAR - 1,
                               level="province", host="青秀测试科技有限公司", enterprise=world.ent_a)
    e = services.expert_create(actor=None, district=a, name="John Smith", nationality="英国", host="青秀测试科技有限公司",
                               start_on=TODAY - dt.timedelta(days=300), permit_no="X123",
                               permit_expires=TODAY + dt.timedelta(days=20))
    ag = services.agreement_create(actor=None, district=a, local_party="青秀测试科技有限公司", partner="广西大学",
                                   signed_on=TODAY, amount=Decimal("500000"))
    r = services.recognition_create(actor=None, district=a, enterprise=world.ent_a, title="srdi", level="provincial",
                                    year=YEAR, applied_on=TODAY - dt.timedelta(days=10))
    return {"platform": p, "application": app, "talent": t, "expert": e, "agreement": ag, "recognition": r}


PAGES = [
    ("resources:platforms", None), ("resources:platform", "platform"), ("resources:applications", None),
    ("resources:application", "application"), ("resources:talent", None), ("resources:talent_detail", "talent"),
    ("resources:experts", None), ("resources:expert", "expert"), ("resources:agreements", None),
    ("resources:agreement", "agreement"), ("resources:recognitions", None), ("resources:recognition", "recognition"),
    ("resources:platforms_export", None), ("resources:recognitions_export", None),
]


@pytest.mark.parametrize("name,key", PAGES)
def test_pages_work_for_staff_and_city(world, records, login, name, key):
    args = [records[key].pk] if key else []
    for user in (world.staff, world.city_user):
        c = login(user)
        r = c.get(reverse(name, args=args))
        assert r.status_code == 200, (name, user)


@pytest.mark.parametrize("name,key", [p for p in PAGES if p[1]])
def test_outsider_gets_404(world, records, login, name, key):
    c = login(world.outsider)
    assert c.get(reverse(name, args=[records[key].pk])).status_code == 404


def test_outsider_lists_do_not_show_a_records(world, records, login):
    c = login(world.outsider)
    assert "青秀工程中心" not in c.get(reverse("resources:platforms")).content.decode()
    assert "John Smith" not in c.get(reverse("resources:experts")).content.decode()


@pytest.mark.parametrize("name,key", [("resources:platform_edit", "platform"), ("resources:talent_edit", "talent"),
                                      ("resources:recognition_edit", "recognition")])
def test_city_is_read_only(world, records, login, name, key):
    c = login(world.city_user)
    assert c.get(reverse(name, args=[records[key].pk])).status_code == 403
    assert c.get(reverse("resources:platform_create")).status_code == 403


def test_enterprise_user_and_town_are_refused(world, records, login):
    for user in (world.ent_user, world.town):
        assert login(user).get(reverse("resources:platforms")).status_code == 403


def test_create_platform_with_inline_errors(world, login):
    c = login(world.staff)
    r = c.post(reverse("resources:platform_create"), {"kind": "", "level": "province", "name": "", "host": "x",
                                                      "approved_year": YEAR, "status": "running"})
    assert r.status_code == 200
    assert "这个字段是必填项" in r.content.decode() or "必填" in r.content.decode()
    r = c.post(reverse("resources:platform_create"), {"kind": "erc", "level": "province", "name": "新中心", "host": "x",
                                                      "approved_year": YEAR, "status": "running",
                                                      "firm": world.ent_b.credit_code})
    assert "企业库中没有该企业" in r.content.decode()  # a sibling district's firm is not found
    r = c.post(reverse("resources:platform_create"), {"kind": "erc", "level": "province", "name": "新中心", "host": "x",
                                                      "approved_year": YEAR, "status": "running",
                                                      "firm": world.ent_a.credit_code})
    p = Platform.objects.get(name="新中心")
    assert r.status_code == 302 and p.enterprise == world.ent_a and p.district == world.a


def test_stale_edit_is_refused(world, records, login):
    c = login(world.staff)
    p = records["platform"]
    data = {"kind": "erc", "level": "province", "name": "改名一", "host": "x", "approved_year": YEAR - 2,
            "status": "running", "version": p.version}
    assert c.post(reverse("resources:platform_edit", args=[p.pk]), data).status_code == 302
    r = c.post(reverse("resources:platform_edit", args=[p.pk]), {**data, "name": "改名二"})
    assert r.status_code == 200 and "保存失败" in r.content.decode()
    p.refresh_from_db()
    assert p.name == "改名一"


def test_revoke_and_evaluate(world, records, login):
    c = login(world.staff)
    p = records["platform"]
    c.post(reverse("resources:platform_evaluate", args=[p.pk]), {"year": YEAR - 1, "grade": "excellent"})
    c.post(reverse("resources:platform_revoke", args=[p.pk]), {"year": YEAR, "version": p.version})
    p.refresh_from_db()
    assert p.status == "revoked" and p.revoked_year == YEAR
    assert p.evaluations.get().grade == "excellent"
    page = c.get(reverse("resources:platform", args=[p.pk])).content.decode()
    assert "优秀" in page and "撤销" in page


def test_approved_application_creates_platform(world, records, login):
    c = login(world.staff)
    a = records["application"]
    c.post(reverse("resources:application_decide", args=[a.pk]),
           {"outcome": "approved", "decided_on": TODAY.isoformat(), "version": a.version})
    a.refresh_from_db()
    assert a.platform is not None and a.platform.name == "青秀重点实验室" and a.platform.approved_year == YEAR


def test_recognition_moves_from_the_page_and_grants_label(world, records, login):
    c = login(world.staff)
    r = records["recognition"]
    url = reverse("resources:recognition_move", args=[r.pk])
    # an illegal move is refused in words
    resp = c.post(url, {"target": "granted", "on": TODAY.isoformat()}, follow=True)
    assert "不能直接认定" in resp.content.decode()
    for target in ("recommended", "publicised", "granted"):
        r.refresh_from_db()
        c.post(url, {"target": target, "on": TODAY.isoformat(), "version": r.version})
    r.refresh_from_db()
    assert r.status == "granted"
    assert EnterpriseLabel.objects.filter(enterprise=world.ent_a, kind="srdi", level="provincial").count() == 1
    page = c.get(reverse("enterprises:detail", args=[world.ent_a.pk])).content.decode()
    assert "省级专精特新" in page and "创新平台与人才" in page


def test_counts_line_on_the_list(world, records, login):
    c = login(world.staff)
    page = c.get(reverse("resources:recognitions") + f"?year={YEAR}").content.decode()
    assert "申报1家，推荐0家，公示0家，认定0家" in page


def test_permit_reminder(world, records, login):
    from keguan.resources.home import reminders

    rem = reminders(world.staff, TODAY)
    assert rem and rem[0].count == 1 and "?permit=due" in rem[0].url
    assert reminders(world.outsider, TODAY) == []
    page = login(world.staff).get(reverse("resources:experts") + "?permit=due").content.decode()
    assert "John Smith" in page and "20天后到期" in page


def test_agreement_projects(world, records, login):
    c = login(world.staff)
    ag = records["agreement"]
    c.post(reverse("resources:project_add", args=[ag.pk]), {"title": "联合攻关", "starts_on": TODAY.isoformat(),
                                                            "amount_wan": "12.5", "status": "active"})
    p = ag.projects.get()
    assert p.amount == Decimal("125000.00")
    login(world.outsider)
    assert c.post(reverse("resources:project_remove", args=[p.pk])).status_code == 404
    assert Agreement.objects.get(pk=ag.pk).projects.count() == 1


def test_export_selected(world, records, login):
    c = login(world.staff)
    other = services.recognition_create(actor=None, district=world.a, enterprise=world.ent_a2, title="gazelle",
                                        level="none", year=YEAR, applied_on=TODAY)
    r = c.get(reverse("resources:recognitions_export") + f"?ids={other.pk}")
    assert r.status_code == 200
    import io

    from openpyxl import load_workbook
    ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
    names = [row[0] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert names == [world.ent_a2.name]
    assert Recognition.objects.count() == 2 and PlatformApplication.objects.count() == 1
