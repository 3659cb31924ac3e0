from __future__ import annotations

from decimal import Decimal

from django import template

from keguan.core.lists import filter_summary
from keguan.core.scope import can_write

register = template.Library()


@register.filter
def dictget(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def wan(value) -> str:
    """Yuan → 万元 with two decimals: 12345678 → '1234.57'."""
    if value in (None, ""):
        return ""
    return f"{(Decimal(value) / Decimal(10000)).quantize(Decimal('0.01')):,}"


@register.filter
def people(value) -> str:
    """A head count as written: 100.00 → '100', a monthly average 45.50 → '45.5'."""
    if value in (None, ""):
        return ""
    from keguan.rules.explain import people as shown

    return shown(value if isinstance(value, int) else Decimal(value))


@register.filter
def masked_phone(value: str) -> str:
    if not value or len(value) < 7:
        return value or ""
    return value[:3] + "****" + value[-4:]


@register.filter
def pct(value) -> str:
    from keguan.rules.periods import percent

    return percent(value) if value is not None else "—"


@register.simple_tag(takes_context=True)
def print_filters(context) -> str:
    """The page's filter conditions in words, for the print header (``keguan.core.lists.filter_summary``)."""
    return filter_summary(context.get("form"))


@register.filter
def writable(obj, user) -> bool:
    """``{% if e|writable:user %}``: whether ``user`` may change ``obj`` (its ``writable_by`` or its scope's
    write permission, ``keguan.core.scope.can_write``); no query once the user's permissions are read."""
    return can_write(user, obj)
