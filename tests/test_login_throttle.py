"""Login throttling (django-axes, keguan.accounts.throttle): an account is locked after five wrong passwords
from any address, an address after twenty for any accounts; the lockout shows in Chinese on the login page
and in the login log, ends after its minutes, and a manager of the account may lift it."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from keguan.accounts.models import LoginLog, User
from tests.conftest import PASSWORD

WRONG = "Cuowu#2025xyz"


@pytest.fixture(autouse=True)
def fast_hashers(settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    settings.KEGUAN_LOGIN_FAILURES = 5
    settings.KEGUAN_LOGIN_ADDRESS_FAILURES = 20
    settings.KEGUAN_LOGIN_LOCKOUT_MINUTES = 30


def rehash(*users: User) -> None:
    for user in users:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])


def post_login(client, username: str, password: str, ip: str = "10.9.8.7"):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(client, username: str, times: int, ip: str = "10.9.8.7"):
    response = None
    for _ in range(times):
        response = post_login(client, username, WRONG, ip=ip)
        assert not logged_in(client)
    return response


def test_fifth_wrong_password_locks_the_account_even_for_the_right_one(world, client):
    rehash(world.staff)
    first = fail(client, "staff", 1)
    assert first.status_code == 200 and "用户名或密码错误" in first.content.decode()
    last = fail(client, "staff", 4, ip="10.0.0.2")  # any address: the account counts
    assert last.status_code == 403
    page = last.content.decode()
    assert "登录失败次数过多，账号已暂时锁定，请于30分钟后再试，或联系本单位账号管理员解锁" in page
    assert 'name="username"' in page and "登 录" in page  # keguan's login page, not axes' English one
    r = post_login(client, "staff", PASSWORD, ip="10.0.0.3")
    assert r.status_code == 403 and "账号已暂时锁定" in r.content.decode()
    assert not logged_in(client)
    # another account is not affected
    rehash(world.leader)
    assert post_login(client, "leader", PASSWORD).status_code == 302


def test_many_accounts_from_one_address_lock_the_address(world, client):
    rehash(world.staff)
    for n in range(20):
        post_login(client, f"nobody{n}", WRONG, ip="10.7.7.7")
    r = post_login(client, "staff", PASSWORD, ip="10.7.7.7")
    assert r.status_code == 403 and "账号已暂时锁定" in r.content.decode()
    assert not logged_in(client)
    assert LoginLog.objects.filter(event="lockout_ip", ip="10.7.7.7").count() == 1
    assert post_login(client, "staff", PASSWORD, ip="10.7.7.8").status_code == 302  # another address


def test_success_resets_the_failures(world, client):
    rehash(world.staff)
    fail(client, "staff", 4)
    assert post_login(client, "staff", PASSWORD).status_code == 302
    client.logout()
    fail(client, "staff", 4)
    assert post_login(client, "staff", PASSWORD).status_code == 302


def test_lockout_in_the_login_log(world, client, login):
    rehash(world.staff)
    fail(client, "staff", 5)
    post_login(client, "staff", PASSWORD)
    logs = LoginLog.objects.filter(username="staff")
    assert logs.filter(event="login", success=False).count() == 6  # the failures as before, the refused one too
    lockout = logs.get(event="lockout")
    assert lockout.user == world.staff and lockout.region == world.a and lockout.success is False
    page = login(world.leader).get(reverse("accounts:login_log")).content.decode()
    assert "锁定" in page


def test_manager_sees_the_lock_and_unlocks(world, client, login):
    rehash(world.staff)
    fail(client, "staff", 5)
    manager = login(world.leader)
    page = manager.get(reverse("accounts:user_list")).content.decode()
    assert "已锁定" in page and reverse("accounts:user_unlock", args=[world.staff.pk]) in page
    r = manager.post(reverse("accounts:user_unlock", args=[world.staff.pk]))
    assert r.status_code == 302
    assert not AccessAttempt.objects.filter(username="staff").exists()
    assert LoginLog.objects.filter(username="staff", event="unlock").exists()
    assert world.staff.history.first().history_change_reason == f"由{world.leader.display_name}解锁"
    manager.logout()
    assert post_login(client, "staff", PASSWORD).status_code == 302
    assert logged_in(client)


def test_unlocking_an_unlocked_account_changes_nothing(world, login):
    manager = login(world.leader)
    r = manager.post(reverse("accounts:user_unlock", args=[world.staff.pk]), follow=True)
    assert "未被锁定" in r.content.decode()
    assert not LoginLog.objects.filter(event="unlock").exists()


def test_manager_of_another_district_cannot_unlock(world, client, login):
    fail(client, "staff", 5)
    r = login(world.outsider).post(reverse("accounts:user_unlock", args=[world.staff.pk]))
    assert r.status_code == 404
    assert AccessAttempt.objects.filter(username="staff").exists()


def test_lockout_expires(world, client):
    rehash(world.staff)
    fail(client, "staff", 5)
    assert post_login(client, "staff", PASSWORD).status_code == 403
    AccessAttempt.objects.filter(username="staff").update(
        attempt_time=AccessAttempt.objects.get(username="staff").attempt_time - dt.timedelta(minutes=31))
    assert post_login(client, "staff", PASSWORD).status_code == 302
    assert logged_in(client)


def test_remaining_minutes_count_down(world, client):
    fail(client, "staff", 5)
    AccessAttempt.objects.filter(username="staff").update(
        attempt_time=AccessAttempt.objects.get(username="staff").attempt_time - dt.timedelta(minutes=20))
    r = post_login(client, "staff", WRONG)
    assert "请于10分钟后再试" in r.content.decode()


def test_forwarded_address_counts_only_behind_a_trusted_proxy(world, client, settings):
    for n in range(20):
        client.post(reverse("accounts:login"), {"username": f"x{n}", "password": WRONG}, REMOTE_ADDR="10.1.1.1",
                    HTTP_X_FORWARDED_FOR=f"1.2.3.{n}")
    assert LoginLog.objects.filter(event="lockout_ip", ip="10.1.1.1").exists()  # the header was ignored
    settings.KEGUAN_TRUSTED_PROXY = True
    client.post(reverse("accounts:login"), {"username": "y", "password": WRONG}, REMOTE_ADDR="10.1.1.1",
                HTTP_X_FORWARDED_FOR="6.6.6.6, 1.2.3.4")
    assert LoginLog.objects.filter(username="y").get().ip == "1.2.3.4"


def test_admin_login_while_locked_shows_keguan_login_page(world, client):
    fail(client, "staff", 5)
    r = client.post("/admin/login/", {"username": "staff", "password": PASSWORD}, REMOTE_ADDR="10.9.8.7")
    assert r.status_code == 403
    page = r.content.decode()
    assert "账号已暂时锁定" in page and 'name="username"' in page
