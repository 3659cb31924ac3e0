"""The scope walker's view of 系统管理 (see ``keguan.core.scope_walk``)."""

from __future__ import annotations

from typing import Any

from keguan.core.roles import Role
from keguan.core.scope_walk import BUREAU_SIDE, MANAGERS, PERSONAS, Fixed, Walk, Write, status

NEW_PASSWORD = "Xinmima#2025abc"


def new_user(district) -> dict:
    return {
        "username": "cn_created", "full_name": "新建哨兵", "role": Role.DISTRICT_STAFF, "region": district.pk,
        "enterprise": "", "phone": "", "password": NEW_PASSWORD,
    }


def new_organisation(district) -> dict:
    return {"kind": "university", "name": "范围测试大学", "region": district.pk, "credit_code": ""}


def lock(u) -> None:
    """The positive control of 解锁: the account must be locked first (an attempt record at the limit)."""
    from axes.models import AccessAttempt
    from django.conf import settings

    AccessAttempt.objects.create(username=u.username, ip_address="192.0.2.1", user_agent="scope-walk",
                                 failures_since_start=settings.KEGUAN_LOGIN_FAILURES)


def _user_anchor(u) -> tuple[Any, int | None]:
    return u.region, u.enterprise_id


WALK = Walk(
    pk_kinds={"accounts": "user"},
    kwargs={"dict_kind": Fixed("enterprise_tag")},
    writes={
        "accounts:organisation_create": Write(MANAGERS, new_organisation, target="district"),
        "accounts:user_create": Write(MANAGERS, new_user, target="district"),
        "accounts:user_toggle": Write(MANAGERS, lambda u: {}),
        "accounts:user_unlock": Write(MANAGERS, lambda u: {}, prepare=lock),
        "accounts:user_password": Write(MANAGERS, lambda u: {"password": NEW_PASSWORD}),
        # the city's administrator keeps the 数据字典 (one list for the whole installation)
        "accounts:dictionary_kind": Write(frozenset({"city"}), lambda _: {"op": "save", "code": "scope_walk",
                                                                          "label": "范围测试标签", "enabled": "on"}),
        # only the system administrator adjusts the role → permission table
        "accounts:roles": Write(frozenset(), lambda _: {"role": Role.DISTRICT_STAFF, "permission": "rd.write",
                                                        "granted": "0"}),
    },
    session_urls=frozenset({"accounts:login", "accounts:logout", "accounts:password_change", "accounts:list_prefs"}),
    page_shows={
        "accounts:user_list": "user",
        "accounts:login_log": "user",
        "accounts:organisation_list": "organisation",
    },
    page_status={
        "accounts:user_list": status(MANAGERS),
        "accounts:login_log": status(MANAGERS),
        "accounts:organisation_list": status(BUREAU_SIDE),
        "accounts:roles": status(set()),
        "accounts:oplog": status({"city"}),
        "accounts:dictionary": status({"city"}),
        "accounts:dictionary_kind": status({"city"}),
        "accounts:oplog_export": status({"city"}),
        "accounts:password_change": status(set(PERSONAS)),
    },
    anchors={
        "accounts.Organisation": lambda o: (o.region, None),
        "accounts.User": _user_anchor,
        "accounts.LoginLog": lambda log: (log.region, log.user.enterprise_id if log.user else None),
        "accounts.OperationLog": lambda log: (log.region, log.user.enterprise_id if log.user else None),
    },
)
