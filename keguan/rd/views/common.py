"""Who may use the R&D reporting pages: the bureaus (city staff read every district's rounds; district
leaders and staff write their own); township liaisons, commissioners and enterprise users may not."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from keguan.accounts.models import BUREAU_ROLES, DISTRICT_EDITOR_ROLES


def require_reader(user) -> None:
    if not (user.is_superuser or user.role in BUREAU_ROLES):
        raise PermissionDenied("研发经费填报仅限科技局人员使用")


def require_writer(user) -> None:
    if not (user.is_superuser or user.role in DISTRICT_EDITOR_ROLES):
        raise PermissionDenied("只有区县科技局人员可以修改研发经费填报")


def is_writer(user) -> bool:
    return user.is_superuser or user.role in DISTRICT_EDITOR_ROLES


def errors_text(form) -> str:
    """A form's errors as one Chinese sentence, for a message on the page the form came from."""
    parts = [" ".join(v) for k, v in form.errors.items() if k == "__all__"]
    parts += [f"{form.fields[k].label}：{' '.join(v)}" for k, v in form.errors.items() if k in form.fields]
    return "；".join(parts)
