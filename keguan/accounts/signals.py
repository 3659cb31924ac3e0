from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import LoginLog, User
from .throttle import client_ip


def _client(request) -> tuple[str | None, str]:
    if request is None:
        return None, ""
    ip = client_ip(request)
    return ip, (request.META.get("HTTP_USER_AGENT") or "")[:LoginLog.UA_MAX]


@receiver(user_logged_in)
def _on_login(sender, request, user: User, **kwargs) -> None:
    ip, ua = _client(request)
    LoginLog.objects.create(
        username=user.username, user=user, region=user.region, success=True, event="login", ip=ip, user_agent=ua
    )


@receiver(user_logged_out)
def _on_logout(sender, request, user: User | None, **kwargs) -> None:
    if user is None:
        return
    ip, ua = _client(request)
    LoginLog.objects.create(
        username=user.username, user=user, region=user.region, success=True, event="logout", ip=ip, user_agent=ua
    )


@receiver(user_login_failed)
def _on_failed(sender, credentials, request=None, **kwargs) -> None:
    ip, ua = _client(request)
    username = str(credentials.get("username", ""))[:150]
    user = User.objects.filter(username=username).first()
    LoginLog.objects.create(
        username=username,
        user=user,
        region=user.region if user else None,
        success=False,
        event="login",
        ip=ip,
        user_agent=ua,
    )
