"""Accounts: login and its log, disabled accounts, password change, who may create and disable which
accounts, the scoped user list, and the session settings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from keguan.accounts.models import MANAGEABLE_ROLES, LoginLog, Role, User
from keguan.accounts.services import user_create, user_reset_password, user_set_active
from keguan.core.errors import ServiceError
from tests.conftest import PASSWORD

NEW_PASSWORD = "Xinmima#2025"


@pytest.fixture(autouse=True)
def fast_hashers(settings):
    # PBKDF2 costs about a second per check on this machine; the hasher is not what these tests are about.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


def rehash(*users: User) -> None:
    for user in users:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])


def post_login(client, username: str, password: str, **extra):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, **extra)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- login and the login log -----------------------------------------------------------------------


def test_login_success_writes_log_row(world, client):
    rehash(world.staff)
    r = post_login(client, "staff", PASSWORD, REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="pytest-agent/1.0")
    assert r.status_code == 302
    assert r["Location"] == reverse("core:home")
    assert logged_in(client)
    log = LoginLog.objects.get(username="staff")
    assert log.success is True and log.event == "login"
    assert log.user == world.staff and log.region == world.a
    assert log.ip == "10.1.2.3" and log.user_agent == "pytest-agent/1.0"
    world.staff.refresh_from_db()
    assert world.staff.last_login is not None


def test_login_failure_writes_log_row_and_shows_chinese_error(world, client):
    rehash(world.staff)
    r = post_login(client, "staff", "wrong-password", REMOTE_ADDR="10.9.9.9")
    assert r.status_code == 200
    assert "用户名或密码错误" in r.content.decode()
    assert not logged_in(client)
    log = LoginLog.objects.get(username="staff")
    assert log.success is False and log.event == "login"
    assert log.user == world.staff and log.region == world.a and log.ip == "10.9.9.9"


def test_login_failure_for_unknown_user_is_logged_without_user(world, client):
    r = post_login(client, "nobody", PASSWORD)
    assert r.status_code == 200
    assert "用户名或密码错误" in r.content.decode()
    log = LoginLog.objects.get(username="nobody")
    assert log.success is False and log.user is None and log.region is None


def test_logout_is_logged(world, client):
    rehash(world.staff)
    post_login(client, "staff", PASSWORD)
    r = client.post(reverse("accounts:logout"))
    assert r.status_code == 302
    assert not logged_in(client)
    assert list(LoginLog.objects.filter(username="staff").order_by("id").values_list("event", "success")) == [
        ("login", True),
        ("logout", True),
    ]


def test_disabled_user_cannot_log_in_and_is_told_why(world, client):
    rehash(world.town)
    world.town.is_active = False
    world.town.save(update_fields=["is_active"])
    r = post_login(client, "town", PASSWORD)
    assert r.status_code == 200
    html = r.content.decode()
    assert "该账号已停用" in html
    assert not logged_in(client)
    log = LoginLog.objects.get(username="town")
    assert log.success is False
    # a wrong password on a disabled account does not reveal that the account exists
    r = post_login(client, "town", "wrong-password")
    assert "用户名或密码错误" in r.content.decode() and "停用" not in r.content.decode()
    assert LoginLog.objects.filter(username="town", success=False).count() == 2


def test_disabling_ends_an_open_session(world, login):
    c = login(world.town)
    assert c.get("/").status_code == 200
    world.town.is_active = False
    world.town.save(update_fields=["is_active"])
    r = c.get("/")
    assert r.status_code == 302
    assert reverse("accounts:login") in r["Location"]


def test_logged_in_user_is_sent_home_from_login_page(world, login):
    r = login(world.staff).get(reverse("accounts:login"))
    assert r.status_code == 302 and r["Location"] == reverse("core:home")


def test_login_log_page_is_scoped(world, client):
    rehash(world.staff, world.outsider)
    post_login(client, "outsider", "wrong-password")
    post_login(client, "staff", "wrong-password")
    post_login(client, "staff", PASSWORD)
    r = client.get(reverse("accounts:login_log"))
    assert r.status_code == 200
    usernames = {log.username for log in r.context["page"].object_list}
    assert usernames == {"staff"}
    failed = client.get(reverse("accounts:login_log"), {"success": "0"}).context["page"].object_list
    assert [(log.username, log.success) for log in failed] == [("staff", False)]


# --- password change -------------------------------------------------------------------------------


def test_password_change_works_and_keeps_the_session(world, login):
    rehash(world.staff)
    c = login(world.staff)
    r = c.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert r.status_code == 302 and r["Location"] == reverse("core:home")
    world.staff.refresh_from_db()
    assert world.staff.check_password(NEW_PASSWORD)
    assert not world.staff.check_password(PASSWORD)
    assert c.get("/").status_code == 200  # still logged in
    c.post(reverse("accounts:logout"))
    assert post_login(c, "staff", PASSWORD).status_code == 200
    assert post_login(c, "staff", NEW_PASSWORD).status_code == 302


def test_password_change_with_wrong_old_password_is_refused(world, login):
    rehash(world.staff)
    c = login(world.staff)
    r = c.post(
        reverse("accounts:password_change"),
        {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert r.status_code == 200
    assert "旧密码" in r.content.decode()
    assert r.context["form"].errors["old_password"]
    world.staff.refresh_from_db()
    assert world.staff.check_password(PASSWORD)


def test_password_change_mismatch_and_weak_passwords_are_refused(world, login):
    rehash(world.staff)
    c = login(world.staff)
    url = reverse("accounts:password_change")
    r = c.post(
        url, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"}
    )
    assert r.status_code == 200 and r.context["form"].errors["new_password2"]
    assert "密码" in r.context["form"].errors["new_password2"][0]
    r = c.post(url, {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"})
    assert r.status_code == 200 and r.context["form"].errors["new_password2"]
    assert "密码" in " ".join(r.context["form"].errors["new_password2"])
    world.staff.refresh_from_db()
    assert world.staff.check_password(PASSWORD)


def test_admin_password_reset_respects_manageable_roles(world, login):
    c = login(world.staff)
    r = c.post(reverse("accounts:user_password", args=[world.town.pk]), {"password": NEW_PASSWORD})
    assert r.status_code == 302
    world.town.refresh_from_db()
    assert world.town.check_password(NEW_PASSWORD)
    # a district staff member may not reset its leader's password
    r = c.post(reverse("accounts:user_password", args=[world.leader.pk]), {"password": NEW_PASSWORD})
    assert r.status_code == 403
    with pytest.raises(PermissionDenied):
        user_reset_password(actor=world.staff, user=world.leader, password=NEW_PASSWORD)
    # and a user in the sibling district is not even found
    assert (
        c.post(
            reverse("accounts:user_password", args=[world.outsider.pk]), {"password": NEW_PASSWORD}
        ).status_code
        == 404
    )


# --- creating accounts -----------------------------------------------------------------------------


def region_for(world, role):
    return {
        Role.CITY_STAFF: world.city,
        Role.TOWNSHIP_LIAISON: world.a_town,
    }.get(role, world.a)


def test_district_staff_creates_exactly_the_manageable_roles(world):
    allowed = set(MANAGEABLE_ROLES[Role.DISTRICT_STAFF])
    assert Role.CITY_STAFF not in allowed and Role.DISTRICT_LEADER not in allowed
    for i, role in enumerate(Role.values):
        kwargs = dict(
            actor=world.staff,
            username=f"new{i}",
            password=NEW_PASSWORD,
            role=role,
            region=region_for(world, role),
            full_name=f"新用户{i}",
            enterprise=world.ent_a2 if role == Role.ENTERPRISE else None,
        )
        if role in allowed:
            user = user_create(**kwargs)
            assert user.role == role and user.created_by == world.staff
            assert user.check_password(NEW_PASSWORD)
            assert user.history.first().history_user == world.staff
        else:
            with pytest.raises(PermissionDenied) as exc:
                user_create(**kwargs)
            assert Role(role).label in str(exc.value)
            assert not User.objects.filter(username=f"new{i}").exists()


def test_district_leader_may_create_leaders_but_not_city_staff(world):
    user = user_create(
        actor=world.leader,
        username="leader2",
        password=NEW_PASSWORD,
        role=Role.DISTRICT_LEADER,
        region=world.a,
    )
    assert user.created_by == world.leader
    with pytest.raises(PermissionDenied):
        user_create(
            actor=world.leader,
            username="city2",
            password=NEW_PASSWORD,
            role=Role.CITY_STAFF,
            region=world.city,
        )


def test_district_staff_creates_only_inside_its_district(world):
    for role, region in [
        (Role.DISTRICT_STAFF, world.b),
        (Role.TOWNSHIP_LIAISON, world.b_town),
        (Role.COMMISSIONER, world.b),
    ]:
        with pytest.raises(PermissionDenied) as exc:
            user_create(
                actor=world.staff, username="elsewhere", password=NEW_PASSWORD, role=role, region=region
            )
        assert "本辖区" in str(exc.value)
    with pytest.raises(PermissionDenied):
        user_create(
            actor=world.staff,
            username="elsewhere",
            password=NEW_PASSWORD,
            role=Role.ENTERPRISE,
            region=world.b,
            enterprise=world.ent_b,
        )
    assert not User.objects.filter(username="elsewhere").exists()


@pytest.mark.parametrize("persona", ["town", "expert", "ent_user", "outsider_ent"])
def test_roles_without_account_management_cannot_create(world, persona):
    with pytest.raises(PermissionDenied):
        user_create(
            actor=getattr(world, persona),
            username="x1",
            password=NEW_PASSWORD,
            role=Role.COMMISSIONER,
            region=world.a,
        )


def test_enterprise_account_requires_an_enterprise_in_that_district(world):
    common = dict(
        actor=world.staff, username="ent_new", password=NEW_PASSWORD, role=Role.ENTERPRISE, region=world.a
    )
    with pytest.raises(ServiceError) as exc:
        user_create(**common)
    assert exc.value.field == "enterprise" and "必须关联一家企业" in exc.value.message
    with pytest.raises(ServiceError) as exc:
        user_create(**common, enterprise=world.ent_b)
    assert exc.value.field == "enterprise" and "不在所选区县" in exc.value.message
    assert not User.objects.filter(username="ent_new").exists()
    user = user_create(**common, enterprise=world.ent_a2)
    assert user.enterprise == world.ent_a2


def test_only_enterprise_accounts_link_an_enterprise(world):
    with pytest.raises(ServiceError) as exc:
        user_create(
            actor=world.staff,
            username="linked",
            password=NEW_PASSWORD,
            role=Role.COMMISSIONER,
            region=world.a,
            enterprise=world.ent_a,
        )
    assert exc.value.field == "enterprise"


def test_role_region_level_duplicate_username_bad_phone_and_weak_password(world):
    with pytest.raises(ServiceError) as exc:
        user_create(
            actor=world.staff,
            username="tl",
            password=NEW_PASSWORD,
            role=Role.TOWNSHIP_LIAISON,
            region=world.a,
        )
    assert (
        exc.value.field == "region" and "乡镇专干" in exc.value.message and "乡镇/街道" in exc.value.message
    )
    with pytest.raises(ServiceError) as exc:
        user_create(
            actor=world.staff,
            username="town",
            password=NEW_PASSWORD,
            role=Role.TOWNSHIP_LIAISON,
            region=world.a_town,
        )
    assert exc.value.field == "username" and "“town”已存在" in exc.value.message
    with pytest.raises(ServiceError) as exc:
        user_create(
            actor=world.staff,
            username="tl",
            password=NEW_PASSWORD,
            role=Role.TOWNSHIP_LIAISON,
            region=world.a_town,
            phone="12345",
        )
    assert exc.value.field == "phone" and "12345" in exc.value.message
    with pytest.raises(ServiceError) as exc:
        user_create(
            actor=world.staff,
            username="tl",
            password="12345678",
            role=Role.TOWNSHIP_LIAISON,
            region=world.a_town,
        )
    assert exc.value.field == "password" and "密码" in exc.value.message
    assert not User.objects.filter(username="tl").exists()
    user = user_create(
        actor=world.staff,
        username="tl",
        password=NEW_PASSWORD,
        role=Role.TOWNSHIP_LIAISON,
        region=world.a_town,
        phone="+86 139 0000 0009",
    )
    assert user.phone == "13900000009"


def user_form(world, **over):
    data = {
        "username": "web_new",
        "full_name": "网页新建",
        "role": Role.TOWNSHIP_LIAISON,
        "region": world.a_town.pk,
        "enterprise": "",
        "phone": "",
        "password": NEW_PASSWORD,
    }
    data.update(over)
    return data


def test_create_account_page(world, login):
    c = login(world.staff)
    r = c.get(reverse("accounts:user_create"))
    assert r.status_code == 200
    offered = {value for value, _label in r.context["form"].fields["role"].choices}
    assert offered == set(MANAGEABLE_ROLES[Role.DISTRICT_STAFF])
    regions = set(r.context["form"].fields["region"].queryset.values_list("pk", flat=True))
    assert world.a.pk in regions and world.a_town.pk in regions
    assert world.b.pk not in regions and world.city.pk not in regions and world.b_town.pk not in regions
    r = c.post(reverse("accounts:user_create"), user_form(world))
    assert r.status_code == 302
    user = User.objects.get(username="web_new")
    assert (
        user.role == Role.TOWNSHIP_LIAISON and user.region == world.a_town and user.created_by == world.staff
    )


def test_create_account_page_refuses_city_staff_and_other_districts(world, login):
    c = login(world.staff)
    r = c.post(reverse("accounts:user_create"), user_form(world, role=Role.CITY_STAFF, region=world.city.pk))
    assert r.status_code == 200
    assert r.context["form"].errors["role"] and r.context["form"].errors["region"]
    r = c.post(reverse("accounts:user_create"), user_form(world, role=Role.DISTRICT_STAFF, region=world.b.pk))
    assert r.status_code == 200 and r.context["form"].errors["region"]
    r = c.post(
        reverse("accounts:user_create"), user_form(world, role=Role.DISTRICT_LEADER, region=world.a.pk)
    )
    assert r.status_code == 200 and r.context["form"].errors["role"]
    assert "选择一个有效的选项" in r.content.decode()
    assert not User.objects.filter(username="web_new").exists()


def test_create_enterprise_account_page_requires_enterprise(world, login):
    c = login(world.staff)
    r = c.post(reverse("accounts:user_create"), user_form(world, role=Role.ENTERPRISE, region=world.a.pk))
    assert r.status_code == 200
    assert "企业用户必须关联一家企业" in r.content.decode()
    # the sibling district's firm is not offered
    r = c.post(
        reverse("accounts:user_create"),
        user_form(world, role=Role.ENTERPRISE, region=world.a.pk, enterprise=world.ent_b.pk),
    )
    assert r.status_code == 200 and r.context["form"].errors["enterprise"]
    assert not User.objects.filter(username="web_new").exists()
    r = c.post(
        reverse("accounts:user_create"),
        user_form(world, role=Role.ENTERPRISE, region=world.a.pk, enterprise=world.ent_a2.pk),
    )
    assert r.status_code == 302
    assert User.objects.get(username="web_new").enterprise == world.ent_a2


def test_account_pages_need_a_manager(world, client):
    for user in (world.town, world.expert, world.ent_user):
        client.force_login(user)
        assert client.get(reverse("accounts:user_list")).status_code == 403, user.role
        assert client.get(reverse("accounts:user_create")).status_code == 403, user.role
        assert client.post(reverse("accounts:user_create"), user_form(world)).status_code == 403, user.role
        assert client.get(reverse("accounts:login_log")).status_code == 403, user.role
    assert not User.objects.filter(username="web_new").exists()


# --- user list and toggling ------------------------------------------------------------------------


def listed(client, **params) -> set[str]:
    r = client.get(reverse("accounts:user_list"), params)
    assert r.status_code == 200
    return {u.username for u in r.context["page"].object_list}


def test_user_list_of_district_staff_shows_only_its_district(world, login):
    got = listed(login(world.staff))
    assert got == {"leader", "staff", "town", "expert", "ent"}
    assert not got & {"outsider", "outsider_ent", "city"}
    assert listed(login(world.outsider)) == {"outsider", "outsider_ent"}
    assert {"staff", "outsider", "city"} <= listed(login(world.city_user))


def test_user_list_filters(world, login):
    c = login(world.staff)
    assert listed(c, role=Role.TOWNSHIP_LIAISON) == {"town"}
    assert listed(c, q="lead") == {"leader"}
    assert listed(c, q="outsider") == set()
    user_set_active(actor=world.staff, user=world.expert, active=False)
    assert listed(c, active="0") == {"expert"}
    assert "expert" not in listed(c, active="1")


def test_toggling_active(world, login):
    c = login(world.staff)
    url = reverse("accounts:user_toggle", args=[world.town.pk])
    r = c.post(url, follow=True)
    assert "已停用" in r.content.decode()
    world.town.refresh_from_db()
    assert world.town.is_active is False
    record = world.town.history.order_by("-history_date", "-history_id").first()
    assert record.history_user == world.staff and record.history_change_reason == "停用账号"
    r = c.post(url, follow=True)
    assert "已启用" in r.content.decode()
    world.town.refresh_from_db()
    assert world.town.is_active is True
    # toggling needs POST
    assert c.get(url).status_code == 405


def test_user_cannot_disable_itself(world, login):
    with pytest.raises(ServiceError) as exc:
        user_set_active(actor=world.staff, user=world.staff, active=False)
    assert "不能停用自己" in exc.value.message
    r = login(world.staff).post(reverse("accounts:user_toggle", args=[world.staff.pk]), follow=True)
    assert "不能停用自己的账号" in r.content.decode()
    world.staff.refresh_from_db()
    assert world.staff.is_active is True


def test_toggling_outside_manageable_roles_or_scope_is_refused(world, login):
    c = login(world.staff)
    assert c.post(reverse("accounts:user_toggle", args=[world.leader.pk])).status_code == 403
    assert c.post(reverse("accounts:user_toggle", args=[world.outsider.pk])).status_code == 404
    assert c.post(reverse("accounts:user_toggle", args=[world.city_user.pk])).status_code == 404
    for user in (world.leader, world.outsider, world.city_user):
        user.refresh_from_db()
        assert user.is_active is True
    with pytest.raises(PermissionDenied):
        user_set_active(actor=world.staff, user=world.outsider, active=False)


# --- sessions --------------------------------------------------------------------------------------


def test_session_settings():
    assert django_settings.SESSION_COOKIE_AGE == 1800
    assert django_settings.SESSION_SAVE_EVERY_REQUEST is True
    assert django_settings.SESSION_COOKIE_HTTPONLY is True


def test_session_expires_after_30_idle_minutes_and_each_request_extends_it(world, client):
    rehash(world.staff)
    post_login(client, "staff", PASSWORD)
    assert client.session.get_expiry_age() == 1800
    key = client.session.session_key
    session = Session.objects.get(session_key=key)
    left = session.expire_date - timezone.now()
    assert dt.timedelta(minutes=29) < left <= dt.timedelta(minutes=30)
    # pretend the user was idle: 1 minute left; any request pushes expiry back to 30 minutes
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + dt.timedelta(minutes=1))
    assert client.get("/").status_code == 200
    left = Session.objects.get(session_key=client.session.session_key).expire_date - timezone.now()
    assert left > dt.timedelta(minutes=29)
    # an expired session is a logged-out one
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    r = client.get("/")
    assert r.status_code == 302 and reverse("accounts:login") in r["Location"]
