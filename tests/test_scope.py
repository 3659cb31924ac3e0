"""Access scope, end to end: every URL of the app, as every role, against records the role must not see.

The walker enumerates the URL patterns from ``get_resolver()`` and fills each URL's keyword arguments
from the explicit maps below (``PK_KINDS`` and ``KWARGS``). A URL with a keyword the walker does not know,
or a URL that accepts POST without a payload in ``WRITES``, fails ``test_every_url_is_known_to_the_walker``:
whoever adds an area extends these maps, and the walk then covers the new pages automatically.

Adding an area: name what ``pk`` means in ``PK_KINDS`` (and new kwargs in ``KWARGS``; a kwarg other than
``pk`` that names the URL's own object gives its kind as ``names``); put a valid payload
and its writers in ``WRITES``; add the area's records to ``Scene`` — one per district/township/enterprise the
personas must not see — with who sees them (``VISIBLE``, or ``REGION_RECORDS`` for a bureau's own records);
and each new scoped model to ``ANCHORS``. Every request runs in a transaction that is rolled back.

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

import csv
import datetime as dt
import io
import re
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
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
from keguan.accounts.services import bureau_ensure, organisation_create, user_create
from keguan.core.scope import ScopeSpec, get_for_user, scoped
from keguan.enterprises.models import Enterprise, Stage
from keguan.enterprises.services import enterprise_create, label_add, year_figures_save
from keguan.exchange.models import ImportRun
from keguan.indicators.models import ReportedValue, Target
from keguan.regions.models import Region
from keguan.reports.models import IssueItem, PlanItem, ReportTemplate
from keguan.reports.services import report_generate
from keguan.rules.periods import Period

from .conftest import World, credit_code

# --------------------------------------------------------------------------------------------------------
# The URL inventory and how to fill it. Extend these maps when you add URLs.
# --------------------------------------------------------------------------------------------------------

SKIPPED_PREFIXES = ("admin/", "static/", "media/", "__debug__/",
                    # the import engine's pages: its URLs name a kind by code (``kind``), which this walker
                    # cannot fill yet; tests/exchange/test_views.py covers their scope and permissions
                    "exchange/")

# What ``pk`` names, by "namespace:name" or, failing that, by namespace. Kinds are keys of Scene.objects.
PK_KINDS: dict[str, str] = {
    "enterprises": "enterprise",
    "pipeline": "enterprise",
    "accounts": "user",
    "regions": "region",
    "reports:version": "report_version",
    "reports:version_edit": "report_version",
    "reports:version_download": "report_version",
    "reports:version_regenerate": "report_version",
    "reports:plan_status": "plan_item",
    "reports:issue_delete": "issue_item",
    "reports:template_toggle": "report_template",
    "rd": "rd_round",
    **{f"rd:{name}": "rd_firm" for name in ("firm", "firm_report", "firm_clear", "firm_call", "firm_remove")},
}


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


KWARGS: dict[str, Kwarg] = {
    "pk": Kwarg(None, lambda obj: obj.pk, True, 987654321),
    "label_pk": Kwarg("enterprise", lambda e: e.labels.order_by("pk")[0].pk, True, 987654321),
    "year": Kwarg("enterprise", lambda e: e.years.order_by("-year")[0].year, False, 1991),
    # (in the pipeline namespace pk names an enterprise; a cultivation pool's pages name it pool_pk)
    "pool_pk": Kwarg(None, lambda pool: pool.pk, True, 987654321, names="pool"),
}

TODAY = dt.date.today().isoformat()
REPORT_YEAR = str(dt.date.today().year - 1)  # a work-summary period the forms offer
FIGURES = {
    "employees": 120, "st_staff": 25, "sales_revenue": "31000000", "total_cost": "26000000",
    "rd_domestic": "1600000", "rd_abroad": "0", "total_assets": "41000000", "net_assets": "21000000",
    "hightech_income": "21000000", "ip_class1": 2, "ip_class2": 4,
}
NEW_PASSWORD = "Xinmima#2025abc"


def _enterprise_profile(e: Enterprise) -> dict:
    return {
        "name": "范围测试改名有限公司", "credit_code": e.credit_code, "legal_rep": "张三", "registered_on": "",
        "address": "", "district": e.district_id, "township": e.township_id or "",
        "industry_code": e.industry_code, "tech_field": e.tech_field, "size_class": e.size_class,
        "contact_name": "", "contact_phone": "",
    }


def _new_enterprise(district: Region) -> dict:
    return {
        "name": "范围测试新建有限公司", "credit_code": credit_code(district.code, 77), "legal_rep": "",
        "registered_on": "", "address": "", "district": district.pk, "township": "", "industry_code": "39",
        "tech_field": "", "size_class": "", "contact_name": "", "contact_phone": "",
    }


def _new_user(district: Region) -> dict:
    return {
        "username": "cn_created", "full_name": "新建哨兵", "role": Role.DISTRICT_STAFF, "region": district.pk,
        "enterprise": "", "phone": "", "password": NEW_PASSWORD,
    }


def _new_organisation(district: Region) -> dict:
    return {"kind": "university", "name": "范围测试大学", "region": district.pk, "credit_code": ""}


def _csv(name: str, rows: list[list[str]]) -> SimpleUploadedFile:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), content_type="text/csv")


def _enterprise_import(e: Enterprise) -> dict:
    """A row updating ``e`` by its credit code (the import files rows under the user's own district)."""
    return {"file": _csv("企业.csv", [["企业名称", "统一社会信用代码"], ["范围测试导入有限公司", e.credit_code]])}


def _village_import(township: Region) -> dict:
    return {"file": _csv("村社区.csv", [["村/社区代码（12位）", "村/社区名称"], [f"{township.code}001", "范围测试社区"]])}


def _targetable() -> list:
    from keguan.indicators import registry

    return [i for i in registry.all_indicators() if i.targetable]


def _targets_form(district: Region) -> dict:
    return {"year": 2024, **{f"t-{i.code}-{district.pk}": "5" for i in _targetable()}}


def _targets_upload(district: Region) -> dict:
    first = _targetable()[0]
    rows = [["区县代码", f"{first.name}（{first.unit}）"], [district.code, "5"]]
    return {"year": 2024, "file": _csv("目标.csv", rows)}


def _reported_form(_: Any) -> dict:
    from keguan.indicators import registry

    codes = [i.code for i in registry.all_indicators() if i.kind == "reported"]
    return {"year": 2024, **{f"v-{code}-{p}": "100" for code in codes for p in ("2024", "2024H1")}}


def _template_upload(_: Any) -> dict:
    from keguan.reports.docx import default_template

    return {"name": "范围测试模板", "file": SimpleUploadedFile("模板.docx", default_template())}


def _sme_import(e: Enterprise) -> dict:
    """One row of a 科小 入库名单 for ``e`` (last year: the scene's records are this year's)."""
    year = dt.date.today().year - 1
    row = [e.credit_code, e.name, str(year), f"{year}99{e.pk:06d}", f"{year}-06-01"]
    return {"file": _csv("科小入库.csv", [["统一社会信用代码", "企业名称", "评价年度", "入库登记编号", "入库日期"], row])}


def _drop_qualifications(e: Enterprise) -> None:
    """A firm with qualification records takes its stage from them; the manual change needs a firm without."""
    for related in ("sme_records", "hnte_certificates", "pool_memberships"):
        getattr(e, related).all().delete()


def _precheck_pool(e: Enterprise) -> dict:
    """The firm ticked on the pre-check list, into its own district's pool."""
    from keguan.pipeline.models import CultivationPool

    pool = CultivationPool.objects.filter(district_id=e.district_id).order_by("pk").first()
    return {"pool": pool.pk, "on": TODAY, "reason": "范围测试入库", "enterprise": [e.pk], "back": ""}


def _detach_contacts(e: Enterprise) -> None:
    User.objects.filter(enterprise=e).update(enterprise=None)


def _rd_import(r) -> dict:
    code = r.firms.order_by("pk")[0].enterprise.credit_code
    return {"file": _csv("填报.csv", [["统一社会信用代码", "填报金额（万元）"], [code, "12.5"]])}


def _rd_spare(r):
    """The round's last firm: taken off the list (prepare) so the positive control can add it again."""
    return r.firms.order_by("-pk")[0]


def _rd_unreport(f) -> None:
    type(f).objects.filter(pk=f.pk).update(amount=None, reported_on=None)


EDITORS = frozenset({"leader", "staff", "outsider"})
ENTERPRISE_USERS = frozenset({"ent_user", "outsider_ent"})
MANAGERS = frozenset({"city", "leader", "staff", "outsider"})
REPORTERS = frozenset({"city", "leader", "staff", "outsider"})  # write their own bureau's work summary


@dataclass(frozen=True)
class Write:
    """A URL that changes data: who may use it on an object in its own scope, and a valid payload."""

    writers: frozenset[str]
    payload: Callable[[Any], dict]
    target: str | None = None  # for URLs without kwargs: the kind of object the payload points at (None:
    # the URL only ever acts on the user's own region, so there is nothing foreign to point it at)
    prepare: Callable[[Any], None] | None = None  # make the positive control possible (rolled back)
    readers: frozenset[str] = frozenset()  # personas who may GET the page read-only


WRITES: dict[str, Write] = {
    "enterprises:create": Write(EDITORS, _new_enterprise, target="district"),
    "enterprises:edit": Write(EDITORS | ENTERPRISE_USERS, _enterprise_profile),
    "enterprises:delete": Write(EDITORS, lambda e: {}, prepare=_detach_contacts),
    "enterprises:stage_change": Write(EDITORS, lambda e: {"stage": Stage.LEADER, "on": TODAY, "note": "范围测试"},
                                      prepare=_drop_qualifications),
    "enterprises:label_add": Write(EDITORS, lambda e: {"kind": "srdi", "level": "provincial", "year": 2024}),
    "enterprises:label_remove": Write(EDITORS, lambda e: {}),
    "enterprises:year_create": Write(EDITORS | ENTERPRISE_USERS, lambda e: {"year": 2023, **FIGURES}),
    "enterprises:year_edit": Write(EDITORS | ENTERPRISE_USERS, lambda e: {"year": 2024, **FIGURES}),
    "enterprises:year_delete": Write(EDITORS, lambda e: {}),
    "enterprises:import": Write(EDITORS, _enterprise_import, target="enterprise"),
    "regions:village_import": Write(EDITORS, _village_import, target="township"),
    "pipeline:records": Write(EDITORS, lambda e: {
        "action": "visit", "visit-visited_on": TODAY, "visit-topic": "hnte", "visit-tutor": "范围测试",
        "visit-content": "范围测试辅导"}, readers=EDITORS | ENTERPRISE_USERS | {"city", "town", "expert"}),
    "pipeline:precheck_pool": Write(EDITORS, _precheck_pool, target="enterprise", prepare=_drop_qualifications),
    "pipeline:batch_create": Write(EDITORS | {"city"}, lambda _: {"year": dt.date.today().year, "seq": 9}),
    "pipeline:pool_create": Write(EDITORS, lambda _: {"start_year": dt.date.today().year + 2,
                                                      "end_year": dt.date.today().year + 4}),
    "pipeline:sme_import": Write(EDITORS, _sme_import, target="enterprise"),
    "accounts:organisation_create": Write(MANAGERS, _new_organisation, target="district"),
    "indicators:targets": Write(frozenset({"city"}), _targets_form, target="district", readers=EDITORS),
    "indicators:targets_upload": Write(frozenset({"city"}), _targets_upload, target="district"),
    "indicators:reported": Write(EDITORS | {"city"}, _reported_form),
    "reports:home": Write(REPORTERS, lambda _: {"period": REPORT_YEAR}),
    "reports:version_edit": Write(REPORTERS, lambda v: {"title": "范围测试改题", "note": ""}),
    "reports:version_regenerate": Write(REPORTERS, lambda v: {}),
    "reports:plans": Write(REPORTERS, lambda _: {"area": "general", "text": "范围测试计划", "due": ""}),
    "reports:plan_status": Write(REPORTERS, lambda item: {"status": "done"}),
    "reports:issues": Write(REPORTERS, lambda _: {"period": REPORT_YEAR, "area": "", "text": "范围测试问题"}),
    "reports:issue_delete": Write(REPORTERS, lambda item: {}),
    "reports:templates": Write(REPORTERS, _template_upload),
    "reports:template_toggle": Write(REPORTERS, lambda t: {}),
    "accounts:user_create": Write(MANAGERS, _new_user, target="district"),
    "accounts:user_toggle": Write(MANAGERS, lambda u: {}),
    "accounts:user_password": Write(MANAGERS, lambda u: {"password": NEW_PASSWORD}),
    "rd:create": Write(EDITORS, lambda _: {"year": RD_NEW_YEAR, "title": "", "opened_on": TODAY, "due_on": "", "note": ""}),
    "rd:round_edit": Write(EDITORS, lambda r: {"title": "范围测试改名", "opened_on": TODAY, "due_on": "", "note": ""}),
    "rd:import": Write(EDITORS, _rd_import),
    "rd:firm_add": Write(EDITORS, lambda r: {"enterprise": _rd_spare(r).enterprise.credit_code, "note": ""},
                         prepare=lambda r: _rd_spare(r).delete()),
    "rd:firm_report": Write(EDITORS, lambda f: {"amount_wan": "12.5", "reported_on": TODAY, "note": ""}),
    "rd:firm_clear": Write(EDITORS, lambda f: {}),
    "rd:firm_call": Write(EDITORS, lambda f: {"called_on": TODAY, "contact": "范围测试", "outcome": "promised",
                                              "promised_on": "", "note": "范围测试跟进"}),
    "rd:firm_remove": Write(EDITORS, lambda f: {}, prepare=_rd_unreport),
}
# URLs that act on the signed-in user's own session or account, never on a record chosen by id.
SESSION_URLS = frozenset({"accounts:login", "accounts:logout", "accounts:password_change"})

# List/export pages and the kind of record they show: each persona must find all of its own there.
PAGE_SHOWS: dict[str, str] = {
    "enterprises:list": "enterprise",
    "enterprises:export": "enterprise",
    "accounts:user_list": "user",
    "accounts:login_log": "user",
    "accounts:organisation_list": "organisation",
    "pipeline:precheck": "enterprise",
    "pipeline:precheck_export": "enterprise",
    **{f"pipeline:{name}": "enterprise" for name in (
        "applications", "applications_export", "certificates", "certificates_export", "sme_records", "sme_export")},
    "pipeline:pools": "pool",
    "rd:list": "rd_round",
}

# --------------------------------------------------------------------------------------------------------
# Who sees what: written out by hand from the fixture, independent of keguan.core.scope.
# --------------------------------------------------------------------------------------------------------

PERSONAS = ("city", "leader", "staff", "town", "expert", "ent_user", "outsider", "outsider_ent")
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
# Records a bureau keeps for its own region (work summaries, plans, problems, Word templates): one per bureau
# below; a persona sees those of the regions it sees and writes those of its own bureau (PLACE_OF) only.
REGION_RECORDS = ("report_version", "plan_item", "issue_item", "report_template")
RECORD_PLACES = {"city": "市局", "a": "甲区", "b": "乙区", "far_district": "远市"}
PLACE_OF = {"city": "city", "leader": "a", "staff": "a", "town": "a", "expert": "a", "ent_user": "a",
            "outsider": "b", "outsider_ent": "b"}
DISTRICTS = ("a", "b", "far_district")
TOWNSHIPS = ("a_town", "a_town2", "b_town")
PLACE_KINDS = {"district": DISTRICTS, "township": TOWNSHIPS}
# Records of a district bureau (研发经费填报: a round per district, and a firm of it that reported and was called),
# keyed by district: a persona sees those of the districts it sees, its own district's (OWN) are the ones it
# works on; the bureaus' editors write them.
DISTRICT_RECORDS = ("rd_round", "rd_firm", "pool")  # (pool: 高企培育库, one per district)
RD_YEAR = dt.date.today().year - 1  # the scene's rounds
RD_NEW_YEAR = dt.date.today().year - 2  # the round the positive control opens

# Status of the list/export/entry pages for each persona (after following redirects).
BUREAU_SIDE = {"city", "leader", "staff", "town", "expert", "outsider"}
PAGE_STATUS: dict[str, dict[str, int]] = {
    "core:home": {p: 200 for p in PERSONAS},
    "enterprises:list": {p: 200 for p in PERSONAS},  # enterprise users land on their own record
    "enterprises:export": {p: 200 if p in BUREAU_SIDE else 404 for p in PERSONAS},
    "enterprises:mine": {p: 404 if p in BUREAU_SIDE else 200 for p in PERSONAS},
    "pipeline:self_check": {p: 200 if p in MANAGERS | ENTERPRISE_USERS else 404 for p in PERSONAS},
    "pipeline:precheck": {p: 200 if p in MANAGERS else 403 for p in PERSONAS},
    "pipeline:precheck_export": {p: 200 if p in MANAGERS else 403 for p in PERSONAS},
    **{f"pipeline:{name}": {p: 200 if p in MANAGERS else 403 for p in PERSONAS} for name in (
        "applications", "applications_export", "certificates", "certificates_export", "pools", "pool_members",
        "pool_members_export", "sme_records", "sme_export")},
    "pipeline:sme_import": {p: 200 if p in EDITORS else 403 for p in PERSONAS},
    "pipeline:sme_import_template": {p: 200 if p in EDITORS else 403 for p in PERSONAS},
    "accounts:user_list": {p: 200 if p in MANAGERS else 403 for p in PERSONAS},
    "accounts:login_log": {p: 200 if p in MANAGERS else 403 for p in PERSONAS},
    "regions:tree": {p: 200 for p in PERSONAS},
    "accounts:organisation_list": {p: 200 for p in PERSONAS},
    "enterprises:import": {p: 200 if p in EDITORS else 403 for p in PERSONAS},
    "enterprises:import_template": {p: 200 if p in EDITORS else 403 for p in PERSONAS},
    "regions:village_template": {p: 200 if p in EDITORS else 403 for p in PERSONAS},
    "indicators:dashboard": {p: 200 if p in MANAGERS else 403 for p in PERSONAS},
    "indicators:city_export": {p: 200 if p == "city" else 403 for p in PERSONAS},
    "indicators:targets_template": {p: 200 if p == "city" else 403 for p in PERSONAS},
    **{name: {p: 200 if p in REPORTERS else 403 for p in PERSONAS}
       for name in ("reports:home", "reports:plans", "reports:issues", "reports:templates")},
    "rd:list": {p: 200 if p in MANAGERS else 403 for p in PERSONAS},
    "rd:create": {p: 200 if p in EDITORS else 403 for p in PERSONAS},
}

# --------------------------------------------------------------------------------------------------------
# URL enumeration
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    namespace: str
    pattern: str
    kwargs: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.name} (/{self.pattern})"


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
                found.append(Route(name, namespace, route, here))

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
        problems.append(f"{route}: unknown URL kwargs {unknown}; teach tests/test_scope.py KWARGS how to fill them")
    if route.kwargs and not _names_object(route):
        problems.append(f"{route}: kwargs without pk; teach tests/test_scope.py which object the URL names")
    if _names_object(route):
        kind = pk_kind(route)
        if kind is None:
            problems.append(f"{route}: no PK_KINDS entry says what pk names in namespace {route.namespace!r}")
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


def _pipeline_records(world, regions: dict, ents: dict) -> dict[str, models.Model]:
    """Qualification records consistent with each firm's stage (their stage follows from them), a tutoring
    visit per firm, a 高企 application for ent_a2, and a cultivation pool per district (returned by district key)."""
    from keguan.pipeline import services as pipeline

    today = dt.date.today()
    year = today.year
    pools = {
        key: pipeline.pool_create(district=regions[key], actor=None, start_year=year - 1, end_year=year + 1,
                                  name=f"{RECORD_PLACES[key]}培育库哨兵")
        for key in ("a", "b", "far_district")
    }
    pipeline.certificate_add(enterprise=ents["ent_a"], actor=None, number="GR202445000001",
                             issued_on=today - dt.timedelta(days=100))
    pipeline.sme_record_add(enterprise=ents["ent_a2"], actor=None, year=year, number=f"{year}450103A00000002",
                            registered_on=min(dt.date(year, 1, 2), today))
    pipeline.pool_add(pool=pools["b"], enterprise=ents["ent_b"], actor=None, on=today - dt.timedelta(days=30),
                      reason="乙区入库哨兵")
    pipeline.pool_add(pool=pools["far_district"], enterprise=ents["ent_far"], actor=None,
                      on=today - dt.timedelta(days=30), reason="远市入库哨兵")
    batch = pipeline.batch_create(year=year, seq=1)
    pipeline.application_create(enterprise=ents["ent_a2"], actor=None, batch=batch, on=today)
    for key, e in ents.items():
        pipeline.fact_add(enterprise=e, actor=None, kind="rd_institution", year=2020, note=f"{key}事项哨兵")
        pipeline.visit_add(enterprise=e, actor=None, visited_on=today, topic="hnte", tutor="科技局",
                           content=f"{key}辅导哨兵")
    return pools


def _rd_records(regions: dict) -> dict[str, dict[str, models.Model]]:
    """研发经费填报: a round per district (pre-filled with its 规上 firms), whose first firm reported and was called."""
    from keguan.rd import services as rd

    today = dt.date.today()
    out: dict[str, dict[str, models.Model]] = {"rd_round": {}, "rd_firm": {}}
    for key in DISTRICTS:
        word = RECORD_PLACES[key]
        r = rd.rd_round_create(actor=None, district=regions[key], year=RD_YEAR, title=f"{word}研发填报哨兵", opened_on=today)
        firm = r.firms.order_by("pk")[0]
        rd.rd_amount_record(firm=firm, actor=None, amount=Decimal("1000000"), reported_on=today)
        rd.rd_call_log(firm=firm, actor=None, called_on=today, outcome="reported", note=f"{word}跟进哨兵")
        out["rd_round"][key], out["rd_firm"][key] = r, firm
    return out


def _list_records(ents: dict) -> None:
    """Every firm on the district lists (高企申报 of the scene's batch, 高企证书, 科小入库), stages unchanged:
    an expired certificate for the firms that are not 高企, 科小 records that a higher stage outranks."""
    from keguan.pipeline import services as pipeline
    from keguan.pipeline.models import HnteBatch

    today = dt.date.today()
    batch = HnteBatch.objects.get(year=today.year, seq=1)
    for i, key in enumerate(("ent_a2", "ent_b", "ent_far"), start=1):
        pipeline.certificate_add(enterprise=ents[key], actor=None, number=f"GR20{i:02d}45000900",
                                 issued_on=today.replace(year=today.year - 4, month=1, day=1))
    for i, key in enumerate(("ent_a", "ent_b", "ent_far"), start=1):
        pipeline.sme_record_add(enterprise=ents[key], actor=None, year=today.year, number=f"{today.year}4599{i:06d}",
                                registered_on=min(dt.date(today.year, 1, 2), today))
        pipeline.application_create(enterprise=ents[key], actor=None, batch=batch, on=today)


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
        for r in ("city", "a", "a_town", "a_town2", "b", "b_town", "far_district"):
            ReportedValue.objects.create(indicator="gdp", region=regions[r], period="2023", value=Decimal("1"))
        for r in ("a", "b", "far_district"):
            Target.objects.create(indicator="ent_new_hnte", region=regions[r], year=2023, value=Decimal("1"))
        self.pools = _pipeline_records(world, regions, ents)
        _list_records(ents)
        rd_records = _rd_records(regions)
        for key in DISTRICTS:  # import history (its pages are skipped above; scoped() is checked below)
            ImportRun.objects.create(kind="enterprises", region=regions[key], file_name=f"{RECORD_PLACES[key]}导入哨兵.xlsx",
                                     data=b"")
        records: dict[str, dict[str, models.Model]] = {kind: {} for kind in REGION_RECORDS}
        for key, word in RECORD_PLACES.items():
            r = regions[key]
            records["report_version"][key] = report_generate(actor=None, region=r, period=Period.parse(REPORT_YEAR))
            records["plan_item"][key] = PlanItem.objects.create(region=r, area="general", text=f"{word}计划哨兵")
            records["issue_item"][key] = IssueItem.objects.create(region=r, period=REPORT_YEAR, text=f"{word}问题哨兵")
            records["report_template"][key] = ReportTemplate.objects.create(
                region=r, name=f"{word}模板哨兵", content=b"", active=False)
        self.objects: dict[str, dict[str, models.Model]] = {
            "enterprise": ents, "user": users, "region": regions, "organisation": orgs, **records, **rd_records,
            "pool": self.pools,
            **{kind: {k: regions[k] for k in keys} for kind, keys in PLACE_KINDS.items()},
        }
        self.personas: dict[str, User] = {**world.personas, "outsider_ent": world.outsider_ent}

    # --- who sees what -------------------------------------------------------------------------------
    def visible(self, persona: str, kind: str) -> set[str]:
        if kind in REGION_RECORDS:
            return set(RECORD_PLACES) & VISIBLE[persona]["region"]
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
        for kind in REGION_RECORDS:
            for key, obj in self.foreign(persona, kind).items():
                text = getattr(obj, "text", "") or getattr(obj, "name", "")
                if text:
                    out[text] = f"{kind} {key}"
        for key, pool in self.foreign(persona, "pool").items():
            out[pool.name] = f"pool {key}"
        for key, r in self.foreign(persona, "rd_round").items():
            out[r.title] = f"rd_round {key}"
            for note in r.firms.values_list("calls__note", flat=True):
                if note:
                    out[note] = f"rd call {key}"
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
        status = attempt(c.post, reverse(route.name, kwargs=missing(route))).response.status_code
        if status != 405:
            problems.append(f"{route}: accepts POST (answered {status}) but WRITES has no payload for it")
    stale = (set(WRITES) | set(PAGE_SHOWS) | set(PAGE_STATUS)) - names
    problems += [f"{name}: listed in tests/test_scope.py but no such URL" for name in sorted(stale)]
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
            url = reverse(route.name, kwargs=missing(route))
            baseline["GET"] = attempt(c.get, url).response.status_code
            baseline["POST"] = attempt(c.post, url).response.status_code
            for method, status in baseline.items():
                if status not in REFUSALS:
                    failures.append(f"{route} {method} with ids that name nothing answered {status}")
        for probe in foreign_probes(scene, persona, route):
            combos += 1
            url = reverse(route.name, kwargs=probe.kwargs)
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
        url = reverse(route.name)
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
    region, enterprise_id = ANCHORS[model._meta.label](obj)
    if user.role == Role.ENTERPRISE:
        return enterprise_id is not None and enterprise_id == user.enterprise_id
    return region is not None and user.region is not None and region.is_within(user.region)


def _enterprise_anchor(e: Enterprise) -> tuple[Region | None, int | None]:
    return (e.township or e.district), e.pk


# model label -> (the finest region the row belongs to, the enterprise it belongs to)
ANCHORS: dict[str, Callable[[Any], tuple[Region | None, int | None]]] = {
    "regions.Region": lambda r: (r, None),
    "accounts.Organisation": lambda o: (o.region, None),
    "accounts.User": lambda u: (u.region, u.enterprise_id),
    "accounts.LoginLog": lambda log: (log.region, log.user.enterprise_id if log.user else None),
    "enterprises.Enterprise": _enterprise_anchor,
    "enterprises.EnterpriseLabel": lambda x: _enterprise_anchor(x.enterprise),
    "enterprises.EnterpriseYear": lambda x: _enterprise_anchor(x.enterprise),
    "enterprises.StageChange": lambda x: _enterprise_anchor(x.enterprise),
    "enterprises.DistrictStageCount": lambda x: (x.district, None),
    "pipeline.TechSmeRecord": lambda x: _enterprise_anchor(x.enterprise),
    "pipeline.HnteApplication": lambda x: _enterprise_anchor(x.enterprise),
    "pipeline.ApplicationStep": lambda x: _enterprise_anchor(x.application.enterprise),
    "pipeline.HnteCertificate": lambda x: _enterprise_anchor(x.enterprise),
    "pipeline.CultivationPool": lambda x: (x.district, None),
    "pipeline.PoolMember": lambda x: _enterprise_anchor(x.enterprise),
    "pipeline.TutoringVisit": lambda x: _enterprise_anchor(x.enterprise),
    "pipeline.RecordedFact": lambda x: _enterprise_anchor(x.enterprise),
    "rd.RdRound": lambda x: (x.district, None),
    "rd.RdFirm": lambda x: (x.round.district, None),
    "rd.RdCall": lambda x: (x.firm.round.district, None),
    "indicators.ReportedValue": lambda x: (x.region, None),
    "indicators.Target": lambda x: (x.region, None),
    "reports.PlanItem": lambda x: (x.region, None),
    "reports.IssueItem": lambda x: (x.region, None),
    "reports.ReportTemplate": lambda x: (x.region, None),
    "reports.ReportVersion": lambda x: (x.region, None),
    "exchange.ImportRun": lambda x: (x.region, None),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_home_and_list_counts_equal_independent_counts(scene, persona):
    user = scene.personas[persona]
    c = scene.client(persona)
    mine = [scene.objects["enterprise"][k] for k in VISIBLE[persona]["enterprise"]]
    response = c.get(reverse("core:home"))
    if user.role == Role.ENTERPRISE:
        assert response.status_code == 302 and response["Location"] == reverse("enterprises:mine")
        return
    assert response.status_code == 200
    ctx = response.context
    by_stage = Counter(e.stage for e in mine)
    assert {v: n for v, _label, n in ctx["stage_counts"]} == {v: by_stage.get(v, 0) for v in Stage.values}
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
            url = reverse(name, kwargs=fill(route, obj) if route.kwargs else None)
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
            ("enterprises:create", {**_new_enterprise(own_district), "township": foreign_ent.township_id}),
            ("enterprises:create", {**_new_enterprise(own_district), "credit_code": foreign_ent.credit_code}),
            ("accounts:user_create", {**_new_user(own_district), "role": Role.ENTERPRISE,
                                      "enterprise": foreign_ent.pk}),
            ("accounts:user_create", {**_new_user(own_district), "region": foreign_ent.district_id}),
        ]
        own_ent = scene.own(persona, "enterprise")
        attempts.append(("enterprises:edit", {**_enterprise_profile(own_ent), "township": foreign_ent.township_id}))
        attempts.append(("enterprises:edit", {**_enterprise_profile(own_ent), "district": foreign_ent.district_id}))
        attempts.append(("enterprises:edit", {**_enterprise_profile(own_ent), "credit_code": foreign_ent.credit_code}))
        attempts.append(("enterprises:import", _enterprise_import(foreign_ent)))
        attempts.append(("regions:village_import", _village_import(foreign_ent.township)))
        attempts.append(("accounts:organisation_create", _new_organisation(foreign_ent.district)))
        attempts.append(("accounts:organisation_create", {**_new_organisation(own_district), "region": foreign_ent.township_id}))
        for name, data in attempts:
            url = reverse(name, kwargs={"pk": own_ent.pk} if name == "enterprises:edit" else None)
            result = attempt(c.post, url, data)
            where = (persona, name, submitted_text(data))
            assert result.response.status_code == 200, (*where, result.response.status_code)
            assert not result.writes and not result.changed, (*where, result.changed, result.writes)
            found = leaks(response_text(result.response), forbidden, submitted_text(data))
            assert not found, (*where, found)


# --------------------------------------------------------------------------------------------------------
# keguan.core.scope itself
# --------------------------------------------------------------------------------------------------------


def _is_history_model(model: type[models.Model]) -> bool:
    return any(f.name == "history_id" for f in model._meta.fields)


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
                problems.append(f"{model._meta.label} declares scope; add it to ANCHORS in tests/test_scope.py")
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
