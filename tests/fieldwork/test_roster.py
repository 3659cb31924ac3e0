"""The roster part of 科技特派员: services (validation, overlap edges), selectors' scope (a township liaison
sees only its villages, a commissioner only its own rows), coverage over a period (assignments starting and
ending on either side of it), and the pages (works / outsider 404 / read-only 403)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from keguan.accounts.models import Role
from keguan.accounts.services import user_create
from keguan.core.errors import ServiceError
from keguan.core.versioning import StaleEdit
from keguan.fieldwork.models import Assignment, Commissioner, Kind, Level, TeamMember, VillageInfo
from keguan.fieldwork.selectors import roster as sel
from keguan.fieldwork.services import roster as svc
from keguan.regions.services import villages_create

D = dt.date


def village(town, suffix: str, name: str):
    return villages_create(township=town, villages=[(f"{town.code}{suffix}", name)], source="测试")[0]


def commissioner(district, name="李特派", **kw):
    data = {"level": Level.CITY, "kind": Kind.AGRICULTURE, "start_on": D(2023, 1, 1), **kw}
    return svc.commissioner_create(actor=None, district=district, name=name, **data)


@pytest.fixture
def places(world):
    v1 = village(world.a_town, "201", "石岭村")
    v2 = village(world.a_town2, "202", "那马村")
    vb = village(world.b_town, "201", "乙区村")
    return v1, v2, vb


# --- services -----------------------------------------------------------------------------------------------


def test_commissioner_create_checks_fields_and_account(world):
    with pytest.raises(ServiceError) as e:
        commissioner(world.a, name=" ")
    assert e.value.field == "name"
    with pytest.raises(ServiceError) as e:
        commissioner(world.a, end_on=D(2022, 12, 31))
    assert e.value.field == "end_on" and "不能早于" in e.value.message
    with pytest.raises(ServiceError) as e:
        commissioner(world.a_town)
    assert e.value.field == "district"
    # only an account of role commissioner in the district, not linked elsewhere
    with pytest.raises(ServiceError) as e:
        commissioner(world.a, user=world.staff)
    assert e.value.field == "user"
    other = user_create(actor=None, username="expert_b", password="Kejiju@2024", role=Role.COMMISSIONER,
                        region=world.b, hashed_password=world.staff.password)
    with pytest.raises(ServiceError):
        commissioner(world.a, user=other)
    c = commissioner(world.a, user=world.expert)
    assert c.user == world.expert and c.history.count() == 1
    with pytest.raises(ServiceError):
        commissioner(world.a, name="另一位", user=world.expert)
    assert list(svc.eligible_accounts(world.a)) == []
    assert list(svc.eligible_accounts(world.a, commissioner=c)) == [world.expert]


def test_commissioner_update_is_versioned(world):
    c = commissioner(world.a)
    svc.commissioner_update(actor=world.staff, commissioner=c, version=1, employer="农科院")
    c.refresh_from_db()
    assert (c.employer, c.version) == ("农科院", 2)
    with pytest.raises(StaleEdit) as e:
        svc.commissioner_update(actor=world.staff, commissioner=Commissioner.objects.get(pk=c.pk), version=1,
                                employer="别处")
    assert "派出单位" in e.value.message
    assert c.history.first().history_user == world.staff


def test_assignment_validation(world, places):
    v1, _v2, vb = places
    c = commissioner(world.a)
    with pytest.raises(ServiceError) as e:  # a village of another district
        svc.assignment_create(actor=None, district=world.a, commissioner=c, village=vb, start_on=D(2024, 1, 1))
    assert e.value.field == "village" and "辖区" in e.value.message
    with pytest.raises(ServiceError) as e:  # dates out of order
        svc.assignment_create(actor=None, district=world.a, commissioner=c, village=v1, start_on=D(2024, 5, 1),
                              end_on=D(2024, 4, 30))
    assert e.value.field == "end_on"
    with pytest.raises(ServiceError) as e:  # a firm of another district
        svc.assignment_create(actor=None, district=world.a, commissioner=c, enterprise=world.ent_b,
                              start_on=D(2024, 1, 1))
    assert e.value.field == "enterprise"
    with pytest.raises(ServiceError):  # a commissioner of another district
        svc.assignment_create(actor=None, district=world.b, commissioner=c, village=vb, start_on=D(2024, 1, 1))
    a = svc.assignment_create(actor=None, district=world.a, commissioner=c, village=v1, start_on=D(2024, 1, 1),
                              end_on=D(2024, 6, 30))
    assert a.township == world.a_town
    firm = svc.assignment_create(actor=None, district=world.a, commissioner=c, enterprise=world.ent_a2,
                                 start_on=D(2024, 1, 1))
    assert firm.township == world.ent_a2.township


@pytest.mark.parametrize(("start", "end", "clash"), [
    (D(2024, 6, 30), None, True),  # starts on the last day of the existing one
    (D(2024, 7, 1), None, False),  # starts the day after
    (D(2023, 1, 1), D(2024, 1, 1), True),  # ends on its first day
    (D(2023, 1, 1), D(2023, 12, 31), False),  # ends the day before
    (D(2024, 3, 1), D(2024, 3, 2), True),  # inside
])
def test_no_overlapping_assignment_of_the_same_commissioner_to_the_same_village(world, places, start, end, clash):
    v1, v2, _ = places
    c = commissioner(world.a)
    svc.assignment_create(actor=None, district=world.a, commissioner=c, village=v1, start_on=D(2024, 1, 1),
                          end_on=D(2024, 6, 30))
    svc.assignment_create(actor=None, district=world.a, commissioner=c, village=v2, start_on=start, end_on=end)
    if clash:
        with pytest.raises(ServiceError) as e:
            svc.assignment_create(actor=None, district=world.a, commissioner=c, village=v1, start_on=start, end_on=end)
        assert "重叠" in e.value.message
    else:
        svc.assignment_create(actor=None, district=world.a, commissioner=c, village=v1, start_on=start, end_on=end)
    # another commissioner may serve the same village at the same time
    svc.assignment_create(actor=None, district=world.a, commissioner=commissioner(world.a, "王"), village=v1,
                          start_on=D(2024, 1, 1))


def test_end_of_service_ends_open_assignments(world, places):
    v1, v2, _ = places
    c = commissioner(world.a)
    open_ = svc.assignment_create(actor=None, district=world.a, commissioner=c, village=v1, start_on=D(2024, 1, 1))
    done = svc.assignment_create(actor=None, district=world.a, commissioner=c, village=v2, start_on=D(2024, 1, 1),
                                 end_on=D(2024, 2, 1))
    with pytest.raises(ServiceError):
        svc.commissioner_end(actor=None, commissioner=c, end_on=D(2022, 1, 1))
    svc.commissioner_end(actor=world.staff, commissioner=c, end_on=D(2024, 9, 30))
    open_.refresh_from_db()
    done.refresh_from_db()
    assert open_.end_on == D(2024, 9, 30) and done.end_on == D(2024, 2, 1)
    with pytest.raises(ServiceError) as e:  # no assignment beyond the service period
        svc.assignment_create(actor=None, district=world.a, commissioner=c, village=v2, start_on=D(2024, 3, 1))
    assert "服务期" in e.value.message


def test_team_members_and_one_chief(world):
    t = svc.team_create(actor=None, district=world.a, name="茉莉花专家服务团", start_on=D(2024, 1, 1))
    with pytest.raises(ServiceError):
        svc.team_create(actor=None, district=world.a, name="茉莉花专家服务团", start_on=D(2024, 1, 1))
    c1, c2 = commissioner(world.a, "甲"), commissioner(world.a, "乙")
    m1 = svc.team_member_add(actor=None, team=t, commissioner=c1, is_chief=True)
    m2 = svc.team_member_add(actor=None, team=t, commissioner=c2, is_chief=True)
    m1.refresh_from_db()
    assert not m1.is_chief and m2.is_chief
    svc.team_member_set_chief(actor=None, member=m1)
    assert list(TeamMember.objects.filter(team=t, is_chief=True)) == [m1]
    with pytest.raises(ServiceError):
        svc.team_member_add(actor=None, team=t, commissioner=c1)
    with pytest.raises(ServiceError):
        svc.team_member_add(actor=None, team=t, commissioner=commissioner(world.b, "丙"))
    svc.team_member_remove(actor=None, member=m2)
    assert t.members.count() == 1


def test_village_flags(world, places):
    v1, *_ = places
    info = svc.village_flags_set(actor=world.staff, village=v1, key_industry=True, weak_economy=False,
                                 revitalisation=True, industries="茉莉花")
    assert (info.district, info.township) == (world.a, world.a_town)
    svc.village_flags_set(actor=world.staff, village=v1, key_industry=False, weak_economy=False, revitalisation=True)
    info.refresh_from_db()
    assert not info.key_industry and info.industries == "茉莉花" and info.history.count() == 2
    with pytest.raises(ServiceError):
        svc.village_flags_set(actor=None, village=world.a_town, key_industry=True, weak_economy=False,
                              revitalisation=False)


# --- coverage -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("start", "end", "covered"), [
    (D(2023, 3, 1), D(2024, 1, 1), True),  # ends on the period's first day
    (D(2023, 3, 1), D(2023, 12, 31), False),  # ends the day before it
    (D(2024, 12, 31), None, True),  # starts on its last day
    (D(2025, 1, 1), None, False),  # starts the day after
    (D(2024, 3, 1), D(2024, 3, 31), True),  # inside
    (D(2020, 1, 1), None, True),  # started before, still serving
])
def test_coverage_edges(world, places, start, end, covered):
    v1, v2, _ = places
    c = commissioner(world.a, start_on=D(2020, 1, 1))
    svc.assignment_create(actor=None, district=world.a, commissioner=c, village=v1, start_on=start, end_on=end)
    cov = sel.coverage(user=world.staff, period=sel.Period.year(2024))
    rows = {r.name: r for r in cov.rows}
    assert rows["石岭村"].covered is covered and rows["那马村"].covered is False
    assert (cov.total.total, cov.total.covered) == (2, int(covered))
    # a date range, not a year
    day = sel.coverage(user=world.staff, period=sel.Period(D(2024, 1, 1), D(2024, 1, 1)))
    expected = start <= D(2024, 1, 1) and (end is None or end >= D(2024, 1, 1))
    assert {r.name: r.covered for r in day.rows}["石岭村"] is expected


def test_coverage_by_township_and_flag(world, places):
    v1, v2, _ = places
    v3 = village(world.a_town, "203", "东村")
    svc.village_flags_set(actor=None, village=v1, key_industry=True, weak_economy=True, revitalisation=False)
    svc.village_flags_set(actor=None, village=v3, key_industry=True, weak_economy=False, revitalisation=False)
    t = svc.team_create(actor=None, district=world.a, name="团", start_on=D(2020, 1, 1))
    svc.assignment_create(actor=None, district=world.a, team=t, village=v1, start_on=D(2024, 1, 1))
    cov = sel.coverage(user=world.staff, period=sel.Period.year(2024))
    towns = {g.label: (g.total, g.covered) for g in cov.by_township}
    assert towns == {world.a_town.name: (2, 1), world.a_town2.name: (1, 0)}
    flags = {g.key: (g.total, g.covered) for g in cov.by_flag}
    assert flags == {"key_industry": (2, 1), "weak_economy": (1, 1), "revitalisation": (0, 0)}
    assert [r.serving for r in cov.rows if r.pk == v1.pk] == [["团"]]
    only = sel.coverage(user=world.staff, period=sel.Period.year(2024), flag="key_industry", uncovered=True)
    assert [r.name for r in only.rows] == ["东村"] and only.total.total == 2


def test_township_liaison_sees_only_its_villages(world, places):
    v1, v2, vb = places
    c = commissioner(world.a)
    for v in (v1, v2):
        svc.assignment_create(actor=None, district=world.a, commissioner=c, village=v, start_on=D(2024, 1, 1))
    cov = sel.coverage(user=world.town, period=sel.Period.year(2024))
    assert [r.pk for r in cov.rows] == [v1.pk]
    assert [a.village_id for a in sel.assignment_list(user=world.town)] == [v1.pk]
    assert [t.pk for t in sel.townships(user=world.town)] == [world.a_town.pk]
    # a township filter naming another township shows nothing
    assert sel.coverage(user=world.town, period=sel.Period.year(2024), township=world.a_town2.pk).rows == []
    assert sel.coverage(user=world.outsider, period=sel.Period.year(2024)).rows[0].pk == vb.pk


def test_commissioner_sees_only_its_own(world, places):
    v1, v2, _ = places
    mine = commissioner(world.a, "本人", user=world.expert)
    other = commissioner(world.a, "他人")
    t = svc.team_create(actor=None, district=world.a, name="团", start_on=D(2020, 1, 1))
    svc.team_member_add(actor=None, team=t, commissioner=mine)
    a1 = svc.assignment_create(actor=None, district=world.a, commissioner=mine, village=v1, start_on=D(2024, 1, 1))
    svc.assignment_create(actor=None, district=world.a, commissioner=other, village=v2, start_on=D(2024, 1, 1))
    a3 = svc.assignment_create(actor=None, district=world.a, team=t, enterprise=world.ent_a, start_on=D(2024, 1, 1))
    old = svc.assignment_create(actor=None, district=world.a, commissioner=mine, village=v2, start_on=D(2023, 1, 1),
                                end_on=D(2023, 6, 1))
    current, past = sel.my_assignments(user=world.expert, on=D(2024, 5, 1))
    assert {a.pk for a in current} == {a1.pk, a3.pk} and [a.pk for a in past] == [old.pk]
    assert sel.my_commissioner(user=world.expert) == mine
    assert list(sel.commissioner_list(user=world.expert)) == [mine]
    assert sel.my_commissioner(user=world.staff) is None


# --- pages --------------------------------------------------------------------------------------------------


def test_pages_work_for_staff(world, places, login):
    v1, *_ = places
    c = commissioner(world.a, phone="13712345678")
    a = svc.assignment_create(actor=None, district=world.a, commissioner=c, village=v1, start_on=D(2024, 1, 1))
    t = svc.team_create(actor=None, district=world.a, name="专家团", start_on=D(2024, 1, 1))
    m = svc.team_member_add(actor=None, team=t, commissioner=c, is_chief=True)
    client = login(world.staff)
    for name, kw in (("roster", {}), ("teams", {}), ("coverage", {}), ("assignments", {}), ("firms", {}),
                     ("commissioner", {"pk": c.pk}), ("team", {"pk": t.pk}), ("village", {"pk": v1.pk}),
                     ("commissioner_create", {}), ("commissioner_edit", {"pk": c.pk}), ("team_create", {}),
                     ("team_edit", {"pk": t.pk}), ("assignment_create", {}), ("assignment_edit", {"pk": a.pk})):
        r = client.get(reverse(f"fieldwork:{name}", kwargs=kw))
        assert r.status_code == 200, name
    assert "李特派" in client.get(reverse("fieldwork:roster")).content.decode()
    assert client.get(reverse("fieldwork:coverage") + "?print=1").status_code == 200
    r = client.get(reverse("fieldwork:roster_export"))
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    # create, edit (with its version), end
    r = client.post(reverse("fieldwork:commissioner_create"), {
        "form": "person", "name": "新特派员", "level": "county", "kind": "industry", "start_on": "2024-02-01"})
    new = Commissioner.objects.get(name="新特派员")
    assert r.status_code == 302 and new.district == world.a
    r = client.post(reverse("fieldwork:commissioner_edit", kwargs={"pk": new.pk}), {
        "form": "person", "name": "新特派员", "level": "county", "kind": "industry", "start_on": "2024-02-01",
        "employer": "某厂", "version": 1})
    assert r.status_code == 302
    r = client.post(reverse("fieldwork:commissioner_edit", kwargs={"pk": new.pk}), {
        "form": "person", "name": "新特派员", "level": "county", "kind": "industry", "start_on": "2024-02-01",
        "employer": "另厂", "version": 1})
    assert r.status_code == 200 and "保存失败" in r.content.decode()
    r = client.post(reverse("fieldwork:assignment_create"), {"commissioner": new.pk, "village": v1.pk,
                                                             "start_on": "2024-03-01", "end_on": "2024-02-01"})
    assert r.status_code == 200 and "不能早于" in r.content.decode()
    r = client.post(reverse("fieldwork:assignment_create"), {"commissioner": new.pk, "start_on": "2024-03-01"})
    assert "二选一" in r.content.decode()
    r = client.post(reverse("fieldwork:assignment_create"), {"commissioner": new.pk, "village": v1.pk,
                                                             "start_on": "2024-03-01"})
    assert r.status_code == 302 and Assignment.objects.filter(commissioner=new).count() == 1
    r = client.post(reverse("fieldwork:village_flags", kwargs={"pk": v1.pk}), {"weak_economy": "on"})
    assert r.status_code == 302 and VillageInfo.objects.get(village=v1).weak_economy
    r = client.post(reverse("fieldwork:member_chief", kwargs={"pk": m.pk}))
    assert r.status_code == 302
    r = client.post(reverse("fieldwork:assignment_end", kwargs={"pk": a.pk}), {"end_on": "2024-12-31"})
    a.refresh_from_db()
    assert r.status_code == 302 and a.end_on == D(2024, 12, 31)


def test_outsider_404_and_read_only_403(world, places, login):
    v1, *_ = places
    c = commissioner(world.a)
    a = svc.assignment_create(actor=None, district=world.a, commissioner=c, village=v1, start_on=D(2024, 1, 1))
    t = svc.team_create(actor=None, district=world.a, name="专家团", start_on=D(2024, 1, 1))
    outsider = login(world.outsider)
    for name, pk in (("commissioner", c.pk), ("commissioner_edit", c.pk), ("team", t.pk), ("village", v1.pk),
                     ("assignment_edit", a.pk)):
        assert outsider.get(reverse(f"fieldwork:{name}", kwargs={"pk": pk})).status_code == 404, name
    assert outsider.post(reverse("fieldwork:commissioner_end", kwargs={"pk": c.pk}),
                         {"end_on": "2024-12-31"}).status_code == 404
    assert "李特派" not in outsider.get(reverse("fieldwork:roster")).content.decode()
    city = login(world.city_user)  # reads every district, writes none
    assert city.get(reverse("fieldwork:commissioner", kwargs={"pk": c.pk})).status_code == 200
    assert city.get(reverse("fieldwork:commissioner_edit", kwargs={"pk": c.pk})).status_code == 403
    assert city.post(reverse("fieldwork:village_flags", kwargs={"pk": v1.pk}), {"key_industry": "on"}).status_code == 403
    town = login(world.town)
    assert town.get(reverse("fieldwork:village", kwargs={"pk": v1.pk})).status_code == 200
    assert town.get(reverse("fieldwork:assignment_edit", kwargs={"pk": a.pk})).status_code == 403
    assert not VillageInfo.objects.exists()
    expert = login(world.expert)
    assert expert.get(reverse("fieldwork:roster")).status_code == 403
    assert expert.get(reverse("fieldwork:mine")).status_code == 200
    assert login(world.staff).get(reverse("fieldwork:mine")).status_code == 403


def test_my_page_lists_the_commissioners_villages(world, places, login):
    v1, v2, _ = places
    mine = commissioner(world.a, "本人", user=world.expert)
    other = commissioner(world.a, "他人")
    svc.assignment_create(actor=None, district=world.a, commissioner=mine, village=v1, start_on=D(2024, 1, 1))
    svc.assignment_create(actor=None, district=world.a, commissioner=other, village=v2, start_on=D(2024, 1, 1))
    text = login(world.expert).get(reverse("fieldwork:mine")).content.decode()
    assert "石岭村" in text and "那马村" not in text and "本人" in text
