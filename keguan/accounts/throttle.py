"""Login throttling on django-axes (database handler): an account is locked after
``KEGUAN_LOGIN_FAILURES`` wrong passwords (from any address), an address after
``KEGUAN_LOGIN_ADDRESS_FAILURES`` (for any accounts), for ``KEGUAN_LOGIN_LOCKOUT_MINUTES`` from the failure
that locked it. While locked even the right password does not log in; the login form says so in Chinese
(``LoginForm``), the login log records the lockout (event ``lockout``/``lockout_ip``) and a manager may unlock
the account on the user management page (``services.user_unlock``).

axes keeps one failure limit; keguan's handler applies the two limits itself (``get_failures``).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import math

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .models import LoginLog, User

LOCKED_MESSAGE = "登录失败次数过多，账号已暂时锁定，请于{minutes}分钟后再试，或联系本单位账号管理员解锁"


# --- settings read at call time (so tests may override them) -------------------------------------------------

def account_limit(request=None, credentials=None) -> int:
    """``AXES_FAILURE_LIMIT``: the wrong passwords that lock one account."""
    return settings.KEGUAN_LOGIN_FAILURES


def address_limit() -> int:
    return settings.KEGUAN_LOGIN_ADDRESS_FAILURES


def cool_off(request=None) -> dt.timedelta:
    """``AXES_COOLOFF_TIME``: how long a lockout lasts."""
    return dt.timedelta(minutes=settings.KEGUAN_LOGIN_LOCKOUT_MINUTES)


def client_ip(request: HttpRequest | None) -> str | None:
    """``AXES_CLIENT_IP_CALLABLE`` and the login log's address: the peer's address, or behind a trusted reverse
    proxy (``KEGUAN_TRUSTED_PROXY``) the last address of its header (``KEGUAN_CLIENT_IP_HEADER``), the one the
    proxy itself added. Without a trusted proxy the header is ignored: a client could forge it."""
    if request is None:
        return None
    if settings.KEGUAN_TRUSTED_PROXY:
        header = "HTTP_" + settings.KEGUAN_CLIENT_IP_HEADER.upper().replace("-", "_")
        last = request.META.get(header, "").split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(last))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR") or None


# --- the failures on record ----------------------------------------------------------------------------------

def _recent() -> QuerySet[AccessAttempt]:
    return AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cool_off())


def _total(qs: QuerySet[AccessAttempt]) -> int:
    return qs.aggregate(n=Sum("failures_since_start"))["n"] or 0


def locked_usernames(usernames) -> set[str]:
    """Which of ``usernames`` are locked now (one query, for the user list)."""
    rows = (
        _recent().filter(username__in=list(usernames)).values("username")
        .annotate(n=Sum("failures_since_start")).filter(n__gte=account_limit())
    )
    return {row["username"] for row in rows}


def is_locked(username: str) -> bool:
    return bool(locked_usernames([username]))


def unlock(username: str) -> int:
    """Forget the failures of ``username`` (axes' reset API); the number of attempt records removed."""
    return AxesDatabaseHandler().reset_attempts(username=username)


def minutes_left(request: HttpRequest, username: str | None) -> int:
    """Whole minutes until the lockout of ``username`` or of the request's address ends (at least 1)."""
    recent = _recent()
    latest = []
    if username:
        by_user = recent.filter(username=username)
        if _total(by_user) >= account_limit():
            latest.append(by_user.aggregate(t=Max("attempt_time"))["t"])
    ip = getattr(request, "axes_ip_address", None)
    if ip:
        by_ip = recent.filter(ip_address=ip)
        if _total(by_ip) >= address_limit():
            latest.append(by_ip.aggregate(t=Max("attempt_time"))["t"])
    latest = [t for t in latest if t is not None]
    if not latest:
        return settings.KEGUAN_LOGIN_LOCKOUT_MINUTES
    seconds = (max(latest) + cool_off() - timezone.now()).total_seconds()
    return max(1, math.ceil(seconds / 60))


def locked_message(request: HttpRequest, username: str | None) -> str:
    return LOCKED_MESSAGE.format(minutes=minutes_left(request, username))


# --- axes' hooks ---------------------------------------------------------------------------------------------

class ThrottleHandler(AxesDatabaseHandler):
    """axes' database handler with two limits (per account, per address), the lockout in keguan's login log
    and a successful login clearing that account's failures only (not its address's: an attacker holding
    one account must not wipe the address count by logging in)."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        username = get_client_username(request, credentials)
        recent = _recent()
        by_user = _total(recent.filter(username=username)) if username else 0
        ip = getattr(request, "axes_ip_address", None)
        if ip and _total(recent.filter(ip_address=ip)) >= address_limit():
            return max(by_user, account_limit())
        return by_user

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        was_locked = bool(getattr(request, "axes_locked_out", False))
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or was_locked or not getattr(request, "axes_locked_out", False):
            return
        username = str(get_client_username(request, credentials) or "")[:150]
        by_account = bool(username) and _total(_recent().filter(username=username)) >= account_limit()
        user = User.objects.filter(username=username).select_related("region").first() if username else None
        LoginLog.objects.create(
            username=username, user=user, region=user.region if user else None, success=False,
            event="lockout" if by_account else "lockout_ip", ip=request.axes_ip_address,
            user_agent=(request.META.get("HTTP_USER_AGENT") or "")[:LoginLog.UA_MAX],
        )

    def user_logged_in(self, sender, request, user, **kwargs):
        super().user_logged_in(sender, request, user, **kwargs)
        self.reset_attempts(username=user.get_username())


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict | None = None) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: keguan's login page with the Chinese message (``LoginForm`` put it in the
    form), status 403, instead of axes' English page."""
    match = getattr(request, "resolver_match", None)
    if original_response is not None and match is not None and match.view_name == "accounts:login":
        original_response.status_code = 403
        return original_response
    from .forms import LoginForm

    username = get_client_username(request, credentials)
    context = {"form": LoginForm(request), "locked": locked_message(request, username)}
    return render(request, "accounts/login.html", context, status=403)
