"""What an area tells the scope walker (``tests/test_scope.py``) about its URLs and records.

The walker requests every URL of keguan as every persona, against records the persona must not see, and
checks that nothing leaks and nothing is written. It knows nothing of any area by itself: each area's
``scope_walk.py`` (named by ``Area.scope_walk``) declares a ``WALK = Walk(...)`` with

* ``pk_kinds``: what the URL keyword ``pk`` names, by "namespace:name" or by namespace (a kind of record:
  "enterprise", "user", "region", or one of the area's own kinds);
* ``kwargs``: how to fill its other URL keywords (``Kwarg``, or ``Fixed`` for a keyword that names no
  record, such as an import kind's code);
* ``writes``: for every URL that accepts POST, who may use it on a record of its own scope and a valid
  payload (``Write``); ``session_urls``: URLs that act only on the signed-in user's own session;
* ``page_shows`` / ``page_status``: the kind of record a list or export shows (each persona must find all of
  its own there) and the status each persona gets on it;
* ``anchors``: for each scoped model (``scope = ScopeSpec(...)``), the finest region a row belongs to and its
  enterprise, restated independently of ``keguan.core.scope``;
* ``scene``: adds the area's records to the walker's scene — one per district (``district_records``) or per
  bureau (``region_records``), keyed as the scene's places ("city", "a", "b", "far_district") — and
  ``leaks``: the strings that identify one of its records (its title, notes) and must never reach a persona
  who may not see it;
* ``anchored_records``: district records (also listed in ``district_records``) whose rows are not simply
  their district's: rows of a township, rows a person owns (``ScopeSpec.own``). Who sees each is then
  decided by its model's anchor, and their keys are free ("a", "a_other", "b"); a persona's own is still
  the one under its district's key. An anchor may return a third element, the id (or a set of ids) of the
  user(s) owning the row: a persona holding the model's ``own`` permission sees only the rows it owns.

The walker fails when a URL or a scoped model is not covered, so a new area cannot forget its walk.

Personas: "city" (市局人员), "leader" and "staff" (district A's bureau), "town" (a township of A), "expert"
(科技特派员 of A), "ent_user" (a firm of A), "outsider" (district B's staff), "outsider_ent" (a firm of B).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PERSONAS = ("city", "leader", "staff", "town", "expert", "ent_user", "outsider", "outsider_ent")
EDITORS = frozenset({"leader", "staff", "outsider"})  # district bureaus: write their district's records
ENTERPRISE_USERS = frozenset({"ent_user", "outsider_ent"})
MANAGERS = frozenset({"city", "leader", "staff", "outsider"})  # bureaus: manage accounts, read the lists
REPORTERS = MANAGERS  # write their own bureau's work summary
BUREAU_SIDE = frozenset({"city", "leader", "staff", "town", "expert", "outsider"})  # government-side accounts

TODAY = dt.date.today().isoformat()


@dataclass(frozen=True)
class Kwarg:
    """How to fill one URL keyword. ``of`` is None for ``pk`` (the URL's own object); otherwise the value
    is derived from the URL's primary object, which must be of kind ``of``. ``is_id`` marks values that
    identify a row by themselves, so the walker also tries them under an object the persona does see."""

    of: str | None
    value: Callable[[Any], Any]
    is_id: bool
    missing: Any  # a value that names no row
    names: str | None = None  # a kwarg other than ``pk`` that names the URL's own object: the kind it names


@dataclass(frozen=True)
class Fixed:
    """A URL keyword that names no record but a fixed thing (an import kind by its code): the walker fills
    it with ``value`` and treats the URL as one without keywords."""

    value: Any


@dataclass(frozen=True)
class Write:
    """A URL that changes data: who may use it on an object in its own scope, and a valid payload."""

    writers: frozenset[str]
    payload: Callable[[Any], dict]
    target: str | None = None  # for URLs without kwargs: the kind of object the payload points at (None:
    # the URL only ever acts on the user's own region, so there is nothing foreign to point it at)
    prepare: Callable[[Any], None] | None = None  # make the positive control possible (rolled back)
    readers: frozenset[str] = frozenset()  # personas who may GET the page read-only


@dataclass
class SceneContext:
    """What an area's scene step builds on: the conftest world, the scene's regions and firms by key
    ("city", "a", "a_town", "a_town2", "b", "b_town", "far_city", "far_district"; "ent_a", "ent_a2",
    "ent_b", "ent_far"), the bureaus' places and words, and the records made so far by kind."""

    world: Any
    regions: dict[str, Any]
    ents: dict[str, Any]
    places: dict[str, str]  # bureau place key → a word naming it in sentinel text ("甲区")
    districts: tuple[str, ...]
    objects: dict[str, dict[str, Any]]


@dataclass(frozen=True)
class Walk:
    pk_kinds: dict[str, str] = field(default_factory=dict)
    kwargs: dict[str, Kwarg | Fixed] = field(default_factory=dict)
    writes: dict[str, Write] = field(default_factory=dict)
    session_urls: frozenset[str] = frozenset()
    page_shows: dict[str, str] = field(default_factory=dict)
    page_status: dict[str, dict[str, int]] = field(default_factory=dict)
    anchors: dict[str, Callable[[Any], tuple]] = field(default_factory=dict)
    district_records: tuple[str, ...] = ()
    anchored_records: tuple[str, ...] = ()
    region_records: tuple[str, ...] = ()
    scene: Callable[[SceneContext], dict[str, dict[str, Any]]] | None = None
    leaks: Callable[[str, Any], list[str]] | None = None


def status(allowed: frozenset[str] | set[str], ok: int = 200, refused: int = 403) -> dict[str, int]:
    """A page's status per persona: ``ok`` for the allowed personas, ``refused`` for the others."""
    return {p: ok if p in allowed else refused for p in PERSONAS}


def enterprise_anchor(e) -> tuple[Any, int | None]:
    """A firm's row belongs to its township (or district) and to the firm."""
    return (e.township or e.district), e.pk


# The workbench's own page: every signed-in persona has a home page (enterprise users are sent to their firm).
WALK = Walk(page_status={"core:home": status(set(PERSONAS))})


def combine(*parts: Walk) -> Walk:
    """One area's walk from its parts' (an area built in parts keeps one ``Walk`` per part): their dictionaries
    merged, their record kinds, scenes and leak lists joined."""

    def union(attr: str) -> dict:
        out: dict = {}
        for part in parts:
            out.update(getattr(part, attr))
        return out

    def scene(ctx: SceneContext) -> dict:
        out: dict = {}
        for part in parts:
            if part.scene is not None:
                # a later part may build on an earlier part's records
                out.update(part.scene(dataclasses.replace(ctx, objects={**ctx.objects, **out})))
        return out

    def leaks(kind: str, obj) -> list[str]:
        return [text for part in parts if part.leaks is not None for text in part.leaks(kind, obj)]

    return Walk(
        pk_kinds=union("pk_kinds"), kwargs=union("kwargs"), writes=union("writes"), page_shows=union("page_shows"),
        page_status=union("page_status"), anchors=union("anchors"),
        session_urls=frozenset().union(*(p.session_urls for p in parts)),
        district_records=tuple(k for p in parts for k in p.district_records),
        region_records=tuple(k for p in parts for k in p.region_records),
        anchored_records=tuple(k for p in parts for k in p.anchored_records),
        scene=scene, leaks=leaks,
    )
