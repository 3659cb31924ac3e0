"""Hostile text in every text field: markup is escaped on every page, formulas are inert in every workbook and
the Word summary carries both as plain text.

The scene of ``tests/test_scope.py`` (the conftest world, a foreign city, every area's records) gets a
payload such as ``=HYPERLINK("http://x.invalid","kg07")<script>alert("kg07")</script><img src=x …>`` in
every CharField/TextField of every row of every keguan model (``tests/hostile.py``: each field its own tag,
cut to the field's length with the markup kept whole). Failed import runs of every kind hold such text in
every cell of their upload, and the work summaries are drafted again (and one edited by hand) afterwards.
Then every GET URL of keguan (the scope walk's inventory, filled with each persona's own records), every
htmx fragment those pages load, every import kind's template and export and every error file is requested
as each persona, and:

* no page holds the markup unescaped, and most pages (beyond the top bar) do show it escaped;
* no workbook has a formula cell, and text starting with = + - @ is a text cell with Excel's quote prefix;
* the Word summary opens and holds the markup and ``{{7*7}}`` as text, with no field built from them;
* every planted field is shown somewhere (a page, a workbook or the Word file), except ``NOT_SHOWN``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from keguan.core.permissions import may
from keguan.exchange.kinds import Context, resolve_params
from keguan.exchange.models import RunStatus
from keguan.exchange.registry import all_kinds
from keguan.exchange.services import run_start, target_regions
from keguan.regions.scope_walk import csv_upload
from keguan.reports.draft import Draft
from keguan.reports.services import paragraph_keys, report_edit, report_generate, title_keys
from keguan.rules.periods import Period

from .conftest import World
from .hostile import (
    RAW_MARKUP,
    SKIPPED,
    Plant,
    docx_field_codes,
    docx_text,
    formula_problems,
    keguan_models,
    label_of,
    main_part,
    payload_for,
    plant_everywhere,
    summary,
    text_fields,
    xlsx_cells,
)
from .test_scope import (
    PAGE_STATUS,
    RECORD_PLACES,
    WRITES,
    Route,
    Scene,
    app_routes,
    fill,
    pk_kind,
    route_problems,
    url_of,
)

# The personas whose pages are walked (a district leader sees the staff's pages with fewer buttons, the
# outsiders those of another district).
WALKED = ("city", "staff", "town", "expert", "ent_user")

# Planted fields that no page, workbook or Word file shows (checked: once shown, they leave this list).
NOT_SHOWN: dict[str, str] = {
    **{f"accounts.OperationLog.{name}": "a log line the system writes; the scene's planted lines carry no operator "
       "region, so no persona's log (limited to its region) lists them" for name in (
        "area", "model", "model_title", "object_id", "object_repr", "summary", "url", "who")},
    "notices.Message.url": "the link of a system message (an href, never shown as text)",
    "notices.Notice.audience": "the role groups a notice goes to, stored as codes and shown by their labels",
    "accounts.User.first_name": "Django's name fields: keguan shows full_name",
    "accounts.User.last_name": "Django's name fields: keguan shows full_name",
    "accounts.User.email": "keguan's account pages have no e-mail",
    "accounts.User.phone": "shown masked (first 3 and last 4 characters), never whole",
    "accounts.LoginLog.event": "an event code: the login log shows a word for it (登录, 退出, 锁定 …)",
    "exchange.ImportRun.task_id": "the background worker's task id",
    "pipeline.HnteBatch.note": "typed in with a batch, shown nowhere yet",
    "reports.IssueItem.area": "a work area's code: the problem list shows its name, — for a code it does not know",
    "reports.WorkNote.area": "a work area's code: the notes list shows its name, — for a code it does not know",
    # 科技项目: storage paths and detected types are never shown (the page names the file)
    "projects.ApplicationFile.path": "where an uploaded file is stored (the page names the file, not its path)",
    "projects.CallAttachment.path": "where an uploaded file is stored (the page names the file, not its path)",
    "projects.CallAttachment.kind": "the file type read from the content (pdf, docx …): the page names the file",
    "projects.ApplicationFile.kind": "the file type read from the content (pdf, docx …): the page names the file",
    "outreach.EventPhoto.file": "where an event's photo is stored (the page shows the photo through its own URL)",
    "fieldwork.LogPhoto.file": "where a service log's photo is stored (the page shows the photo through its own URL)",
    "fieldwork.Demand.phone": "the requester's phone, shown masked (first 3 and last 4 characters), never whole",
    "notices.Message.kind": "a message's category code (digest: the daily 待办提醒), never shown",
}

UPLOAD = Plant("import upload", "kgup", *payload_for("kgup", "=", None))
EDITED = Plant("edited work summary", "kged", *payload_for("kged", "+", None))

XLSX = "spreadsheetml"
DOCX = "wordprocessingml"


@dataclass
class Visit:
    persona: str
    name: str  # the URL's name, "namespace:name"
    url: str
    status: int
    content_type: str = ""
    content: bytes = b""
    htmx: bool = False
    error: str = ""

    def __str__(self) -> str:
        return f"{self.persona} GET {self.url} [{self.name}{' htmx' if self.htmx else ''}]"

    @property
    def html(self) -> str:
        return self.content.decode("utf-8", errors="replace") if "text/html" in self.content_type else ""


@dataclass
class Harvest:
    plants: dict[str, Plant]
    visits: list[Visit] = field(default_factory=list)

    def of(self, kind: str) -> list[Visit]:
        return [v for v in self.visits if v.status == 200 and kind in v.content_type]



def app_kinds():
    """keguan's import kinds (not the test kinds other test modules register in the same process)."""
    return [k for k in all_kinds() if not type(k).__module__.startswith("tests.")]

def _get(client: Client, persona: str, name: str, url: str, *, htmx: bool = False) -> Visit:
    """One GET in a savepoint rolled back afterwards (a page that wrote would not change the next one)."""
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    with transaction.atomic():
        try:
            response = client.get(url, **headers)
        except Exception as exc:  # a page that breaks on stored text is a finding, not the end of the walk
            visit = Visit(persona, name, url, 500, error=repr(exc), htmx=htmx)
        else:
            content = b"".join(response.streaming_content) if response.streaming else response.content
            visit = Visit(persona, name, url, response.status_code, response.get("Content-Type", ""), content, htmx)
        transaction.set_rollback(True)
    return visit


def _urls(scene: Scene, persona: str, route: Route) -> list[str]:
    """The route's URLs for the persona: its own record of the kind the URL names, every import kind."""
    kwargs: dict = {}
    if route.kwargs:
        obj = scene.own(persona, pk_kind(route))
        if obj is None:
            return []
        kwargs = fill(route, obj)
    if any(k == "kind" for k, _ in route.fixed):
        return [url_of(route, {**kwargs, "kind": k.code}) for k in app_kinds()]
    return [url_of(route, kwargs)]


def _refused(route: Route, persona: str) -> bool:
    """The areas' scope walks say the persona is refused this page (a list it may not read, a write URL it
    may not use): not requested."""
    if route.fixed:  # (declared for the enterprise kind only; the walk requests every import kind)
        return False
    status = PAGE_STATUS.get(route.name, {}).get(persona)
    if status is not None and status != 200:
        return True
    write = WRITES.get(route.name)
    return write is not None and persona not in write.writers | write.readers


HX_GET = re.compile(r'hx-get="([^"]+)"')


def _walk(scene: Scene, clients: dict[str, Client], extra: dict[str, list[tuple[str, str]]]) -> list[Visit]:
    routes = [r for r in app_routes() if not route_problems(r) and r.name != "accounts:logout"]
    visits: list[Visit] = []
    get_only: set[str] = set()  # routes that answered 405 to a GET (so they do to every persona)
    for persona, client in clients.items():
        seen: set[tuple[str, bool]] = set()
        todo = [(r.name, url) for r in routes if not _refused(r, persona) for url in _urls(scene, persona, r)]
        for name, url in todo + extra.get(persona, []):
            if (url, False) in seen or name in get_only:
                continue
            seen.add((url, False))
            visit = _get(client, persona, name, url)
            visits.append(visit)
            if visit.status == 405:
                get_only.add(name)
            # the fragments the page loads with htmx (a list's results, a row's inline form, a run's status)
            for hx in HX_GET.findall(visit.html):
                hx = html.unescape(hx)
                if (hx, True) not in seen:
                    seen.add((hx, True))
                    visits.append(_get(client, persona, f"{name} → hx-get", hx, htmx=True))
    return visits


def _failed_imports(scene: Scene) -> dict[str, list[tuple[str, str]]]:
    """For every import kind, an upload whose every cell is hostile, checked (and refused) for a persona who
    may import it: the run's page and its error file are walked as that persona."""
    extra: dict[str, list[tuple[str, str]]] = {}
    for kind in app_kinds():
        for persona in ("staff", "city"):
            user = scene.personas[persona]
            region = target_regions(user, kind).first()
            if may(user, kind.import_perm) and region is not None:
                break
        else:
            raise AssertionError(f"no persona may import {kind.code}")
        params = resolve_params(kind, Context(user=user, region=region), {})
        upload = csv_upload("hostile.csv", [kind.headers, [UPLOAD.text] * len(kind.headers)])
        run = run_start(kind=kind, user=user, region=region, data=upload.read(), filename="hostile.csv",
                        params=params)
        assert run.status == RunStatus.FAILED and run.error_file, (kind.code, run.status, run.errors[:3], run.message)
        extra.setdefault(persona, []).extend([
            ("exchange:run", reverse("exchange:run", args=[run.pk])),
            ("exchange:errors", reverse("exchange:errors", args=[run.pk])),
        ])
    # the reported figures of the scene's year (the page shows the current year's by default)
    for persona in ("city", "staff"):
        extra.setdefault(persona, []).append(("indicators:reported", reverse("indicators:reported") + "?year=2023"))
    return extra


def _summaries(scene: Scene) -> None:
    """The work summaries drafted again from the planted records (one edited by hand with hostile text):
    the scene's versions become these, so each persona's walk downloads them."""
    versions = scene.objects["report_version"]
    for key in RECORD_PLACES:
        old = versions[key]
        versions[key] = report_generate(actor=None, region=old.region, period=Period.parse(old.period))
    draft = Draft.from_json(versions["a"].draft)
    texts = {k: EDITED.text for k, _ in paragraph_keys(draft)} | {k: EDITED.text for k, _, _ in title_keys(draft)}
    versions["a"] = report_edit(actor=None, version=versions["a"], texts=texts)


@pytest.fixture(scope="module")
def module_harvest(django_db_setup, django_db_blocker, password_hash):
    """Plants, walks once and keeps what came back (in a transaction rolled back at the end)."""
    fast_hash = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast_hash, transaction.atomic():
        scene = Scene(World(password_hash))
        extra = _failed_imports(scene)
        clients = {persona: scene.client(persona) for persona in WALKED}  # (signing in logs a row: before)
        plant_everywhere()
        _summaries(scene)
        plants = plant_everywhere()  # (again: the new versions' own fields too)
        for objects in scene.objects.values():  # the scene's records as now stored
            for obj in objects.values():
                obj.refresh_from_db()
        harvest = Harvest(plants)
        harvest.visits = _walk(scene, clients, extra)
        yield harvest
        transaction.set_rollback(True)


@pytest.fixture
def harvest(module_harvest, db) -> Harvest:
    return module_harvest


# --------------------------------------------------------------------------------------------------------


def test_every_text_field_of_every_model_holds_hostile_text(harvest):
    labels = {label_of(m, f) for m, f in text_fields()}
    assert set(SKIPPED) <= labels, f"SKIPPED names no such field: {sorted(set(SKIPPED) - labels)}"
    assert set(harvest.plants) == labels - set(SKIPPED)
    problems = []
    for model in keguan_models():
        fields = [f for m, f in text_fields() if m is model and label_of(m, f) in harvest.plants]
        if not fields:
            continue
        rows = list(model._base_manager.values(*[f.name for f in fields]))
        if not rows:
            problems.append(f"{model._meta.label}: no rows in the scene; add one so its text is walked")
        for row in rows:
            for f in fields:
                if not row[f.name].startswith(harvest.plants[label_of(model, f)].text):
                    problems.append(f"{label_of(model, f)} holds {row[f.name]!r}")
    assert not problems, summary(problems)


# The operation log lists who changed what in the operator's region: the scene's planted log lines may lie
# outside it. Its cells are still checked for formulas.
LOG_EXPORTS = {"accounts:oplog_export"}
# The report-template page's downloads: the default template and a sample filled with fixed text.
FIXED_DOCUMENTS = {"reports:template_default", "reports:template_sample"}


def test_pages_show_stored_markup_escaped(harvest):
    failures = [f"{v}: {v.status} {v.error}" for v in harvest.visits if v.status >= 500]
    pages = harvest.of("text/html")
    for v in pages:
        for m in RAW_MARKUP.finditer(v.html):
            failures.append(f"{v}: unescaped {v.html[max(0, m.start() - 80):m.end() + 40]!r}")
    assert not failures, summary(failures)
    full = [v for v in pages if not v.htmx]
    showing = [v for v in full if any(p.escaped in main_part(v.html) for p in harvest.plants.values())]
    assert len(full) >= 100 and any(v.htmx for v in pages), (len(full), sum(v.htmx for v in pages))
    # (a few pages hold no stored record by design: the password form, the dictionary's index, an empty inbox)
    assert len(showing) >= 0.85 * len(full), sorted({str(v) for v in full} - {str(v) for v in showing})


def test_workbooks_hold_no_formula(harvest):
    books = harvest.of(XLSX)
    names = {v.name for v in books}
    kinds = {k.code for k in app_kinds()}
    assert {"exchange:template", "exchange:export", "exchange:errors"} <= names, names
    for kind in kinds:
        for what in ("template.xlsx", "export.xlsx"):
            assert any(v.url.endswith(f"/{kind}/{what}") for v in books), (kind, what)
    failures, templates_showing = [], 0
    for v in books:
        cells = xlsx_cells(v.content)
        failures += [f"{v}: {p}" for p in formula_problems(cells)]
        texts = [c.value for c in cells if isinstance(c.value, str)]
        shown = [p for p in [*harvest.plants.values(), UPLOAD] if any(p.fragment in t for t in texts)]
        if v.name == "exchange:template":  # (only a kind that lists existing records fills its template)
            templates_showing += bool(shown)
        elif not shown and v.name not in LOG_EXPORTS:
            failures.append(f"{v}: shows no stored text")
        if v.name == "exchange:errors" and UPLOAD not in shown:
            failures.append(f"{v}: the error file lacks the uploaded text")
    assert not failures, summary(failures)
    assert templates_showing, "no import template lists stored records"


def test_word_summary_carries_the_text_literally(harvest):
    documents = harvest.of(DOCX)
    assert len({v.url for v in documents}) >= 2
    failures = []
    for v in documents:
        if v.name in FIXED_DOCUMENTS:
            continue  # the default template and its sample hold no stored text by design (checked to open below)
        text = docx_text(v.content)
        # the whole stored text, markup and {{7*7}} included, exactly as typed (nothing evaluated or dropped)
        if not any(p.text in text for p in [*harvest.plants.values(), EDITED]):
            failures.append(f"{v}: no stored text in the document")
        codes = [c for c in docx_field_codes(v.content) if "kg" in c or "HYPERLINK" in c.upper()]
        if codes:
            failures.append(f"{v}: field codes from stored text {codes}")
    edited = [v for v in documents if EDITED.text in docx_text(v.content)]
    assert edited, "the edited summary's download lacks the edited text"
    assert not failures, summary(failures)


def test_every_planted_field_is_shown_somewhere(harvest):
    seen: set[str] = set()
    for v in harvest.of("text/html"):
        seen |= {p.label for p in harvest.plants.values() if p.escaped in v.html}
    for v in harvest.of(XLSX):
        texts = "\n".join(str(c.value) for c in xlsx_cells(v.content))
        seen |= {p.label for p in harvest.plants.values() if p.fragment in texts}
    for v in harvest.of(DOCX):
        text = docx_text(v.content)
        seen |= {p.label for p in harvest.plants.values() if p.fragment in text}
    unseen = set(harvest.plants) - seen
    assert unseen == set(NOT_SHOWN), (
        f"shown nowhere but not in NOT_SHOWN: {sorted(unseen - set(NOT_SHOWN))}; "
        f"in NOT_SHOWN but shown: {sorted(set(NOT_SHOWN) - unseen)}"
    )
