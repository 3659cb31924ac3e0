"""The area registry: each area of keguan declares itself once, in its own ``area.py``.

An area is one folder (``keguan/rd/``) with an ``area.py`` that calls ``register(Area(...))``. The
declaration names everything the rest of keguan needs to find it:

* ``code``, ``title``, ``order``: the area's name (研发投入) and where it stands in the menu, the dashboard
  and the work summary (indicators and report parts name the area by ``code``);
* ``permissions``: the named permissions of the area, each with the roles that hold it by default
  (``keguan.core.permissions``);
* ``menu``: its left-menu entries, each with the permission it needs; ``menu_group`` when the entries go
  under another area's heading (梯队培育 under 创新主体培育);
* ``urls``: its URL module and prefix; keguan/urls.py mounts every area's;
* ``indicators``, ``report``: modules imported at start-up that register its indicators and summary part;
* ``reminders``: callables ``(user, today) -> list[Reminder]``: what is due or overdue for this user (待办 on
  the home page, summed in the top bar's 待办 count). A reminder callable asks ``may(user, ...)`` first and
  returns ``[]`` for users it does not concern; it returns one ``Reminder`` per kind of work (with ``count``
  things to do and the ``url`` of the list where they are done, ``due`` when the work has a deadline), never
  one per record, and runs a few counting queries at most: it runs on every page of a signed-in user (once
  per request, see ``request_reminders``). Reminders with ``count`` 0 are dropped, so work that is done
  disappears by itself. ``home``: callables ``(user) -> HomePanel | None``, the area's cards on the home page;
* ``demo``: a callable ``(districts=, today=, seed=)`` run by ``keguan demo`` after the enterprise registry is
  generated, in ``demo_order`` (below 50: before the city's targets and the demo accounts are made; 50 and
  above: after them, so the step may use the accounts); ``demo_wipe``: a callable
  ``(enterprise_ids, district_ids)`` removing the area's demo rows of a city before a reload;
* ``on_start``: callables ``() -> str | None`` that ``keguan serve`` runs at start (a catch-up job; the text
  it returns is printed);
* ``kinds``: its import/export kinds (dotted paths to ``keguan.exchange`` kinds);
* ``dictionaries``: its coded lists (``keguan.core.dictionary.DictKind``): editable ones the administrator
  adjusts on 数据字典, official ones shown read-only there;
* ``scope_walk``: the module that tells the scope walker (tests/test_scope.py) how to reach its URLs.

Dotted paths are resolved lazily, so an area's declaration imports nothing heavy.

keguan discovers areas at start-up (``CoreConfig.ready`` imports every installed app's ``area`` module).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.core.cache import cache

from .dictionary import DictKind
from .dictionary import register as register_dictionary
from .permissions import Permission, register_permission


@dataclass(frozen=True)
class Entry:
    """A left-menu entry: its label, URL name, Bootstrap icon and the permission it needs (None: every
    signed-in user)."""

    label: str
    url_name: str
    icon: str = "circle"
    perm: str | None = None


@dataclass(frozen=True)
class Reminder:
    """A 待办 on the home page: ``count`` things that need doing, described by ``text``, at ``url``; ``due``:
    the deadline, when the work has one (shown as 截止 …, and 已逾期 in red once it has passed)."""

    text: str
    count: int
    url: str
    level: str = "warning"  # Bootstrap contextual class: warning, danger, info
    icon: str = "bell"
    due: dt.date | None = None

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < _today()


def _today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()


@dataclass(frozen=True)
class HomePanel:
    """A card on the home page: a template of the area's and its context."""

    template: str
    context: dict
    order: int = 100


@dataclass(frozen=True)
class Area:
    code: str
    title: str
    order: int
    app: str  # the app's module, e.g. "keguan.rd"
    permissions: tuple[Permission, ...] = ()
    menu: tuple[Entry, ...] = ()
    menu_group: str = ""  # the heading its menu entries go under; default: its own title
    urls: str = ""  # "keguan.rd.urls"
    url_prefix: str = ""  # "rd/"
    indicators: str = ""  # "keguan.rd.indicators"
    report: str = ""  # "keguan.rd.report"
    reminders: tuple[str, ...] = ()  # dotted callables (user, today) -> list[Reminder]
    home: tuple[str, ...] = ()  # dotted callables (user) -> HomePanel | None
    on_start: tuple[str, ...] = ()  # dotted callables () -> str | None run by ``keguan serve`` at start
    demo: str = ""  # dotted callable (districts=, today=, seed=)
    demo_order: int = 100
    demo_wipe: str = ""  # dotted callable (enterprise_ids, district_ids) removing the area's demo records
    kinds: tuple[str, ...] = ()  # dotted import/export kinds
    dictionaries: tuple[DictKind, ...] = ()  # its 数据字典 lists (keguan.core.dictionary)
    scope_walk: str = ""  # the module declaring how the scope walker covers the area's URLs
    reports_area: bool = True  # whether the area has a part in the work summary (for area choices)

    @property
    def group(self) -> str:
        return self.menu_group or self.title


_AREAS: dict[str, Area] = {}


def register(area: Area) -> Area:
    if area.code in _AREAS and _AREAS[area.code] != area:
        raise ValueError(f"area {area.code} registered twice")
    _AREAS[area.code] = area
    for perm in area.permissions:
        register_permission(perm, area=area.code)
    for kind in area.dictionaries:
        register_dictionary(kind, area=area.code)
    return area


def get(code: str) -> Area:
    return _AREAS[code]


def all_areas() -> list[Area]:
    return sorted(_AREAS.values(), key=lambda a: (a.order, a.code))


def area_title(code: str) -> str:
    area = _AREAS.get(code)
    return area.title if area else code


def area_order(code: str) -> int:
    area = _AREAS.get(code)
    return area.order if area else 999


def resolve(dotted: str) -> Any:
    """``"pkg.module:attr"`` or ``"pkg.module.attr"`` → the object."""
    if ":" in dotted:
        module, attr = dotted.split(":", 1)
    else:
        module, attr = dotted.rsplit(".", 1)
    return getattr(import_module(module), attr)


def reminders_for(user, today: dt.date) -> list[Reminder]:
    """Every area's 待办 for ``user``: the overdue ones first, then in the areas' order."""
    out: list[Reminder] = []
    for area in all_areas():
        for dotted in area.reminders:
            out.extend(r for r in resolve(dotted)(user, today) if r.count)
    return sorted(out, key=lambda r: not r.overdue)


def request_reminders(request) -> list[Reminder]:
    """The signed-in user's 待办, computed once per request (the home page and the top bar's count share it)."""
    cached = getattr(request, "_keguan_reminders", None)
    if cached is None:
        cached = reminders_for(request.user, _today())
        request._keguan_reminders = cached
    return cached


TOP_BAR_SECONDS = 60  # how long the top bar's 待办 count may lag behind the work (the home page is always fresh)


def top_bar_todo(request) -> tuple[int, bool]:
    """The top bar's 待办: (how many things to do, whether any is overdue), kept per user for ``TOP_BAR_SECONDS``.

    The top bar is on every page, and summing every area's reminders costs a city user tens of milliseconds
    (the 高企 renewals, the overdue projects): so the sum is kept in Django's cache for a minute and not
    recomputed on each page. A page that computed the reminders anyway (the home page, which lists them)
    shows and stores the fresh sum, so the count next to the list always agrees with it."""
    key = f"keguan:todo:{request.user.pk}"
    fresh = getattr(request, "_keguan_reminders", None)
    if fresh is None:
        kept = cache.get(key)
        if kept is not None:
            return kept
        fresh = request_reminders(request)
    summary = (sum(r.count for r in fresh), any(r.overdue for r in fresh))
    cache.set(key, summary, TOP_BAR_SECONDS)
    return summary


def home_panels(user) -> list[HomePanel]:
    panels = [resolve(dotted)(user) for area in all_areas() for dotted in area.home]
    return sorted((p for p in panels if p is not None), key=lambda p: p.order)


def start_jobs() -> list[Callable[[], str | None]]:
    return [resolve(dotted) for area in all_areas() for dotted in area.on_start]


def demo_steps() -> list[tuple[Area, Callable[..., Any]]]:
    return [(a, resolve(a.demo)) for a in sorted(all_areas(), key=lambda a: (a.demo_order, a.code)) if a.demo]


def demo_wipes() -> list[Callable[..., Any]]:
    # wipe in the reverse of the generating order: later areas refer to earlier ones
    steps = sorted((a for a in all_areas() if a.demo_wipe), key=lambda a: (a.demo_order, a.code), reverse=True)
    return [resolve(a.demo_wipe) for a in steps]


def kinds() -> list[Any]:
    return [resolve(dotted) for area in all_areas() for dotted in area.kinds]


def load_modules() -> None:
    """Import every area's indicator and report modules (they register themselves)."""
    for area in all_areas():
        for module in (area.indicators, area.report):
            if module:
                import_module(module)


def autodiscover() -> None:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("area")

