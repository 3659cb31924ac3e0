"""Questions of a draft round reordered with 上移/下移: swapped with the neighbour, refused at the ends, after
publishing, and when the page was opened before someone else changed the round (the round's version)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from keguan.core.errors import ServiceError
from keguan.outreach.models import Question
from keguan.outreach.services import ledger as svc

TODAY = timezone.localdate()


@pytest.fixture(name="draft")
def draft_fixture(world):
    q = svc.questionnaire_create(
        actor=world.staff,
        district=world.a,
        title="排序问卷",
        opens_on=TODAY,
        closes_on=TODAY + dt.timedelta(days=9),
    )
    for text in ("甲", "乙", "丙"):
        svc.question_add(questionnaire=q, actor=world.staff, text=text, kind="text")
    q.refresh_from_db()
    return q


def texts(q):
    return list(Question.objects.filter(questionnaire=q).order_by("order").values_list("text", flat=True))


def move_url(q, text):
    return reverse("outreach:question_move", args=[q.questions.get(text=text).pk])


def test_up_and_down_swap_with_the_neighbour(world, draft, login, client):
    login(world.staff)
    page = client.get(reverse("outreach:questionnaire", args=[draft.pk])).content.decode()
    assert 'aria-label="上移第1题" disabled' in page and 'aria-label="下移第3题" disabled' in page
    r = client.post(move_url(draft, "丙"), {"direction": "up", "version": draft.version}, follow=True)
    assert texts(draft) == ["甲", "丙", "乙"] and "已将“丙”调整为第2题" in r.content.decode()
    draft.refresh_from_db()
    client.post(move_url(draft, "甲"), {"direction": "down", "version": draft.version})
    assert texts(draft) == ["丙", "甲", "乙"]
    assert list(
        Question.objects.filter(questionnaire=draft).order_by("order").values_list("order", flat=True)
    ) == [
        1,
        2,
        3,
    ]
    assert draft.history.first().history_change_reason == "第1题下移为第2题"


def test_a_stale_page_the_ends_and_a_published_round_are_refused(world, draft, login, client):
    login(world.staff)
    stale = draft.version
    svc.question_add(
        questionnaire=draft, actor=world.leader, text="丁", kind="text"
    )  # someone else, meanwhile
    r = client.post(move_url(draft, "乙"), {"direction": "up", "version": stale}, follow=True)
    assert "题目顺序未调整：您打开此页面后，问卷已被他人修改" in r.content.decode()
    assert texts(draft) == ["甲", "乙", "丙", "丁"]
    with pytest.raises(ServiceError, match="已是第一题"):
        svc.question_move(
            question=draft.questions.get(text="甲"), actor=world.staff, up=True, expected_version=None
        )
    with pytest.raises(ServiceError, match="已是最后一题"):
        svc.question_move(
            question=draft.questions.get(text="丁"), actor=world.staff, up=False, expected_version=None
        )
    svc.questionnaire_open(questionnaire=draft, actor=world.staff)
    draft.refresh_from_db()
    r = client.post(move_url(draft, "乙"), {"direction": "up", "version": draft.version}, follow=True)
    assert "问卷已发布，题目不能再修改" in r.content.decode() and texts(draft) == ["甲", "乙", "丙", "丁"]
    login(world.city_user)
    assert client.post(move_url(draft, "乙"), {"direction": "up"}).status_code == 403
