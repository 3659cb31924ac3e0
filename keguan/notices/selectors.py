"""Reads of 通知公告 and 我的消息. Who a notice is addressed to is decided here and only here:

* ``addressed_to(user)``: the published notices addressed to ``user`` — its role is in one of the notice's role
  groups and its place (its region; for an enterprise user, its firm's township or else district) lies within
  one of the notice's regions;
* ``audience_users(notice)``: the same rule from the notice's side (the active users it is addressed to), for
  the read counts and the list of who has not read it.

The publisher's side (a bureau's list of its notices and those of the regions under it) is ``scoped``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404

from keguan.accounts.models import User
from keguan.core.roles import audience_groups_of
from keguan.core.scope import get_for_user, scoped
from keguan.regions.models import Region

from .models import Message, Notice, NoticeRead, NoticeStatus


def _place(user) -> Region | None:
    if user.enterprise_id is not None:
        e = user.enterprise
        return e.township or e.district
    return user.region


def addressed_to(user) -> QuerySet[Notice]:
    """The published notices addressed to ``user`` (none for a user without a role or place)."""
    place = _place(user) if getattr(user, "is_authenticated", False) and user.is_active else None
    groups = audience_groups_of(user) if place else []
    if not groups:
        return Notice.objects.none()
    codes = [c for c in place.path.split("/") if c]
    by_group = Q()
    for g in groups:
        by_group |= Q(audience__contains=f",{g},")
    within = Notice.regions.through.objects.filter(notice=OuterRef("pk"), region__code__in=codes)
    return Notice.objects.filter(by_group, Exists(within), status=NoticeStatus.PUBLISHED)


def inbox(user) -> list[Notice]:
    """The notices addressed to ``user``: unread first, then pinned, then newest; each with ``is_read``."""
    read = NoticeRead.objects.filter(notice=OuterRef("pk"), user=user)
    rows = addressed_to(user).select_related("region").annotate(is_read=Exists(read))
    return list(rows.order_by("is_read", "-pinned", "-published_at", "-id"))


def notice_for_reader(*, user, pk: Any) -> Notice:
    """A notice addressed to ``user``: 404 for any other (outside the audience, a draft, withdrawn)."""
    try:
        return addressed_to(user).select_related("region").get(pk=pk)
    except (ValueError, TypeError, Notice.DoesNotExist) as exc:
        raise Http404("通知不存在或未发送给您") from exc


def unread_count(user) -> int:
    """The top bar's badge: unread notices addressed to ``user`` and its unread messages."""
    read = NoticeRead.objects.filter(notice=OuterRef("pk"), user=user)
    notices = addressed_to(user).exclude(Exists(read)).count()
    return notices + Message.objects.filter(user=user, read_at__isnull=True).count()


def messages_of(user, limit: int = 50) -> list[Message]:
    unread_first = F("read_at").asc(nulls_first=True)
    return list(Message.objects.filter(user=user).order_by(unread_first, "-created_at", "-id")[:limit])


def message_get(*, user, pk: Any) -> Message:
    try:
        return Message.objects.get(pk=pk, user=user)
    except (ValueError, TypeError, Message.DoesNotExist) as exc:
        raise Http404("消息不存在") from exc


# --- the publisher's side ------------------------------------------------------------------------------


def managed(*, user, status: str = "") -> QuerySet[Notice]:
    qs = scoped(Notice, user).select_related("region", "created_by")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-pinned", "-created_at", "-id")


def notice_get(*, user, pk: Any, write: bool = False) -> Notice:
    return get_for_user(Notice.objects.select_related("region", "created_by"), user, pk, write=write)


def audience_users(notice: Notice) -> QuerySet[User]:
    """The active users ``notice`` is addressed to (the rule of ``addressed_to``, from the notice's side)."""
    places = Q()
    for r in notice.regions.all():
        places |= (Q(enterprise__isnull=True, region__path__startswith=r.path)
                   | Q(enterprise__township__path__startswith=r.path)
                   | Q(enterprise__township__isnull=True, enterprise__district__path__startswith=r.path))
    if not places or not notice.roles:
        return User.objects.none()
    return User.objects.filter(places, is_active=True, role__in=notice.roles)


def read_summary(notice: Notice) -> dict[str, Any]:
    """已读/未读 counts and the users who have not read ``notice`` (with their region)."""
    users = audience_users(notice)
    read = NoticeRead.objects.filter(notice=notice, user=OuterRef("pk"))
    unread = list(users.exclude(Exists(read)).select_related("region", "enterprise").order_by("region__code", "username"))
    n_read = NoticeRead.objects.filter(notice=notice, user__in=users).count()
    return {"read": n_read, "unread": len(unread), "total": n_read + len(unread), "unread_users": unread}


def readers(notice: Notice) -> list[NoticeRead]:
    return list(NoticeRead.objects.filter(notice=notice).select_related("user", "user__region").order_by("-read_at"))
