"""The list kit: what every list page offers the way RuoYi-style admin systems and Excel users expect.

A list declares itself once (``register_list(ListSpec(...))``, in its area's views module):

* ``columns``: the columns a user may show or hide (``Column``); ``fixed`` ones are always shown, the others
  start shown unless ``default=False``. Templates ask ``{% if kit.cols.<key> %}`` around a column's cells.
* batch actions (``BatchAction``): buttons over the ticked rows, declared per list in a small registry.
  The list's own area lists them in the spec; another area adds one to it with ``add_batch_action``
  (the pipeline adds 加入培育库 to the enterprise list from its ``AppConfig.ready``), so the registry stays
  in the lower layer and no area imports upward. An action is the name of a GET URL that receives the ticked
  rows as ``ids``: a download (导出所选), or a page that shows the rows, asks what it needs (which pool, which
  tags) and posts its own form to the service. It is shown to users holding its permission.

Per user and list, the page size (20/50/100) and the chosen columns are remembered by
``keguan.accounts.preferences``, which builds the ``ListState`` a view hands to its template as ``kit``.

``?print=1`` renders a page whose template extends ``base_template`` (every list and the dashboards) on
``core/print.html`` (A4, no menu, the filter summary and the print date at the top, page numbers from CSS
``@page``): see ``keguan.core.context_processors.layout``. A list in print mode shows up to ``PRINT_ROWS``
rows on one page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q

from .pagination import paginate
from .permissions import may

# Characters without letter case: CJK ideographs and punctuation, fullwidth digits and punctuation, ASCII
# digits, spaces and punctuation. No character maps to one of these when upper-cased.
_CASELESS = re.compile(
    r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff20\uff3b-\uff40\uff5b-\uff65"
    r"\U00020000-\U0003134f\x20-\x40\x5b-\x60\x7b-\x7e]+"
)


def text_contains(field_name: str, q: str) -> Q:
    """A list's keyword search on ``field_name``: ``icontains``. For a fragment without letters that have case
    (most searches: Chinese) plain ``contains`` matches exactly the same rows, and PostgreSQL then compares the
    text as stored instead of upper-casing every value it checks (twice as fast), and can use a trigram index on
    the column itself; SQLite runs the same LIKE for both."""
    lookup = "contains" if _CASELESS.fullmatch(q) else "icontains"
    return Q(**{f"{field_name}__{lookup}": q})


PAGE_SIZES = (20, 50, 100)
DEFAULT_PAGE_SIZE = 20
PRINT_ROWS = 1000


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    default: bool = True  # shown until the user chooses
    fixed: bool = False  # always shown (the column that names and links the record)


@dataclass(frozen=True)
class BatchAction:
    code: str
    label: str
    url: str  # the name of a GET URL; it receives the ticked rows as ``ids``
    permission: str | None = None
    icon: str = "check2-square"


@dataclass(frozen=True)
class ListSpec:
    code: str  # "enterprises", "pipeline.precheck" …: the key the user's preferences are stored under
    title: str
    columns: tuple[Column, ...] = ()
    actions: tuple[BatchAction, ...] = ()
    selectable: bool = False  # rows carry a checkbox (for the batch actions)
    per_page: int = DEFAULT_PAGE_SIZE  # until the user chooses (one of PAGE_SIZES)

    def column_keys(self) -> list[str]:
        return [c.key for c in self.columns]

    def default_columns(self) -> frozenset[str]:
        return frozenset(c.key for c in self.columns if c.default or c.fixed)


_LISTS: dict[str, ListSpec] = {}
_EXTRA_ACTIONS: dict[str, list[BatchAction]] = {}


def register_list(spec: ListSpec) -> ListSpec:
    if spec.code in _LISTS and _LISTS[spec.code] != spec:
        raise ImproperlyConfigured(f"list {spec.code} declared twice")
    if spec.per_page not in PAGE_SIZES:
        raise ImproperlyConfigured(f"list {spec.code}: page size {spec.per_page} is not one of {PAGE_SIZES}")
    keys = spec.column_keys()
    if len(keys) != len(set(keys)):
        raise ImproperlyConfigured(f"list {spec.code}: column keys repeat")
    _LISTS[spec.code] = spec
    return spec


def get_list(code: str) -> ListSpec | None:
    return _LISTS.get(code)


def add_batch_action(list_code: str, action: BatchAction) -> None:
    """Offer ``action`` on another area's list (called from the adding area's ``AppConfig.ready``)."""
    actions = _EXTRA_ACTIONS.setdefault(list_code, [])
    if all(a.code != action.code for a in actions):
        actions.append(action)


def batch_actions(spec: ListSpec, user) -> list[BatchAction]:
    """The batch actions of ``spec`` that ``user`` may use, the list's own first."""
    every = [*spec.actions, *_EXTRA_ACTIONS.get(spec.code, ())]
    return [a for a in every if a.permission is None or may(user, a.permission)]


def clean_page_size(value) -> int | None:
    try:
        size = int(value)
    except (TypeError, ValueError):
        return None
    return size if size in PAGE_SIZES else None


def clean_columns(spec: ListSpec, keys: Iterable[str]) -> list[str]:
    """The known, hideable column keys among ``keys``, in the list's order (fixed columns are always shown)."""
    wanted = set(keys)
    return [c.key for c in spec.columns if c.key in wanted and not c.fixed]


def selected_ids(data, name: str = "ids") -> list[int]:
    """The ticked rows' ids from a GET or POST: integers only, each once, in the order sent."""
    out: list[int] = []
    for raw in data.getlist(name):
        try:
            pk = int(raw)
        except (TypeError, ValueError):
            continue
        if pk > 0 and pk not in out:
            out.append(pk)
    return out


@dataclass
class ListState:
    """What a list template needs from the kit: page size, visible columns, print mode, batch actions."""

    spec: ListSpec
    per_page: int = DEFAULT_PAGE_SIZE
    shown: frozenset[str] = frozenset()
    printing: bool = False
    actions: list[BatchAction] = field(default_factory=list)

    @classmethod
    def build(cls, spec: ListSpec, *, user, per_page: int | None, columns: list[str] | None, printing: bool) -> ListState:
        if columns is None:
            shown = spec.default_columns()
        else:
            shown = frozenset(clean_columns(spec, columns)) | {c.key for c in spec.columns if c.fixed}
        return cls(
            spec=spec,
            per_page=clean_page_size(per_page) or spec.per_page,
            shown=shown,
            printing=printing,
            actions=batch_actions(spec, user) if spec.selectable else [],
        )

    @property
    def cols(self) -> dict[str, bool]:
        return {key: key in self.shown for key in self.spec.column_keys()}

    @property
    def choices(self) -> list[tuple[Column, bool]]:
        return [(c, c.key in self.shown) for c in self.spec.columns]

    @property
    def page_sizes(self) -> tuple[int, ...]:
        return PAGE_SIZES

    @property
    def selectable(self) -> bool:
        return bool(self.actions) and not self.printing

    def paginate(self, request, qs, count: int | None = None):
        """The page to show: the user's page size, or in print mode the first ``PRINT_ROWS`` rows. ``count``:
        the number of rows of ``qs`` when the view knows it already (``keguan.core.pagination.paginate``)."""
        return paginate(request, qs, per_page=PRINT_ROWS if self.printing else self.per_page, count=count)


_NOT_CONDITIONS = frozenset({"page", "print", "sort", "per_page", "cols"})


def _choice_labels(choices) -> dict[str, str]:
    labels: dict[str, str] = {}
    for key, label in choices:
        if isinstance(label, (list, tuple)):  # a group of options
            labels.update(_choice_labels(label))
        else:
            labels[str(key)] = str(label)
    return labels


def _shown(formfield, value) -> str:
    if isinstance(value, (list, tuple)):
        return "、".join(_shown(formfield, v) for v in value)
    if value is True:
        return "是"
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    if hasattr(value, "pk"):
        return str(value)
    choices = getattr(formfield, "choices", None)
    if choices and not hasattr(formfield, "queryset"):
        return _choice_labels(choices).get(str(value), str(value))
    return str(value)


def filter_summary(form, *, none: str = "全部", invalid: str = "条件有误", skip: tuple[str, ...] = ()) -> str:
    """A bound filter form's conditions in words, "标签：值；…" — the one writer of them, for the print header,
    an export's 说明 sheet and the note above a list.

    ``none`` is said when no condition is on (or the form is not bound), ``invalid`` when the form does not
    validate. An unticked box is no condition and a ticked one reads 是; a hidden date (the range a
    figure's link sets) is a condition and is written, another hidden value (one firm's id) is not.
    """
    if form is None or not getattr(form, "is_bound", False):
        return none
    if not form.is_valid():
        return invalid
    parts = []
    for name, formfield in form.fields.items():
        value = form.cleaned_data.get(name)
        if hasattr(value, "model") and hasattr(value, "filter"):  # a queryset (several model choices)
            value = list(value)
        if value is False or value in (None, "", [], ()) or name in _NOT_CONDITIONS or name in skip:
            continue
        if getattr(formfield.widget, "input_type", "") == "hidden" and not hasattr(value, "strftime"):
            continue
        parts.append(f"{formfield.label}：{_shown(formfield, value)}")
    return "；".join(parts) or none


def hidden_date(label: str) -> forms.DateField:
    """A date filter a figure's link sets (``?since=…&until=…``), not shown among the filter fields."""
    return forms.DateField(label=label, required=False, widget=forms.HiddenInput)


class RangeNoteMixin:
    """A filter form whose hidden date ranges a figure links to: ``ranges`` lists (since field, until field,
    what the dates are of); ``link_note()`` names those that are on, shown above the list ("当前显示：…")."""

    ranges: tuple[tuple[str, str, str], ...] = ()

    def link_note(self) -> str:
        if not (self.is_bound and self.is_valid()):
            return ""
        parts = []
        for since_name, until_name, what in self.ranges:
            since, until = self.cleaned_data.get(since_name), self.cleaned_data.get(until_name)
            if since and until:
                parts.append(f"{what}在{since:%Y-%m-%d}至{until:%Y-%m-%d}之间")
            elif since:
                parts.append(f"{what}在{since:%Y-%m-%d}及以后")
            elif until:
                parts.append(f"{what}在{until:%Y-%m-%d}及以前")
        return "；".join(parts)

