"""Hostile text for ``tests/test_hostile_text.py``: what is planted in which text field, and how the pages,
workbooks and Word files that come back are read.

Every CharField/TextField of every keguan model (no simple-history copies; fields with choices hold a code,
not text, and are left alone; ``SKIPPED`` lists the few that must keep a valid format) is given markup and a
formula, cut to the field's length with the dangerous part kept whole: ``payload_for`` picks the longest
form that fits. Each field has its own tag (``kg07``), so a page or a file that shows a field is told apart
from one that shows another.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.db.models import Max
from django.utils.html import escape
from docx import Document
from openpyxl import load_workbook

from keguan.core.excel import FORMULA_START

# Fields that keep a valid value: pages look records up by them or parse them.
SKIPPED = {
    "regions.Region.code": "行政区划代码: the key of a region, read by the rules and every region lookup",
    "regions.Region.path": "the materialised path of codes that scope queries match on",
    "accounts.User.password": "a password hash",
    "accounts.RolePermission.permission": "a permission code of the registry",
    "enterprises.Enterprise.credit_code": "统一社会信用代码: must stay valid (check character) or the firm's pages 404",
    "enterprises.Enterprise.industry_section": "one letter derived from the industry code (no markup fits)",
    "accounts.ListPreference.list_code": "the code of a registered list (keguan.core.lists) a preference belongs to",
    "core.DictItem.kind": "the code of a dictionary list (数据字典) that areas declare",
    "core.DictItem.code": "the code of a dictionary item, which records and imports refer to",
    "pipeline.HnteEstimate.ip_advancement": "a band letter A–E that the rules read (no markup fits one character)",
    "pipeline.HnteEstimate.ip_core_support": "a band letter A–E that the rules read (no markup fits one character)",
    "pipeline.HnteEstimate.ip_obtained": "own/bought, read by the rules",
    "indicators.ReportedValue.indicator": "an indicator code of the registry",
    "indicators.Target.indicator": "an indicator code of the registry",
    "indicators.ReportedValue.period": "a period key (2024, 2024H1) that Period.parse reads",
    "reports.IssueItem.period": "a period key (2024, 2024H1) that Period.parse reads",
    "reports.ReportVersion.period": "a period key (2024, 2024H1) that Period.parse reads",
    "reports.ReportPartLayout.area": "a registered report part's area code (总结结构 ignores rows of unknown areas)",
    "exchange.ImportRun.kind": "an import kind's code (the run's page looks the kind up by it)",
}

LEADS = ("=", "+", "-", "@")  # what a spreadsheet takes for the start of a formula

# Markup that must never reach a page unescaped (a page of keguan has none of it by itself), and a payload's
# quotes left as they are (text put into an attribute without escaping its quotes would end the attribute).
RAW_MARKUP = re.compile(r'<script>alert\(|<img src=x|<b>kg\d\d|"kg(?:\d\d|up|ed)"')


def summary(failures: list[str], limit: int = 40) -> str:
    """The first ``limit`` failures, one a line, and how many more there are."""
    more = f"\n… and {len(failures) - limit} more" if len(failures) > limit else ""
    return "\n".join(failures[:limit]) + more


@dataclass(frozen=True)
class Plant:
    label: str  # "app.Model.field"
    tag: str  # "kg07": in every form of this field's payload
    text: str  # what is stored (unique fields add a row suffix)
    fragment: str  # the markup carrying the tag: what a page shows escaped and a file shows literally

    @property
    def escaped(self) -> str:
        return str(escape(self.fragment))


def payload_for(tag: str, lead: str, room: int | None) -> tuple[str, str]:
    """(text, fragment): the longest hostile text that fits ``room`` characters, and its tagged markup."""
    script = f'<script>alert("{tag}")</script>'
    image = f'<img src=x onerror=alert("{tag}")>'
    forms = [
        (f'{lead}HYPERLINK("http://x.invalid","{tag}"){script}<img src=x onerror=alert(1)>{{{{7*7}}}}&amp;', script),
        (f"{lead}1+2{script}<img src=x onerror=alert(1)>", script),
        (f"{lead}1+2{image}", image),
        (f"{lead}1+2<b>{tag}</b>", f"<b>{tag}"),
        (f"<b>{tag}", f"<b>{tag}"),
    ]
    for text, fragment in forms:
        if room is None or len(text) <= room:
            return text, fragment
    raise AssertionError(f"no hostile text fits {room} characters; add the field to SKIPPED")


def keguan_models() -> list[type[models.Model]]:
    """keguan's models, without simple-history's copies (the user model is keguan's own)."""
    return [
        m for m in apps.get_models()
        if m.__module__.startswith("keguan.") and not m.__name__.startswith("Historical")
    ]


def text_fields() -> list[tuple[type[models.Model], models.Field]]:
    return [
        (m, f) for m in keguan_models() for f in m._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField) and not f.choices
    ]


def label_of(model: type[models.Model], field: models.Field) -> str:
    return f"{model._meta.label}.{field.name}"


def _history_model(model: type[models.Model]) -> type[models.Model] | None:
    manager = getattr(model, "history", None)
    return getattr(manager, "model", None) if manager is not None else None


def _suffix_room(model: type[models.Model]) -> int:
    """Characters a unique field keeps for the row suffix ("~123")."""
    return 1 + len(str(model._base_manager.aggregate(m=Max("pk"))["m"] or 0))


def _unique(model: type[models.Model], f: models.Field) -> bool:
    """A field whose value must differ between rows: ``unique`` or part of a UniqueConstraint (a program's name
    per region)."""
    return f.unique or any(isinstance(c, models.UniqueConstraint) and f.name in c.fields
                           for c in model._meta.constraints)


def plant_everywhere() -> dict[str, Plant]:
    """Writes a hostile payload into every text field of every row (unique fields get the row's id after it),
    and into the latest history row of each record, so its 变更记录 shows the change to it. Returns the plants
    by label. The rows are written directly: the point is what is stored, whatever typed it in."""
    plants: dict[str, Plant] = {}
    by_model: dict[type[models.Model], list[tuple[models.Field, Plant]]] = {}
    for i, (model, f) in enumerate(text_fields()):
        label = label_of(model, f)
        if label in SKIPPED:
            continue
        tag = f"kg{len(plants):03d}"  # (three digits: no tag is the start of another, "kg05" of "kg050")
        room = f.max_length - (_suffix_room(model) if _unique(model, f) else 0) if f.max_length else None
        text, fragment = payload_for(tag, LEADS[i % len(LEADS)], room)
        plants[label] = Plant(label, tag, text, fragment)
        by_model.setdefault(model, []).append((f, plants[label]))
    for model, fields in by_model.items():
        rows = model._base_manager.all()
        common = {f.name: p.text for f, p in fields if not _unique(model, f)}
        if common:
            rows.update(**common)
        for f, p in fields:
            if _unique(model, f):
                for pk in rows.values_list("pk", flat=True):
                    rows.filter(pk=pk).update(**{f.name: f"{p.text}~{pk}"})
        history = _history_model(model)
        if history is not None:
            latest = history.objects.values("id").annotate(last=Max("history_id")).values("last")
            history.objects.filter(history_id__in=latest).update(**{f.name: p.text for f, p in fields})
    return plants


# --------------------------------------------------------------------------------------------------------
# Reading what comes back
# --------------------------------------------------------------------------------------------------------


def main_part(html: str) -> str:
    """The page without the top bar (which shows the signed-in user and region on every page)."""
    at = html.find('<main class="kg-main">')
    return html[at:] if at >= 0 else html


@dataclass
class Cell:
    where: str  # "sheet!A1"
    value: object
    data_type: str
    quote_prefix: bool


def xlsx_cells(content: bytes) -> list[Cell]:
    wb = load_workbook(io.BytesIO(content))
    out = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    out.append(Cell(f"{ws.title}!{c.coordinate}", c.value, c.data_type, bool(c.quotePrefix)))
    return out


def formula_problems(cells: list[Cell]) -> list[str]:
    """Formula cells, and text starting like a formula that is not a quoted text cell."""
    out = []
    for c in cells:
        if c.data_type == "f":
            out.append(f"{c.where}: a formula cell {c.value!r}")
        elif isinstance(c.value, str) and c.value.startswith(FORMULA_START):
            if c.data_type != "s" or not c.quote_prefix:
                out.append(f"{c.where}: {c.value[:40]!r} is stored as {c.data_type}, quote prefix {c.quote_prefix}")
    return out


def docx_text(content: bytes) -> str:
    """Every paragraph's text (tables included) as python-docx reads it: fails if the file does not open."""
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [c.text for row in table.rows for c in row.cells]
    return "\n".join(parts)


def docx_field_codes(content: bytes) -> list[str]:
    """The field codes (w:instrText) of the document's body: a field built from stored text would show here."""
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    return re.findall(r"<w:instrText[^>]*>([^<]*)<", xml) + re.findall(r'<w:fldSimple[^>]*w:instr="([^"]*)"', xml)
