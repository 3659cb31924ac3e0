"""The daily 待办 digest (keguan digest): the project deadlines reach each user's 我的消息 once a day, none when
nothing is due, not repeated unchanged, and the command line sends the same."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from keguan.core.areas import Reminder
from keguan.notices.digest import MAX_TEXT, digest_text, send_digests
from keguan.notices.models import Message

from .test_manage import TODAY, Application, _running, program_call, submitted


@pytest.fixture
def p(world):
    world.call = program_call(world.a)  # closes in 5 days
    return world


def digests(user):
    return list(Message.objects.filter(user=user, kind="digest").order_by("created_at"))


def test_project_deadlines_reach_the_staffs_messages_once_a_day(p, login):
    submitted(p, p.call)  # the call closes in 5 days
    late = _running(p)
    Application.objects.filter(pk=late.pk).update(midterm_due=TODAY - dt.timedelta(days=3))
    run = send_digests(today=TODAY)
    [msg] = digests(p.staff)
    assert msg.text.startswith(f"【待办提醒】{TODAY:%-m月%-d日}：") and "已逾期" in msg.text
    assert "日内截止" in msg.text and "中期检查已逾期" in msg.text and "（已逾期3天）" in msg.text
    assert msg.url == reverse("core:home") and len(msg.text) <= MAX_TEXT
    assert p.staff.username in {u for u, _ in run.sent}
    assert digests(p.outsider) == [] or all("项目" not in m.text for m in digests(p.outsider))  # district B's own
    # a second run the same day sends nothing new
    again = send_digests(today=TODAY)
    assert len(digests(p.staff)) == 1 and again.skipped_today >= 1
    # the message shows in 我的消息 with the badge
    inbox = login(p.staff).get(reverse("notices:inbox")).content.decode()
    assert "待办提醒" in inbox


def test_unchanged_digest_is_not_repeated_but_an_overdue_one_is(p):
    submitted(p, p.call)
    first = send_digests(today=TODAY, users=[p.staff])
    assert len(first.sent) == 1
    Message.objects.filter(kind="digest").update(created_at=first_day_before())
    same = send_digests(today=TODAY, users=[p.staff])
    assert same.sent == [] and same.skipped_same == 1
    late = _running(p)
    Application.objects.filter(pk=late.pk).update(midterm_due=TODAY - dt.timedelta(days=1))
    changed = send_digests(today=TODAY, users=[p.staff])
    assert len(changed.sent) == 1 and len(digests(p.staff)) == 2


def first_day_before():
    return timezone.now() - dt.timedelta(days=1)


def test_nobody_with_nothing_due_gets_a_digest(world):
    run = send_digests(today=TODAY, users=[world.town])
    assert run.sent == [] and run.nothing_due == 1 and digests(world.town) == []


def test_a_long_list_is_cut_with_the_rest_counted():
    items = [Reminder(f"第{i}类事项需要处理，请尽快办理相关手续并上报材料", i, "/x/", due=TODAY + dt.timedelta(days=i))
             for i in range(1, 30)]
    text = digest_text(items, TODAY)
    assert len(text) <= MAX_TEXT and text.endswith("项，详见首页待办") and "共29项待办" in text


def test_the_command_line_dry_run_sends_nothing(p):
    submitted(p, p.call)
    out = io.StringIO()
    call_command("digest", "--dry-run", "--user", p.staff.username, stdout=out)
    assert "试运行" in out.getvalue() and p.staff.username in out.getvalue() and digests(p.staff) == []
    call_command("digest", "--user", p.staff.username, stdout=io.StringIO())
    assert len(digests(p.staff)) == 1
