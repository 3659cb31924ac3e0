"""The daily 待办 digest (待办提醒): each user's 待办 — what every area registers as due or overdue for it (calls
closing within 7 days, mid-term checks and acceptances due within 30 days, certificates to renew, reports
missing, …, see ``keguan.core.areas.Reminder``) — sent once a day as a message in its 我的消息, so a user who
does not open keguan every day still hears of deadlines (the message badge shows at the next sign-in, and an
operator can forward the messages).

``keguan digest`` sends it (run it every morning from cron or the Windows task scheduler; ``keguan serve``
also runs it once at start). A user gets at most one digest a day, none when nothing is due, and none when its
待办 read exactly as in the last digest sent within the past 7 days (an unchanged list is not repeated every
day; one with an overdue item is, since overdue items say by how many days).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from keguan.accounts.models import User
from keguan.core.areas import Reminder, reminders_for

from .models import Message
from .services import send_message

KIND = "digest"
REPEAT_AFTER_DAYS = 7
MAX_TEXT = 300


@dataclass
class DigestRun:
    sent: list[tuple[str, str]] = field(default_factory=list)  # (username, text)
    skipped_same: int = 0
    skipped_today: int = 0
    nothing_due: int = 0

    def summary(self) -> str:
        return (f"待办提醒：发送 {len(self.sent)} 人；今日已发送 {self.skipped_today} 人；与上次相同未重发 "
                f"{self.skipped_same} 人；无待办 {self.nothing_due} 人")


def _line(r: Reminder, today: dt.date) -> str:
    text = r.text
    if r.due is not None and r.due < today:
        text += f"（已逾期{(today - r.due).days}天）"
    elif r.due is not None:
        text += f"（{r.due:%-m月%-d日}截止）"
    return text


def digest_text(reminders: list[Reminder], today: dt.date) -> str:
    """One message of at most 300 characters: the counts, then as many items as fit ("…等N项" for the rest)."""
    overdue = sum(1 for r in reminders if r.due is not None and r.due < today)
    text = f"【待办提醒】{today:%-m月%-d日}：共{len(reminders)}项待办" + (f"，其中{overdue}项已逾期" if overdue else "") + "。"
    room = MAX_TEXT - len("…等99项，详见首页待办")
    for i, r in enumerate(reminders, 1):
        piece = f"{i}. {_line(r, today)}；"
        if len(text) + len(piece) > room:
            return text + f"…等{len(reminders) - i + 1}项，详见首页待办"
        text += piece
    return text.rstrip("；")


def send_digests(*, today: dt.date | None = None, users=None, dry_run: bool = False) -> DigestRun:
    """Send today's digest to every active user (or to ``users``) that has something due."""
    today = today or timezone.localdate()
    run = DigestRun()
    people = users if users is not None else User.objects.filter(is_active=True).select_related("region")
    start_of_day = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    since = start_of_day - dt.timedelta(days=REPEAT_AFTER_DAYS - 1)
    url = reverse("core:home")
    for user in people:
        reminders = reminders_for(user, today)
        if not reminders:
            run.nothing_due += 1
            continue
        text = digest_text(reminders, today)
        last = Message.objects.filter(user=user, kind=KIND, created_at__gte=since).order_by("-created_at").first()
        if last is not None and last.created_at >= start_of_day:
            run.skipped_today += 1
            continue
        if last is not None and last.text.split("：", 1)[-1] == text.split("：", 1)[-1]:
            run.skipped_same += 1
            continue
        if not dry_run:
            with transaction.atomic():
                send_message(user, text, url, kind=KIND)
        run.sent.append((user.username, text))
    return run


def digest_at_start() -> str | None:
    """``keguan serve`` at start (``Area.on_start``): today's digest, if not sent yet."""
    run = send_digests()
    return run.summary() if run.sent else None
