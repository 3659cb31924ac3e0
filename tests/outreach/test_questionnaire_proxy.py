"""调查问卷 filled in by staff for a firm (代填): the firm is found by name or credit code in the round's district
and the user's scope, the same form and checks as the firm's, the response recorded as 工作人员代填 with who
entered it, needs reaching the ledger once exactly as the firm's own answers do; a firm that has answered is said
so and its response opened for correction (keeping its source), with the edit-conflict check."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from keguan.core.errors import ServiceError
from keguan.outreach.models import Need, NeedSource, Response, ResponseSource
from keguan.outreach.services import ledger as svc

TODAY = timezone.localdate()


@pytest.fixture(name="survey")
def survey_fixture(world):
    """An open round of district A: two required questions and one whose answers are needs (人才)."""
    q = svc.questionnaire_create(
        actor=world.staff,
        district=world.a,
        title="企业需求调查",
        intro="请如实填写",
        opens_on=TODAY,
        closes_on=TODAY + dt.timedelta(days=30),
    )
    world.q_staff = svc.question_add(
        questionnaire=q, actor=world.staff, text="研发人员数量", kind="number", required=True
    )
    world.q_help = svc.question_add(
        questionnaire=q,
        actor=world.staff,
        text="需要哪些支持",
        kind="multi",
        options="人才引进\n技术攻关\n融资",
        required=True,
    )
    world.q_talent = svc.question_add(
        questionnaire=q, actor=world.staff, text="人才方面的需求", kind="text", need_category="talent"
    )
    svc.questionnaire_open(questionnaire=q, actor=world.staff)
    q.refresh_from_db()
    return q


def pick_url(q):
    return reverse("outreach:questionnaire_proxy", args=[q.pk])


def fill_url(q, firm):
    return reverse("outreach:questionnaire_proxy_fill", args=[q.pk, firm.pk])


def answers(world, talent="引进软件工程师2名", staff="12", **extra):
    return {
        f"q{world.q_staff.pk}": staff,
        f"q{world.q_help.pk}": ["融资"],
        f"q{world.q_talent.pk}": talent,
        "action": "submit",
        **extra,
    }


def test_staff_find_a_firm_of_the_district_and_fill_in_for_it(world, survey, login, client):
    login(world.staff)
    page = client.get(reverse("outreach:questionnaire", args=[survey.pk])).content.decode()
    assert pick_url(survey) in page and "代企业填写" in page
    found = client.get(pick_url(survey), {"q": world.ent_a.name[:3]})
    assert [f for f, _ in found.context["rows"]] and all(
        f.district_id == world.a.pk for f, _ in found.context["rows"]
    )
    by_code = client.get(pick_url(survey), {"q": world.ent_a.credit_code}).context["rows"]
    assert [(f, r) for f, r in by_code] == [(world.ent_a, None)]
    assert (
        client.get(pick_url(survey), {"q": world.ent_b.credit_code}).context["rows"] == []
    )  # another district's
    # the same form and checks as the firm's: required questions beside them, nothing saved
    r = client.post(
        fill_url(survey, world.ent_a), {f"q{world.q_talent.pk}": "引进", "action": "submit", "version": ""}
    )
    assert r.status_code == 200 and r.content.decode().count("此题为必答题，请作答") == 2
    assert not Response.objects.exists() and not Need.objects.exists()
    r = client.post(fill_url(survey, world.ent_a), answers(world, version=""))
    response = Response.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("outreach:response", args=[response.pk])
    assert (response.enterprise, response.source, response.submitted_by) == (
        world.ent_a,
        ResponseSource.STAFF,
        world.staff,
    )
    assert response.submitted_at is not None
    assert response.history.first().history_change_reason == "工作人员代填问卷"
    # the need reaches the ledger as the firm's own answer would, once
    need = Need.objects.get()
    assert (need.source, need.response, need.question, need.category) == (
        NeedSource.QUESTIONNAIRE,
        response,
        world.q_talent,
        "talent",
    )
    assert need.description == "人才方面的需求：引进软件工程师2名"
    detail = client.get(reverse("outreach:response", args=[response.pk])).content.decode()
    assert f"由{world.staff.display_name}代填" in detail
    listed = client.get(reverse("outreach:questionnaire_responses", args=[survey.pk])).content.decode()
    assert f"由{world.staff.display_name}代填" in listed
    # the firm sees it was filled in for it
    client.logout()
    login(world.ent_user)
    mine = client.get(reverse("outreach:my_questionnaire", args=[world.ent_a.pk, survey.pk])).content.decode()
    assert "由区科技局" in mine and "代填" in mine


def test_a_firm_that_answered_is_said_so_and_its_response_is_corrected_not_duplicated(
    world, survey, login, client
):
    svc.response_save(
        questionnaire=survey,
        enterprise=world.ent_a,
        actor=world.ent_user,
        submit=True,
        values={world.q_staff.pk: "12", world.q_help.pk: ["融资"], world.q_talent.pk: "引进硕士"},
    )
    response = Response.objects.get()
    login(world.staff)
    rows = client.get(pick_url(survey), {"q": world.ent_a.credit_code}).context["rows"]
    assert rows == [(world.ent_a, response)]
    page = client.get(pick_url(survey), {"q": world.ent_a.credit_code}).content.decode()
    assert "不能重复填写，可查看或修改该答卷" in page and "修改答卷" in page and "企业在线填写" in page
    form = client.get(fill_url(survey, world.ent_a))
    text = form.content.decode()
    assert (
        "不能重复填写" in text and "引进硕士" in text and f'name="version" value="{response.version}"' in text
    )
    r = client.post(
        fill_url(survey, world.ent_a), answers(world, talent="引进博士1名", version=response.version)
    )
    assert r.status_code == 302
    response.refresh_from_db()
    # still the firm's response: its source, submitter and time kept; the change is in the history
    assert (response.source, response.submitted_by) == (ResponseSource.ONLINE, world.ent_user)
    assert response.history.first().history_change_reason == "工作人员修改答卷"
    assert response.history.first().history_user == world.staff
    assert Response.objects.count() == 1
    need = Need.objects.get()  # still one need; a new one takes the corrected answer
    assert need.description == "人才方面的需求：引进博士1名"
    detail = client.get(reverse("outreach:response", args=[response.pk])).content.decode()
    assert "企业在线填写" in detail and f"最后由{world.staff.display_name}于" in detail


def test_a_stale_form_is_refused_and_the_typed_answers_kept(world, survey, login, client):
    login(world.staff)
    form = client.get(fill_url(survey, world.ent_a))  # no response yet
    assert 'name="version" value=""' in form.content.decode()
    # the firm submits meanwhile
    svc.response_save(
        questionnaire=survey,
        enterprise=world.ent_a,
        actor=world.ent_user,
        submit=True,
        values={world.q_staff.pk: "12", world.q_help.pk: ["融资"], world.q_talent.pk: "引进硕士"},
    )
    r = client.post(fill_url(survey, world.ent_a), answers(world, talent="员工培训", version=""))
    assert r.status_code == 200 and "已于" in r.context["error"] and "提交了答卷" in r.context["error"]
    assert Need.objects.get().description == "人才方面的需求：引进硕士"  # nothing overwritten
    response = Response.objects.get()
    # an old version: the house's conflict message, the typed answer stays, saving again wins
    Response.objects.filter(pk=response.pk).update(version=response.version + 1)
    r = client.post(
        fill_url(survey, world.ent_a), answers(world, talent="员工培训", version=response.version)
    )
    assert r.status_code == 200 and "保存失败：您打开此页面后" in r.context["error"]
    assert "员工培训" in r.content.decode() and r.context["version"] == response.version + 1
    r = client.post(
        fill_url(survey, world.ent_a), answers(world, talent="员工培训", version=response.version + 1)
    )
    assert r.status_code == 302 and Need.objects.get().description == "人才方面的需求：员工培训"


def test_who_may_fill_in_and_for_which_firms(world, survey, login, client):
    for user in (world.city_user, world.town, world.ent_user, world.expert):
        login(user)
        assert client.get(pick_url(survey)).status_code == 403, user
        assert client.post(fill_url(survey, world.ent_a), answers(world)).status_code == 403, user
        client.logout()
    login(world.outsider)
    assert client.get(pick_url(survey)).status_code == 404
    assert client.get(fill_url(survey, world.ent_a)).status_code == 404
    client.logout()
    login(world.staff)
    assert client.get(fill_url(survey, world.ent_b)).status_code == 404  # a firm of another district
    assert not Response.objects.exists()
    # a draft round: not yet
    q = svc.questionnaire_create(
        actor=world.staff,
        district=world.a,
        title="草稿问卷",
        opens_on=TODAY,
        closes_on=TODAY + dt.timedelta(days=3),
    )
    r = client.post(fill_url(q, world.ent_a), {"action": "submit", "version": ""}, follow=True)
    assert "问卷尚未发布，不能代填" in r.content.decode()
    # a closed round may still be filled in by staff (a late paper form), not by the firm online
    svc.questionnaire_close(questionnaire=survey, actor=world.staff)
    survey.refresh_from_db()
    assert client.post(fill_url(survey, world.ent_a), answers(world, version="")).status_code == 302
    with pytest.raises(ServiceError, match="不在填报期内"):
        svc.response_save(
            questionnaire=survey,
            enterprise=world.ent_a2,
            actor=world.ent_user,
            submit=True,
            values={world.q_staff.pk: "1", world.q_help.pk: ["融资"]},
        )
