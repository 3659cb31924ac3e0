"""Access scope, end to end: every URL of the app, as every role, against records the role must not see.

The walker enumerates the URL patterns from ``get_resolver()``. It knows no area by itself: every area
declares, in its own ``scope_walk.py`` (``keguan.core.scope_walk``, named by the area's declaration), what
its URL keywords name, a valid payload and the writers of every URL that accepts POST, the status of its
pages per persona, the records it adds to the scene and how each of its scoped models belongs to a region
or an enterprise. A URL with a keyword nobody explains, a POST URL without a payload or a scoped model
without an anchor fails ``test_every_url_is_known_to_the_walker`` or
``test_every_model_tied_to_a_region_or_enterprise_declares_its_scope``: a new area cannot forget its walk.
Every request runs in a transaction that is rolled back.

For every persona it checks:

* objects of a sibling district, of another township, of another city and of another enterprise answer
  GET and POST exactly as a record id that does not exist (404, or the same role refusal 403/405),
  never 200/302, and nothing is written: no INSERT/UPDATE/DELETE reaches a keguan table and every table's
  row count, highest id and last update time (history tables included) are unchanged;
* list, export (the .xlsx is opened) and count pages never show the names, credit codes or accounts of
  foreign records, also when the query string names them, and the home page counts equal counts made
  here independently;
* read-only personas get 403 on every write URL of an object they can see, and nothing changes;
* positive controls: each persona does see, and the writers can change, what is theirs;
* ``scoped()`` itself, for every model that declares ``scope``, and that no model with a region or
  enterprise foreign key forgets to declare it.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from importlib import import_module
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models, transaction
from django.http import Http404
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from keguan.accounts.models import LoginLog, Organisation, Role, User
from keguan.accounts.scope_walk import new_organisation, new_user
from keguan.accounts.services import bureau_ensure, organisation_create, user_create
from keguan.core import areas
from keguan.core.permissions import may
from keguan.core.scope import ScopeSpec, get_for_user, scoped
from keguan.core.scope_walk import EDITORS, MANAGERS, PERSONAS, REPORTERS, Fixed, Kwarg, SceneContext, Walk
from keguan.enterprises.models import Enterprise, Stage
from keguan.enterprises.scope_walk import enterprise_import, enterprise_profile, new_enterprise
from keguan.enterprises.services import enterprise_create, label_add, year_figures_save
from keguan.regions.models import Region
from keguan.regions.scope_walk import village_import

from .conftest import World, credit_code

# --------------------------------------------------------------------------------------------------------
# The URL inventory and how to fill it, gathered from every area's scope walk.
# --------------------------------------------------------------------------------------------------------

SKIPPED_PREFIXES = ("admin/", "static/", "media/", "__debug__/")


def _walks() -> list[tuple[str, Walk]]:
    return [(a.code, import_module(a.scope_walk).WALK) for a in areas.all_areas() if a.scope_walk]


def _merged(attr: str) -> dict:
    out: dict = {}
    for code, walk in _walks():
        for key, value in getattr(walk, attr).items():
            assert key not in out, f"{key} declared twice in the areas' scope walks ({code})"
            out[key] = value
    return out


WALKS = _walks()
# What ``pk`` names, by "namespace:name" or, failing that, by namespace. Kinds are keys of Scene.objects.
PK_KINDS: dict[str, str] = _merged("pk_kinds")
_ALL_KWARGS = _merged("kwargs")
KWARGS: dict[str, Kwarg] = {"pk": Kwarg(None, lambda obj: obj.pk, True, 987654321),
                            **{k: v for k, v in _ALL_KWARGS.items() if isinstance(v, Kwarg)}}
# keywords that name no record (an import kind's code): filled with their value, the URL walked as one without
FIXED: dict[str, Any] = {k: v.value for k, v in _ALL_KWARGS.items() if isinstance(v, Fixed)}
WRITES = _merged("writes")
# URLs that act on the signed-in user's own session or account, never on a record chosen by id.
SESSION_URLS = frozenset().union(*(w.session_urls for _, w in WALKS))
# List/export pages and the kind of record they show: each persona must find all of its own there.
PAGE_SHOWS: dict[str, str] = _merged("page_shows")
# Status of the list/export/entry pages for each persona (after following redirects).
PAGE_STATUS: dict[str, dict[str, int]] = _merged("page_status")
# model label -> (the finest region the row belongs to, the enterprise it belongs to[, the user(s) owning it])
ANCHORS: dict[str, Callable[[Any], tuple]] = _merged("anchors")
# Records a bureau keeps for its own region (work summaries, plans …): one per bureau place below; a persona
# sees those of the regions it sees and writes those of its own bureau (PLACE_OF) only.
REGION_RECORDS = tuple(k for _, w in WALKS for k in w.region_records)
# Records of a district bureau (研发经费填报 rounds, 培育库 …), one per district: a persona sees those of the
# districts it sees; its own district's (OWN) are the ones it works on.
DISTRICT_RECORDS = tuple(k for _, w in WALKS for k in w.district_records)
# District records whose rows belong to a township or to a person: who sees each follows its model's anchor.
ANCHORED_RECORDS = tuple(k for _, w in WALKS for k in w.anchored_records)
assert set(ANCHORED_RECORDS) <= set(DISTRICT_RECORDS), "anchored_records must be district_records too"

# --------------------------------------------------------------------------------------------------------
# Who sees what: written out by hand from the fixture, independent of keguan.core.scope.
# --------------------------------------------------------------------------------------------------------

A_DISTRICT = {
    "enterprise": {"ent_a", "ent_a2"},
    "user": {"cn_a_staff", "cn_a_town1", "cn_a_town2", "cn_ent_a1", "cn_ent_a2"},
    "region": {"a", "a_town", "a_town2"},
    "organisation": {"org_a", "org_a_town1", "org_a_town2"},
}
VISIBLE: dict[str, dict[str, set[str]]] = {
    "city": {
        "enterprise": {"ent_a", "ent_a2", "ent_b"},
        "user": {"cn_a_staff", "cn_a_town1", "cn_a_town2", "cn_ent_a1", "cn_ent_a2", "cn_b_staff", "cn_ent_b1"},
        "region": {"city", "a", "a_town", "a_town2", "b", "b_town"},
        "organisation": {"org_a", "org_a_town1", "org_a_town2", "org_b", "org_b_town"},
    },
    "leader": A_DISTRICT,
    "staff": A_DISTRICT,
    "expert": A_DISTRICT,
    "town": {"enterprise": {"ent_a"}, "user": {"cn_a_town1"}, "region": {"a_town"}, "organisation": {"org_a_town1"}},
    "ent_user": {"enterprise": {"ent_a"}, "user": {"cn_ent_a1"}, "region": set(), "organisation": set()},
    "outsider": {
        "enterprise": {"ent_b"}, "user": {"cn_b_staff", "cn_ent_b1"}, "region": {"b", "b_town"},
        "organisation": {"org_b", "org_b_town"},
    },
    "outsider_ent": {"enterprise": {"ent_b"}, "user": {"cn_ent_b1"}, "region": set(), "organisation": set()},
}
# The object of each kind a persona works on in the positive controls ("district"/"township": where a
# payload files new records; outside the persona's regions every other district/township is foreign).
OWN: dict[str, dict[str, str | None]] = {
    "city": {"enterprise": "ent_a", "user": "cn_a_staff", "region": "a", "district": "a", "township": "a_town"},
    "leader": {"enterprise": "ent_a", "user": "cn_a_staff", "region": "a_town", "district": "a", "township": "a_town"},
    "staff": {"enterprise": "ent_a", "user": "cn_a_staff", "region": "a_town", "district": "a", "township": "a_town"},
    "town": {"enterprise": "ent_a", "user": "cn_a_town1", "region": "a_town", "district": "a", "township": "a_town"},
    "expert": {"enterprise": "ent_a", "user": "cn_a_staff", "region": "a_town", "district": "a", "township": "a_town"},
    "ent_user": {"enterprise": "ent_a", "user": "cn_ent_a1", "region": None, "district": "a", "township": "a_town"},
    "outsider": {"enterprise": "ent_b", "user": "cn_b_staff", "region": "b_town", "district": "b", "township": "b_town"},
    "outsider_ent": {"enterprise": "ent_b", "user": "cn_ent_b1", "region": None, "district": "b", "township": "b_town"},
}
# The bureaus' places (the scene's keys) and a word naming each in sentinel text.
RECORD_PLACES = {"city": "市局", "a": "甲区", "b": "乙区", "far_district": "远市"}
PLACE_OF = {"city": "city", "leader": "a", "staff": "a", "town": "a", "expert": "a", "ent_user": "a",
            "outsider": "b", "outsider_ent": "b"}
DISTRICTS = ("a", "b", "far_district")
TOWNSHIPS = ("a_town", "a_town2", "b_town")
PLACE_KINDS = {"district": DISTRICTS, "township": TOWNSHIPS}

# --------------------------------------------------------------------------------------------------------
# URL enumeration
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    namespace: str
    pattern: str
    kwargs: tuple[str, ...]  # the keywords that name records
    fixed: tuple[tuple[str, Any], ...] = ()  # keywords that name no record, with their values (FIXED)

    def __str__(self) -> str:
        return f"{self.name} (/{self.pattern})"


def url_of(route: Route, kwargs: dict[str, Any] | None = None) -> str:
    return reverse(route.name, kwargs={**dict(route.fixed), **(kwargs or {})} or None)


def _pattern_kwargs(pattern) -> tuple[str, ...]:
    converters = getattr(pattern, "converters", None)
    if converters is not None:
        return tuple(converters)
    regex = getattr(pattern, "regex", None)
    return tuple(regex.groupindex) if regex is not None else ()


def app_routes() -> list[Route]:
    found: list[Route] = []

    def walk(patterns, prefix: str, namespace: str, kwargs: tuple[str, ...]) -> None:
        for p in patterns:
            route = prefix + str(p.pattern).lstrip("^")
            if route.startswith(SKIPPED_PREFIXES):
                continue
            here = kwargs + _pattern_kwargs(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route, ":".join(x for x in (namespace, p.namespace) if x), here)
            elif isinstance(p, URLPattern):
                name = f"{namespace}:{p.name}" if namespace else str(p.name)
                fixed = tuple((k, FIXED[k]) for k in here if k in FIXED)
                found.append(Route(name, namespace, route, tuple(k for k in here if k not in FIXED), fixed))

    walk(get_resolver().url_patterns, "", "", ())
    return found


def pk_kind(route: Route) -> str | None:
    """The kind of the URL's own object: what ``pk`` names, or the kind a ``names`` kwarg names."""
    if "pk" not in route.kwargs:
        named = [KWARGS[k].names for k in route.kwargs if k in KWARGS and KWARGS[k].names]
        if named:
            return named[0]
    return PK_KINDS.get(route.name) or PK_KINDS.get(route.namespace)


def _names_object(route: Route) -> bool:
    return "pk" in route.kwargs or any(k in KWARGS and KWARGS[k].names for k in route.kwargs)


def route_problems(route: Route) -> list[str]:
    problems = []
    if route.name.endswith(":None") or route.name == "None":
        problems.append(f"{route}: URL pattern has no name; name it so the scope walker can reverse it")
    unknown = [k for k in route.kwargs if k not in KWARGS]
    if unknown:
        problems.append(f"{route}: unknown URL kwargs {unknown}; declare them in the area's scope_walk.py (Walk.kwargs)")
    if route.kwargs and not _names_object(route):
        problems.append(f"{route}: kwargs without pk; say in the area's scope_walk.py which object the URL names")
    if _names_object(route):
        kind = pk_kind(route)
        if kind is None:
            problems.append(f"{route}: no area's scope_walk.py says what pk names in namespace {route.namespace!r} (Walk.pk_kinds)")
        for k in route.kwargs:
            if k in KWARGS and KWARGS[k].of not in (None, kind):
                problems.append(f"{route}: kwarg {k} is derived from a {KWARGS[k].of}, but pk names a {kind}")
    return problems


def fill(route: Route, primary: Any, child: Any = None) -> dict[str, Any]:
    """Kwargs naming ``primary``; id-like child kwargs taken from ``child`` when given."""
    out = {}
    for k in route.kwargs:
        spec = KWARGS[k]
        source = child if (child is not None and spec.of is not None and spec.is_id) else primary
        out[k] = spec.value(source)
    return out


def missing(route: Route) -> dict[str, Any]:
    return {k: KWARGS[k].missing for k in route.kwargs}


# --------------------------------------------------------------------------------------------------------
# The scene: the conftest world plus a foreign city, labels, canary accounts, login log rows, bureaus.
# --------------------------------------------------------------------------------------------------------

CANARIES = {
    # key: (role, region key, enterprise key, full name)
    "cn_a_staff": (Role.DISTRICT_STAFF, "a", None, "甲区科员哨兵"),
    "cn_a_town1": (Role.TOWNSHIP_LIAISON, "a_town", None, "甲一街道哨兵"),
    "cn_a_town2": (Role.TOWNSHIP_LIAISON, "a_town2", None, "甲二街道哨兵"),
    "cn_ent_a1": (Role.ENTERPRISE, "a", "ent_a", "甲一企业哨兵"),
    "cn_ent_a2": (Role.ENTERPRISE, "a", "ent_a2", "甲二企业哨兵"),
    "cn_b_staff": (Role.DISTRICT_STAFF, "b", None, "乙区科员哨兵"),
    "cn_ent_b1": (Role.ENTERPRISE, "b", "ent_b", "乙一企业哨兵"),
    "cn_far_staff": (Role.DISTRICT_STAFF, "far_district", None, "远市科员哨兵"),
}


class Scene:
    def __init__(self, world) -> None:
        self.world = world
        province = Region.objects.get(code="450000")
        far_city = Region.objects.create(code="450200", name="柳州市", level=2, parent=province,
                                         path=f"{province.path}450200/")
        far_district = Region.objects.create(code="450202", name="城中区", level=3, parent=far_city,
                                             path=f"{far_city.path}450202/")
        ent_far = enterprise_create(
            actor=None, name="柳州远方机电有限公司", credit_code=credit_code("450202", 4), district=far_district,
            industry_code="34", stage=Stage.POOL,
        )
        year_figures_save(
            enterprise=ent_far, actor=None, year=2024, employees=50, st_staff=10, sales_revenue=Decimal("9000000"),
            total_cost=Decimal("8000000"), rd_domestic=Decimal("500000"), rd_abroad=Decimal("0"),
            total_assets=Decimal("9000000"), net_assets=Decimal("4000000"), hightech_income=Decimal("0"),
            ip_class1=0, ip_class2=1,
        )
        regions = {
            "city": world.city, "a": world.a, "a_town": world.a_town, "a_town2": world.a_town2,
            "b": world.b, "b_town": world.b_town, "far_city": far_city, "far_district": far_district,
        }
        ents = {"ent_a": world.ent_a, "ent_a2": world.ent_a2, "ent_b": world.ent_b, "ent_far": ent_far}
        for e in ents.values():
            label_add(enterprise=e, actor=None, kind="above_size", level="none", year=2023)
        users = {}
        for i, (key, (role, region, ent, full_name)) in enumerate(CANARIES.items()):
            users[key] = user_create(
                actor=None, username=key, password="x", role=role, region=regions[region], full_name=full_name,
                enterprise=ents[ent] if ent else None, phone=f"1390000{i:04d}", hashed_password=world.staff.password,
            )
            LoginLog.objects.create(username=key, user=users[key], region=regions[region], success=True)
        orgs = {key: bureau_ensure(region=regions[r]) for key, r in (("org_a", "a"), ("org_b", "b"), ("org_far", "far_district"))}
        for key, kind, r, name in (
            ("org_a_town1", "institute", "a_town", "甲一街道研究所哨兵"),
            ("org_a_town2", "institute", "a_town2", "甲二街道研究所哨兵"),
            ("org_b_town", "university", "b_town", "乙区大学哨兵"),
        ):
            orgs[key] = organisation_create(actor=None, kind=kind, name=name, region=regions[r])
        self.objects: dict[str, dict[str, models.Model]] = {
            "enterprise": ents, "user": users, "region": regions, "organisation": orgs,
            **{kind: {k: regions[k] for k in keys} for kind, keys in PLACE_KINDS.items()},
        }
        # each area adds its records, in the areas' order
        ctx = SceneContext(world=world, regions=regions, ents=ents, places=RECORD_PLACES, districts=DISTRICTS,
                           objects=self.objects)
        self.leak_rules: dict[str, Callable[[str, Any], list[str]]] = {}
        for code, walk in WALKS:
            if walk.scene is None:
                continue
            for kind, records in walk.scene(ctx).items():
                assert kind not in self.objects, f"record kind {kind} of area {code} is already in the scene"
                assert kind in walk.region_records + walk.district_records, (
                    f"area {code}: say whether {kind} is one per district (district_records) or per bureau "
                    "(region_records)")
                self.objects[kind] = records
                if walk.leaks is not None:
                    self.leak_rules[kind] = walk.leaks
        self.pools = self.objects.get("pool", {})
        self.personas: dict[str, User] = {**world.personas, "outsider_ent": world.outsider_ent}

    # --- who sees what -------------------------------------------------------------------------------
    def visible(self, persona: str, kind: str) -> set[str]:
        if kind in REGION_RECORDS:
            return set(RECORD_PLACES) & VISIBLE[persona]["region"]
        if kind in ANCHORED_RECORDS:
            user = self.personas[persona]
            return {k for k, obj in self.objects[kind].items() if _expected_visible(user, type(obj), obj)}
        if kind in DISTRICT_RECORDS:
            return set(DISTRICTS) & VISIBLE[persona]["region"]
        return VISIBLE[persona][kind]

    def foreign(self, persona: str, kind: str) -> dict[str, models.Model]:
        if kind in PLACE_KINDS:
            hidden = set(PLACE_KINDS[kind]) - VISIBLE[persona]["region"] - {OWN[persona][kind]}
        else:
            hidden = set(self.objects[kind]) - self.visible(persona, kind)
        return {k: self.objects[kind][k] for k in sorted(hidden)}

    def own_key(self, persona: str, kind: str) -> str | None:
        if kind in DISTRICT_RECORDS:
            return OWN[persona]["district"]
        return PLACE_OF[persona] if kind in REGION_RECORDS else OWN[persona][kind]

    def own(self, persona: str, kind: str) -> models.Model | None:
        key = self.own_key(persona, kind)
        return self.objects[kind][key] if key else None

    def forbidden_strings(self, persona: str) -> dict[str, str]:
        """Text that must never reach ``persona``: string -> what it belongs to."""
        out = {}
        for key, e in self.foreign(persona, "enterprise").items():
            out[e.name] = key
            out[e.credit_code] = key
        for key, u in self.foreign(persona, "user").items():
            out[u.username] = key
            out[u.full_name] = key
            out[u.phone] = key
        for key, o in self.foreign(persona, "organisation").items():
            out[o.name] = key
        for kind, rule in self.leak_rules.items():
            for key, obj in self.foreign(persona, kind).items():
                for text in rule(kind, obj):
                    if text:
                        out[text] = f"{kind} {key}"
        return out

    def client(self, persona: str) -> Client:
        c = Client()
        c.force_login(self.personas[persona])
        return c


@pytest.fixture(scope="module")
def module_scene(django_db_setup, django_db_blocker, password_hash):
    """One scene for the whole module (building it per test would cost more than the tests): created in a
    transaction that is rolled back at the end; each test runs in its own savepoint inside it (``db``)."""
    fast_hash = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast_hash, transaction.atomic():
        yield Scene(World(password_hash))
        transaction.set_rollback(True)


@pytest.fixture
def scene(module_scene, db) -> Scene:
    return module_scene


# --------------------------------------------------------------------------------------------------------
# Helpers: watching the database around one request, response text
# --------------------------------------------------------------------------------------------------------

WRITE_VERBS = ("INSERT", "UPDATE", "DELETE")


def keguan_models() -> list[type[models.Model]]:
    """Every model of every keguan app (history models included)."""
    return [m for m in apps.get_models() if m.__module__.startswith("keguan.")]


def fingerprint() -> dict[str, tuple]:
    """Per keguan table (history tables included): row count, highest id and latest auto-updated time,
    in one query. Every service writes a history row, so a change through the services moves it."""
    quote = connection.ops.quote_name
    columns, labels = [], []
    for m in keguan_models():
        table = quote(m._meta.db_table)
        exprs = ["COUNT(*)", f"MAX({quote(m._meta.pk.column)})"]
        exprs += [f"MAX({quote(f.column)})" for f in m._meta.concrete_fields if getattr(f, "auto_now", False)]
        for expr in exprs:
            columns.append(f"(SELECT {expr} FROM {table})")
            labels.append(m._meta.label)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns))
        row = cursor.fetchone()
    out: dict[str, list] = {}
    for label, value in zip(labels, row, strict=True):
        out.setdefault(label, []).append(value)
    return {label: tuple(values) for label, values in out.items()}


def _keguan_writes(queries: list[dict]) -> list[str]:
    tables = [f'"{m._meta.db_table}"' for m in keguan_models()]
    return [
        q["sql"][:160] for q in queries
        if q["sql"].lstrip()[:6].upper() in WRITE_VERBS and any(t in q["sql"] for t in tables)
    ]


@dataclass
class Attempt:
    response: Any
    writes: list[str]  # INSERT/UPDATE/DELETE statements the request ran on keguan tables
    changed: list[str]  # tables whose fingerprint moved
    outside: dict[str, list]  # new rows in scoped tables that ``user`` cannot see


def attempt(
    send: Callable[..., Any], *args: Any, user: User | None = None, prepare: Callable[[], None] | None = None,
    **kwargs: Any,
) -> Attempt:
    """``send(*args, **kwargs)`` (a test client's get or post) in a transaction that is rolled back
    afterwards; reports what the request wrote, and with ``user`` the new rows that user cannot see."""
    with transaction.atomic():
        if prepare is not None:
            prepare()
        before = fingerprint() if user is not None else None
        savepoint = transaction.savepoint()
        with CaptureQueriesContext(connection) as captured:
            response = send(*args, **kwargs)
        writes = _keguan_writes(captured.captured_queries)
        changed: list[str] = []
        outside: dict[str, list] = {}
        if writes or before is not None:  # without a write statement nothing can have changed
            after = fingerprint()
            if before is None:  # the state before the request, to compare with
                transaction.savepoint_rollback(savepoint)
                before = fingerprint()
            changed = [label for label in before if before[label] != after[label]]
        for m in scoped_models() if user is not None else ():
            if m._meta.label not in changed:
                continue
            new = m._base_manager.filter(pk__gt=before[m._meta.label][1] or 0)  # (count, highest id, …)
            hidden = new.exclude(pk__in=scoped(m, user).values("pk")).values_list("pk", flat=True)
            if hidden:
                outside[m._meta.label] = sorted(hidden)
        transaction.set_rollback(True)
    return Attempt(response, writes, changed, outside)


def response_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if "wordprocessingml" in response.get("Content-Type", ""):
        with zipfile.ZipFile(io.BytesIO(content)) as docx:
            xml = "".join(docx.read(n).decode("utf-8") for n in docx.namelist() if n.startswith("word/"))
        return re.sub(r"<[^>]+>", "", xml)
    if "spreadsheetml" in response.get("Content-Type", ""):
        wb = load_workbook(io.BytesIO(content), read_only=True)
        cells = [str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None]
        return "\n".join(cells)
    return content.decode("utf-8", errors="replace")


def submitted_text(data: dict) -> str:
    parts = []
    for value in data.values():
        if isinstance(value, SimpleUploadedFile):
            value.seek(0)
            parts.append(value.read().decode("utf-8", errors="replace"))
            value.seek(0)
        else:
            parts.append(str(value))
    return "\n".join(parts)


def leaks(text: str, forbidden: dict[str, str], submitted: str = "") -> list[str]:
    """Forbidden strings in ``text``, except those the persona typed in itself (a form echoes its input)."""
    return sorted({f"{s!r} ({key})" for s, key in forbidden.items() if s and s in text and s not in submitted})


SUCCESS = range(200, 400)
REFUSALS = {403, 404, 405}


# --------------------------------------------------------------------------------------------------------
# Inventory
# --------------------------------------------------------------------------------------------------------


def test_every_url_is_known_to_the_walker(scene):
    routes = app_routes()
    names = {r.name for r in routes}
    assert {"core:home", "enterprises:detail", "accounts:user_password", "regions:node"} <= names
    problems = [p for r in routes for p in route_problems(r)]
    # Every URL that accepts POST needs a payload here (or is a session URL): probe as a superuser with
    # ids that name nothing; GET-only views answer 405 before they look at anything.
    root = User.objects.create_superuser("scope_root", password="x")
    c = Client()
    c.force_login(root)
    for route in routes:
        if route.name in WRITES or route.name in SESSION_URLS or route_problems(route):
            continue
        status = attempt(c.post, url_of(route, missing(route))).response.status_code
        if status != 405:
            problems.append(f"{route}: accepts POST (answered {status}) but WRITES has no payload for it")
    stale = (set(WRITES) | set(PAGE_SHOWS) | set(PAGE_STATUS)) - names
    problems += [f"{name}: listed in an area's scope_walk.py but no such URL" for name in sorted(stale)]
    assert not problems, "\n".join(problems)


def test_admin_is_closed_to_every_persona(scene):
    for persona in PERSONAS:
        c = scene.client(persona)
        for url in ("/admin/", "/admin/enterprises/enterprise/", f"/admin/enterprises/enterprise/{scene.world.ent_b.pk}/change/"):
            response = c.get(url)
            assert response.status_code == 302 and "/admin/login/" in response["Location"], (persona, url)
        url = f"/admin/accounts/user/{scene.world.outsider.pk}/change/"
        result = attempt(c.post, url, {"is_active": ""})
        assert result.response.status_code == 302 and "/admin/login/" in result.response["Location"]
        assert not result.writes and not result.changed


# --------------------------------------------------------------------------------------------------------
# The walk: foreign objects in every URL
# --------------------------------------------------------------------------------------------------------


@dataclass
class Probe:
    route: Route
    label: str
    kwargs: dict[str, Any]
    payload_from: Any  # the object the POST payload is built from


def foreign_probes(scene: Scene, persona: str, route: Route) -> list[Probe]:
    probes: list[Probe] = []
    if not route.kwargs:
        write = WRITES.get(route.name)
        if write is not None and write.target is not None:
            for key, obj in scene.foreign(persona, write.target).items():
                probes.append(Probe(route, f"payload→{key}", {}, obj))
        return probes
    kind = pk_kind(route)
    own = scene.own(persona, kind)
    id_children = [k for k in route.kwargs if KWARGS[k].of is not None and KWARGS[k].is_id]
    for key, obj in scene.foreign(persona, kind).items():
        probes.append(Probe(route, key, fill(route, obj), obj))  # (every scene record has its child rows)
        if own is not None and id_children:
            # the persona's own object with a foreign child id, and the reverse
            probes.append(Probe(route, f"own+child of {key}", fill(route, own, child=obj), own))
            probes.append(Probe(route, f"{key}+own child", fill(route, obj, child=own), obj))
    return probes


@pytest.mark.parametrize("persona", PERSONAS)
def test_foreign_records_answer_like_missing_ones(scene, persona):
    c = scene.client(persona)
    forbidden = scene.forbidden_strings(persona)
    failures: list[str] = []
    combos = 0
    for route in app_routes():
        if route.name in SESSION_URLS or (not route.kwargs and route.name not in WRITES) or route_problems(route):
            continue  # (URLs with problems fail test_every_url_is_known_to_the_walker)
        write = WRITES.get(route.name)
        baseline = {}
        if route.kwargs:
            url = url_of(route, missing(route))
            baseline["GET"] = attempt(c.get, url).response.status_code
            baseline["POST"] = attempt(c.post, url).response.status_code
            for method, status in baseline.items():
                if status not in REFUSALS:
                    failures.append(f"{route} {method} with ids that name nothing answered {status}")
        for probe in foreign_probes(scene, persona, route):
            combos += 1
            url = url_of(route, probe.kwargs)
            data = write.payload(probe.payload_from) if write else {}
            # A create form's GET names nothing; a method refused (405) for a missing id is refused by a
            # decorator before any lookup, so it is refused alike for every id.
            methods = [m for m in ("GET", "POST") if baseline.get(m) != 405] if route.kwargs else ["POST"]
            for method in methods:
                result = attempt(c.get, url) if method == "GET" else attempt(c.post, url, data)
                where = f"{persona} {method} {url} [{route.name}: {probe.label}]"
                status = result.response.status_code
                if route.kwargs:
                    if status in SUCCESS or status != baseline[method]:
                        failures.append(f"{where}: answered {status}, a missing id answers {baseline[method]}")
                elif status not in (200, 302, 403, 405):  # 302: accepted, but it must not have written
                    failures.append(f"{where}: answered {status}")
                if result.writes or result.changed:
                    failures.append(f"{where}: wrote {result.changed} {result.writes}")
                found = leaks(response_text(result.response), forbidden, submitted_text(data) if method == "POST" else "")
                if found:
                    failures.append(f"{where}: response shows {found}")
    assert combos > 0
    assert not failures, "\n".join(failures)


# --------------------------------------------------------------------------------------------------------
# Lists, exports, counts
# --------------------------------------------------------------------------------------------------------


def query_probes(scene: Scene, persona: str, response, text: str) -> list[dict[str, Any]]:
    """Query strings that would surface foreign records if a filter were applied outside the scope, for
    pages whose output may depend on the query string (a GET form or a download): broad keywords matching
    every firm and account (where there is a keyword box, or a download), and each foreign firm's code and
    ids under every parameter name a list might read (unknown parameters are harmless)."""
    download = "spreadsheetml" in response.get("Content-Type", "")
    if not (download or 'method="get"' in text):
        return []
    keywords = download or 'name="q"' in text
    out: list[dict[str, Any]] = [{"q": "有限公司", "sort": "-updated_at", "page": 1}, {"q": "cn_"}] if keywords else []
    for e in scene.foreign(persona, "enterprise").values():
        out.append({"q": e.credit_code if keywords else "", "district": e.district_id, "township": e.township_id or "",
                    "region": e.township_id or e.district_id, "enterprise": e.pk, "pk": e.pk, "id": e.pk})
    return out


@pytest.mark.parametrize("persona", PERSONAS)
def test_lists_exports_and_counts_show_only_the_personas_records(scene, persona):
    c = scene.client(persona)
    forbidden = scene.forbidden_strings(persona)
    failures: list[str] = []
    pages = [r for r in app_routes() if not r.kwargs and r.name not in ("accounts:logout",)]
    for route in pages:
        url = url_of(route)
        probes: list[dict[str, Any]] = [{}]
        while probes:
            params = probes.pop(0)
            result = attempt(c.get, url, params, follow=True)
            response = result.response
            where = f"{persona} GET {url}?{params}"
            if response.status_code not in {200, *REFUSALS}:
                failures.append(f"{where}: answered {response.status_code}")
            text = response_text(response)
            found = leaks(text, forbidden, submitted=" ".join(str(v) for v in params.values()))
            if found:
                failures.append(f"{where}: shows {found}")
            if result.writes or result.changed:
                failures.append(f"{where}: a GET wrote {result.changed} {result.writes}")
            if params:
                continue
            # positive controls on the unfiltered page
            expected = PAGE_STATUS.get(route.name, {}).get(persona)
            if expected is not None and response.status_code != expected:
                failures.append(f"{where}: answered {response.status_code}, expected {expected}")
            kind = PAGE_SHOWS.get(route.name)
            if kind and response.status_code == 200:
                for key in scene.visible(persona, kind):
                    obj = scene.objects[kind][key]
                    wanted = obj.username if kind == "user" else getattr(obj, "title", None) or obj.name
                    if wanted not in text:
                        failures.append(f"{where}: does not show its own {kind} {key} ({wanted})")
                    if route.name == "enterprises:export" and obj.credit_code not in text:
                        failures.append(f"{where}: export lacks the credit code of {key}")
            if response.status_code == 200 and not response.redirect_chain:  # (else a refusal, or another page)
                probes = query_probes(scene, persona, response, text)
    assert not failures, "\n".join(failures)


def _expected_visible(user, model: type[models.Model], obj: models.Model) -> bool:
    """Scope, restated without keguan.core.scope: a row belongs to a region (its finest one) and perhaps to
    an enterprise; staff see rows within their region, enterprise users the rows of their enterprise."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    anchor = ANCHORS[model._meta.label](obj)
    region, enterprise_id = anchor[:2]
    if user.role == Role.ENTERPRISE:
        return enterprise_id is not None and enterprise_id == user.enterprise_id
    if not (region is not None and user.region is not None and region.is_within(user.region)):
        return False
    if len(anchor) > 2 and model.scope.own is not None and may(user, model.scope.own[0]):
        # a row a person owns (ScopeSpec.own): a user holding the model's "own" permission sees only its own
        owners = anchor[2]
        owners = set(owners) if isinstance(owners, (set, frozenset, list, tuple)) else {owners}
        return user.pk in owners
    return True




@pytest.mark.parametrize("persona", PERSONAS)
def test_home_and_list_counts_equal_independent_counts(scene, persona):
    user = scene.personas[persona]
    c = scene.client(persona)
    mine = [scene.objects["enterprise"][k] for k in VISIBLE[persona]["enterprise"]]
    response = c.get(reverse("core:home"))
    if user.role == Role.ENTERPRISE:  # its 待办 (its own items only), or straight to its firm when nothing is due
        if response.status_code == 302:
            assert response["Location"] == reverse("enterprises:mine")
        else:
            assert response.status_code == 200 and "stage_counts" not in response.context
            own = (reverse("enterprises:mine"), f"/enterprises/{user.enterprise_id}/", reverse("pipeline:self_check"))
            assert all(r.url.startswith(own) for r in response.context["reminders"])
        return
    assert response.status_code == 200
    ctx = response.context
    by_stage = Counter(e.stage for e in mine)
    assert {v: n for v, _label, n, _d in ctx["stage_counts"]} == {v: by_stage.get(v, 0) for v in Stage.values}
    assert ctx["total"] == len(mine)
    # per sub-area: districts of a city, townships of a district; a township sees itself
    region = user.region
    if region.level == 4:
        areas = {region.pk}
    else:
        areas = set(Region.objects.filter(parent=region).values_list("pk", flat=True))
    area_field = "district_id" if region.level < 3 else "township_id"
    expected_rows = Counter(getattr(e, area_field) for e in mine)
    rows = ctx["area_rows"]
    assert {r["area"].pk for r in rows if r["area"] is not None} == areas
    assert {r["area"].pk if r["area"] else None: r["total"] for r in rows if r["total"]} == dict(expected_rows)
    assert sum(r["total"] for r in rows) == len(mine)
    # list page counts
    page = c.get(reverse("enterprises:list")).context["page"]
    assert page.paginator.count == len(mine)
    assert {e.pk for e in page.object_list} == {e.pk for e in mine}
    if persona in MANAGERS:
        users = [u for u in User.objects.filter(is_superuser=False) if _expected_visible(user, User, u)]
        page = c.get(reverse("accounts:user_list")).context["page"]
        assert page.paginator.count == len(users)
        logs = [log for log in LoginLog.objects.select_related("user", "region") if _expected_visible(user, LoginLog, log)]
        page = c.get(reverse("accounts:login_log")).context["page"]
        assert page.paginator.count == len(logs)
    orgs = [o for o in Organisation.objects.all() if _expected_visible(user, Organisation, o)]
    page = c.get(reverse("accounts:organisation_list")).context["page"]
    assert page.paginator.count == len(orgs) == len(VISIBLE[persona]["organisation"])


# --------------------------------------------------------------------------------------------------------
# Writes on objects in scope: writers succeed, read-only personas get 403
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_writers_change_records_in_their_scope(scene, persona):
    """On its own record a writer succeeds (302, data changed, new rows inside its scope) and everyone else
    gets 403 without a write. Records of other bureaus that the persona may read (a city's view of its
    districts' work summaries) are read-only for it: 403 too."""
    c = scene.client(persona)
    failures: list[str] = []
    routes = {r.name: r for r in app_routes()}
    for name, write in WRITES.items():
        route = routes[name]
        kind = write.target if not route.kwargs else pk_kind(route)
        targets: list[tuple[Any, bool]] = [(scene.own(persona, kind) if kind else None, persona in write.writers)]
        if route.kwargs and kind in REGION_RECORDS:
            own_key = scene.own_key(persona, kind)
            targets += [(scene.objects[kind][k], False) for k in sorted(scene.visible(persona, kind) - {own_key})]
        for obj, allowed in targets:
            assert obj is not None or kind is None, (persona, kind)
            url = url_of(route, fill(route, obj) if route.kwargs else None)
            got = attempt(c.get, url)
            may_get = allowed or (persona in write.readers and obj is targets[0][0])
            if got.response.status_code not in ({200, 405} if may_get else {403, 405}) or got.writes or got.changed:
                failures.append(f"{persona} GET {url} [{name}]: answered {got.response.status_code}, wrote {got.writes}")
            prepare = (lambda write=write, obj=obj: write.prepare(obj)) if allowed and write.prepare else None
            result = attempt(c.post, url, write.payload(obj), user=scene.personas[persona], prepare=prepare)
            status = result.response.status_code
            where = f"{persona} POST {url} [{name}]"
            if allowed:
                if status != 302 or not (result.changed or result.writes):
                    failures.append(f"{where}: a writer got {status}, changed={result.changed} (payload invalid?)")
                if result.outside:
                    failures.append(f"{where}: created rows outside the persona's own scope: {result.outside}")
            else:
                if status != 403:
                    failures.append(f"{where}: a read-only persona got {status}, expected 403")
                if result.writes or result.changed:
                    failures.append(f"{where}: a read-only persona wrote {result.changed} {result.writes}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_sees_its_own_records(scene, persona):
    c = scene.client(persona)
    for key in VISIBLE[persona]["enterprise"]:
        e = scene.objects["enterprise"][key]
        response = c.get(reverse("enterprises:detail", kwargs={"pk": e.pk}))
        assert response.status_code == 200 and e.name in response.content.decode(), (persona, key)
    for key in VISIBLE[persona]["region"]:
        r = scene.objects["region"][key]
        response = c.get(reverse("regions:node", kwargs={"pk": r.pk}))
        assert response.status_code == 200 and r.name in response.content.decode(), (persona, key)
    if persona in MANAGERS:
        for key in VISIBLE[persona]["user"]:
            u = scene.objects["user"][key]
            response = c.get(reverse("accounts:user_password", kwargs={"pk": u.pk}))
            assert response.status_code == 200, (persona, key)
    if persona in REPORTERS:  # a bureau reads the work summaries of the regions it oversees
        for key in scene.visible(persona, "report_version"):
            v = scene.objects["report_version"][key]
            for name in ("reports:version", "reports:version_download"):
                assert c.get(reverse(name, kwargs={"pk": v.pk})).status_code == 200, (persona, key, name)


def test_create_forms_refuse_foreign_references(scene):
    """A district editor cannot file records under another district's township or enterprise, and a
    duplicate credit code does not reveal which foreign firm holds it."""
    w = scene.world
    for persona, foreign_ent, own_district in (("staff", w.ent_b, w.a), ("outsider", w.ent_a, w.b)):
        c = scene.client(persona)
        forbidden = scene.forbidden_strings(persona)
        attempts = [
            ("enterprises:create", {**new_enterprise(own_district), "township": foreign_ent.township_id}),
            ("enterprises:create", {**new_enterprise(own_district), "credit_code": foreign_ent.credit_code}),
            ("accounts:user_create", {**new_user(own_district), "role": Role.ENTERPRISE,
                                      "enterprise": foreign_ent.pk}),
            ("accounts:user_create", {**new_user(own_district), "region": foreign_ent.district_id}),
        ]
        own_ent = scene.own(persona, "enterprise")
        attempts.append(("enterprises:edit", {**enterprise_profile(own_ent), "township": foreign_ent.township_id}))
        attempts.append(("enterprises:edit", {**enterprise_profile(own_ent), "district": foreign_ent.district_id}))
        attempts.append(("enterprises:edit", {**enterprise_profile(own_ent), "credit_code": foreign_ent.credit_code}))
        attempts.append(("accounts:organisation_create", new_organisation(foreign_ent.district)))
        attempts.append(("accounts:organisation_create", {**new_organisation(own_district), "region": foreign_ent.township_id}))
        for name, data in attempts:
            url = reverse(name, kwargs={"pk": own_ent.pk} if name == "enterprises:edit" else None)
            result = attempt(c.post, url, data)
            where = (persona, name, submitted_text(data))
            assert result.response.status_code == 200, (*where, result.response.status_code)
            assert not result.writes and not result.changed, (*where, result.changed, result.writes)
            found = leaks(response_text(result.response), forbidden, submitted_text(data))
            assert not found, (*where, found)
        # the import engine: a foreign firm's code in an upload is refused at the check (a failed run of the
        # persona's own district), nothing else is written and the run's page names no foreign record
        data = enterprise_import(foreign_ent)
        result = attempt(c.post, reverse("exchange:kind", args=["enterprises"]), data, user=scene.personas[persona],
                         follow=True)
        assert result.response.status_code == 200, (persona, result.response.status_code)
        assert set(result.changed) <= {"exchange.ImportRun"} and not result.outside, (persona, result.changed)
        assert "检查未通过" in response_text(result.response), persona
        found = leaks(response_text(result.response), forbidden, submitted_text(data))
        assert not found, (persona, "exchange:kind", found)
        # A village list naming a foreign township goes through the engine: the upload becomes a run of the
        # user's own district that fails its check; no village is written and nothing foreign is shown.
        data = village_import(foreign_ent.township)
        result = attempt(c.post, reverse("exchange:kind", args=["villages"]), data, follow=True,
                         user=scene.personas[persona])
        where = (persona, "exchange:kind villages", submitted_text(data))
        text = response_text(result.response)
        assert result.response.status_code == 200, (*where, result.response.status_code)
        assert result.changed == ["exchange.ImportRun"] and not result.outside, (*where, result.changed)
        assert "检查未通过" in text and f"不是{own_district.name}辖区内的乡镇/街道代码" in text, where
        assert foreign_ent.township.name not in text and foreign_ent.district.name not in text, where
        found = leaks(text, forbidden, submitted_text(data))
        assert not found, (*where, found)


# --------------------------------------------------------------------------------------------------------
# keguan.core.scope itself
# --------------------------------------------------------------------------------------------------------


def _is_history_model(model: type[models.Model]) -> bool:
    # simple-history's rows: a model's history, and the many-to-many rows kept with each history row
    return any(f.name in ("history_id", "m2m_history_id") for f in model._meta.fields)


def _lookup_target(model: type[models.Model], lookup: str) -> type[models.Model]:
    if lookup in ("", "pk"):
        return model
    for part in lookup.split("__"):
        model = model._meta.get_field(part).related_model
    return model


def scoped_models() -> list[type[models.Model]]:
    return [
        m for m in apps.get_models()
        if isinstance(getattr(m, "scope", None), ScopeSpec) and not _is_history_model(m)
    ]


def test_every_model_tied_to_a_region_or_enterprise_declares_its_scope():
    problems = []
    for model in keguan_models():
        if _is_history_model(model):
            continue
        ties = [
            f.name for f in model._meta.get_fields()
            if f.concrete and (f.many_to_one or f.one_to_one or f.many_to_many)
            and f.related_model in (Region, Enterprise)
        ]
        spec = getattr(model, "scope", None)
        if ties and not isinstance(spec, ScopeSpec):
            problems.append(f"{model._meta.label} has {ties} but no `scope = ScopeSpec(...)`")
        if isinstance(spec, ScopeSpec):
            for level, lookup in spec.regions.items():
                if _lookup_target(model, lookup) is not Region:
                    problems.append(f"{model._meta.label}.scope.regions[{level}] = {lookup!r} is not a Region")
            for lookup in getattr(spec, "region_levels", {}):
                if lookup not in spec.regions.values():
                    problems.append(f"{model._meta.label}.scope.region_levels names {lookup!r}, not a region lookup")
            if spec.enterprise is not None and _lookup_target(model, spec.enterprise) is not Enterprise:
                problems.append(f"{model._meta.label}.scope.enterprise = {spec.enterprise!r} is not an Enterprise")
            if model._meta.label not in ANCHORS:
                problems.append(f"{model._meta.label} declares scope; add its anchor to its area's scope_walk.py (ANCHORS)")
    assert not problems, "\n".join(problems)


def test_scoped_matches_the_independent_rule_for_every_scoped_model(scene):
    root = User.objects.create_superuser("scope_root", password="x")
    gone = user_create(actor=None, username="cn_gone", password="x", role=Role.DISTRICT_STAFF, region=scene.world.a,
                       hashed_password=root.password)
    gone.is_active = False
    gone.save()
    users = {**scene.personas, "superuser": root, "inactive": gone, "anonymous": AnonymousUser()}
    models_ = scoped_models()
    assert {m._meta.label for m in models_} >= set(ANCHORS)
    for model in models_:
        rows = list(model._default_manager.all())
        assert rows, f"the scene has no {model._meta.label} rows; add some so its scope is tested"
        for name, user in users.items():
            got = set(scoped(model, user).values_list("pk", flat=True))
            want = {row.pk for row in rows if _expected_visible(user, model, row)}
            assert got == want, (model._meta.label, name, sorted(got ^ want))
    # get_for_user: 404 outside, 403 for a read-only persona asking to write, the row otherwise
    for persona in PERSONAS:
        user = scene.personas[persona]
        for key, e in scene.objects["enterprise"].items():
            if key in VISIBLE[persona]["enterprise"]:
                assert get_for_user(Enterprise, user, e.pk) == e
                if persona in EDITORS or user.enterprise_id == e.pk:
                    assert get_for_user(Enterprise, user, e.pk, write=True) == e
                else:
                    with pytest.raises(PermissionDenied):
                        get_for_user(Enterprise, user, e.pk, write=True)
            else:
                for write in (False, True):
                    with pytest.raises(Http404):
                        get_for_user(Enterprise, user, e.pk, write=write)
        for bad in ("abc", None, -1):
            with pytest.raises(Http404):
                get_for_user(Enterprise, user, bad)
