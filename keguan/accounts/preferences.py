"""Per-user list preferences (page size, shown columns) and the ``ListState`` a list view renders with.

Only the signed-in user's own preferences are ever read or written: the functions take the user, never an id.
"""

from __future__ import annotations

from django.http import HttpRequest

from keguan.core.lists import ListSpec, ListState, clean_columns, clean_page_size

from .models import ListPreference


def list_preference_get(*, user, list_code: str) -> ListPreference | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return ListPreference.objects.filter(user=user, list_code=list_code).first()


def list_preference_set(
    *, user, spec: ListSpec, per_page: int | None = None, columns: list[str] | None = None, reset: bool = False
) -> ListPreference:
    """Remember ``user``'s page size and/or columns on ``spec``'s list; ``reset`` returns to the defaults.
    Unknown page sizes and column keys are dropped (the list's defaults apply)."""
    pref, _ = ListPreference.objects.get_or_create(user=user, list_code=spec.code)
    if reset:
        pref.per_page, pref.columns = None, None
    if per_page is not None and not reset:
        pref.per_page = clean_page_size(per_page)
    if columns is not None and not reset:
        pref.columns = clean_columns(spec, columns)
    pref.save()
    return pref


def list_state(request: HttpRequest, spec: ListSpec) -> ListState:
    """The list's state for this request: the user's remembered choices, print mode from ``?print=1``."""
    pref = list_preference_get(user=request.user, list_code=spec.code)
    return ListState.build(
        spec,
        user=request.user,
        per_page=pref.per_page if pref else None,
        columns=pref.columns if pref else None,
        printing=request.GET.get("print") == "1",
    )
