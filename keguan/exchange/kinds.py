"""The import kind API: what an area writes to get template, upload, dry run, history, error file, export
and command line for one of its tables (see ``keguan.exchange`` for the whole design).

A kind is a subclass of ``ImportKind`` with one module-level instance (``ENTERPRISES = EnterpriseKind()``)
that the area names in its ``area.py`` (``kinds=("keguan.enterprises.exchange.ENTERPRISES",)``). It declares:

* ``columns``: ``Column(header, read=…, aliases=…, required=…, field=…, note=…, example=…)`` in template
  order. ``read`` is a cell reader (``keguan.exchange.readers``); empty cells never reach it (they are
  ``None``, or the error "不能为空" when ``required``).
* ``key``: the headers of the natural key. Two rows with the same key in one file are an error naming the
  first; a re-import finds the stored record by the same key and updates it.
* ``import_perm`` / ``export_perm``: permission codes (``keguan.core.permissions``) the views demand.
* ``region_level``: the level of the region an import goes to (3: the district of the user, or the one a city
  user chooses).
* ``params``: other choices an import is made under (``Param``: the R&D round, the targets' year), chosen on
  the upload page or given on the command line (``--param round=12``), stored with the run and handed to
  every method as ``ctx.params`` (values as strings, already checked against the param's choices).
* ``template_rows(ctx)`` (optional): rows to fill the template with instead of the example row (the round's
  firms, to be completed); ``back(ctx)`` (optional): the area page the import belongs to, for a “返回” link.

and implements four methods, called by the engine in this order:

``prepare(ctx, keys)``
    once per file, after every cell was read and before any row is checked: load what the rows are checked
    against, with a few queries, into ``ctx.cache`` (the stored records whose keys are in ``keys``, the
    district's townships …). Never one query per row.
``check(row, ctx) -> Plan | None``
    one row's cross-field and database checks: ``row[header]`` is the read value (None when empty); report
    problems with ``row.error(header, message)`` and return what would be written: ``Plan.decide(stored,
    data)`` gives an add, an update or an unchanged plan (``stored``: the record found by the natural key, or
    a plain copy of its values — ``SimpleNamespace`` from ``values_list`` is much cheaper than model
    instances for 50,000 rows; foreign keys are compared by ``<name>_id``). A row with errors is not written;
    nothing is written while any row has errors. Return None without an error to pass over a row (a row
    with nothing to record, counted as 跳过). ``check`` runs for rows whose cells already failed too (those
    cells are None), so that the same pass reports their cross-field problems: treat None as unknown.
``write(plan, ctx)``
    store one plan by calling the area's services (the only code that writes), with ``ctx.user`` as the
    actor and ``ctx.reason`` as the change reason. The engine calls it for every added and updated row inside
    one transaction; a ``ServiceError`` rolls the whole file back and is reported at the row, in the column
    whose ``field`` is the error's ``field`` (or ``field_headers``). ``finish(ctx)`` (optional) runs after
    the last write, in the same transaction, for services that take many rows at once.
``export_rows(ctx) -> rows``
    the records in the user's scope as lists in column order, each value as its reader reads it back (labels
    for choices, 万元 for a ``Money("万元")`` column), so an export can be edited and imported again
    unchanged. ``ctx.limit(queryset)`` applies the user's scope and the chosen region; ``ctx.filters`` holds
    the export's filters (``keguan export … --stage hnte``); raise ``ValueError`` for a bad one.

The smallest complete kind is ``tests/exchange/kinds.py``; ``keguan/enterprises/exchange.py`` is a real one.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone

from .readers import Reader, text

ADD, UPDATE, UNCHANGED = "add", "update", "unchanged"


@dataclass
class Context:
    """What one import or export runs for: ``user`` (None from the command line without ``--user``),
    ``region`` (the district it goes to; None: every region in the user's scope), ``today``, ``cache`` (the
    kind's lookups, filled by ``prepare``) and ``filters`` (export filters such as ``stage``)."""

    user: Any = None
    region: Any = None
    today: dt.date = field(default_factory=timezone.localdate)
    cache: dict = field(default_factory=dict)
    filters: dict[str, str] = field(default_factory=dict)
    reason: str = "Excel导入"  # the change reason services record in the history
    params: dict[str, str] = field(default_factory=dict)  # the kind's ``params``, checked (see ``Param``)

    def may(self, code: str) -> bool:
        if self.user is None:
            return True  # the command line: the operator of the server
        from keguan.core.permissions import may

        return may(self.user, code)

    def limit(self, qs: models.QuerySet) -> models.QuerySet:
        """``qs`` reduced to the user's scope and to ``region`` and everything under it."""
        from keguan.core import scope

        if self.user is not None:
            qs = scope.scoped(qs, self.user)
        if self.region is not None:
            spec = scope.spec_for(qs.model)
            qs = qs.filter(scope._region_filter(spec, spec.region_lookup(self.region.level), self.region))
        return qs


class Row(dict):
    """One data row while it is checked: a dict of header → read value (None for an empty cell or a column
    the file does not have), so ``row[header]`` costs a dict lookup; ``row.number`` is its row number as Excel
    shows it, ``row.has(header)`` whether the file has the column at all (an absent optional column leaves
    the stored value alone), ``row.raw(header)`` the cell as written, ``row.error(header, message)`` reports a
    problem (the row is then not written, nor is any other), ``row.warn(header, message)`` a figure to check
    (shown before the import is confirmed; the row is written)."""

    __slots__ = ("number", "raws", "present", "errors", "warnings")

    def __init__(self, number: int, values: dict[str, Any], raws: dict[str, Any], present: frozenset[str]):
        super().__init__(values)
        self.number = number
        self.raws = raws
        self.present = present
        self.errors: list[tuple[str, str]] = []
        self.warnings: list[tuple[str, str]] = []

    def __missing__(self, header: str) -> Any:
        raise KeyError(f"{header!r} is not a column of this kind")

    def get(self, header: str, default: Any = None) -> Any:
        """The value, or ``default`` when the cell is empty."""
        value = dict.get(self, header)
        return default if value is None else value

    def has(self, header: str) -> bool:
        return header in self.present

    def raw(self, header: str) -> Any:
        return self.raws.get(header)

    def error(self, header: str, message: str) -> None:
        self.errors.append((header, message))

    def warn(self, header: str, message: str) -> None:
        """A figure that is possible but looks wrong: shown before the user confirms; the row is imported."""
        self.warnings.append((header, message))

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Plan:
    """What one row will do: ``action`` (ADD, UPDATE, UNCHANGED), ``data`` (the service's keyword arguments),
    ``target`` (the stored record an update changes) and ``extra`` (anything else the kind's ``write``
    needs). ``row`` is set by the engine."""

    action: str
    data: dict[str, Any] = field(default_factory=dict)
    target: Any = None
    extra: dict[str, Any] = field(default_factory=dict)
    row: int = 0

    @classmethod
    def decide(cls, target: Any, data: dict[str, Any], *, changed: bool = False, **extra: Any) -> Plan:
        """ADD when there is no stored ``target``; else UPDATE when any of ``data`` differs from it (foreign
        keys compared by id, see ``differs``), or ``changed`` says something else does; else UNCHANGED."""
        if target is None:
            return cls(ADD, data, None, extra)
        if changed or any(differs(target, k, v) for k, v in data.items()):
            return cls(UPDATE, data, target, extra)
        return cls(UNCHANGED, data, target, extra)


def differs(target: models.Model, name: str, value: Any) -> bool:
    """Whether ``target.<name>`` differs from ``value``; a foreign key is compared by id, so checking a row
    never loads the related record."""
    if isinstance(value, models.Model) or value is None:
        attname = f"{name}_id"
        if attname in target.__dict__:
            return target.__dict__[attname] != (value.pk if value is not None else None)
    return getattr(target, name) != value


@dataclass(frozen=True)
class Column:
    """One column of a kind's table.

    ``header`` is the Chinese header the template writes and the errors name; ``aliases`` other headers a
    file may use (matching ignores blanks, * marks and full/half-width brackets). ``read`` turns a non-empty
    cell into a value or raises ``CellError``. ``field`` names the model/service field the column feeds, so a
    ``ServiceError(field=…)`` is reported in this column. ``note`` goes into the template's notes row,
    ``example`` (a value or ``callable(ctx)``) into its example row. ``choices`` (``callable(ctx) -> labels``)
    gives the template's drop-down list; by default the reader's ``options``. ``perm`` marks personal data:
    exports leave the column empty for users without that permission (and an empty cell changes nothing on
    import)."""

    header: str
    read: Reader = text
    aliases: tuple[str, ...] = ()
    required: bool = False
    field: str = ""
    note: str | Callable[[Context], str] = ""
    example: Any = None
    width: int = 16
    choices: Callable[[Context], Sequence[str]] | None = None
    perm: str | None = None

    def options(self, ctx: Context) -> list[str] | None:
        if self.choices is not None:
            return list(self.choices(ctx))
        options = getattr(self.read, "options", None)
        return list(options(ctx)) if options is not None else None

    def example_value(self, ctx: Context) -> Any:
        return self.example(ctx) if callable(self.example) else self.example

    @property
    def number_format(self) -> str | None:
        return getattr(self.read, "number_format", None)


@dataclass(frozen=True)
class Param:
    """A choice an import is made under besides its region: ``name`` (the query/command-line name),
    ``label`` (Chinese, for the page and the errors) and ``choices(ctx) -> [(value, label), …]`` (the values
    the user may pick in ``ctx.region`` and the user's scope; the first is the default)."""

    name: str
    label: str
    choices: Callable[[Context], Sequence[tuple[str, str]]]

    def options(self, ctx: Context) -> list[tuple[str, str]]:
        return [(str(v), label) for v, label in self.choices(ctx)]


class ParamError(ValueError):
    """A parameter the user gave is not one of its choices (``empty``: there is nothing to choose yet, e.g. no
    R&D round in the district)."""

    def __init__(self, message: str, *, empty: bool = False):
        super().__init__(message)
        self.empty = empty


def resolve_params(kind: ImportKind, ctx: Context, given: Mapping[str, Any]) -> dict[str, str]:
    """The kind's parameters from ``given`` (a query string, the command line), each checked against its
    choices; a missing one takes the first choice. Raises ``ParamError`` with a Chinese message."""
    out: dict[str, str] = {}
    for param in kind.params:
        options = param.options(ctx.__class__(user=ctx.user, region=ctx.region, params=out))
        value = str(given.get(param.name) or "").strip()
        if not value:
            if not options:
                raise ParamError(f"没有可选的{param.label}", empty=True)
            value = options[0][0]
        elif value not in {v for v, _ in options}:
            raise ParamError(f"{param.label}“{value}”不在可选范围内")
        out[param.name] = value
    return out


class ImportKind(ABC):
    """Base class of import kinds; see the module docstring. Subclasses set the class attributes and
    implement ``prepare`` (optional), ``check``, ``write`` and ``export_rows``."""

    code: str = ""
    title: str = ""
    columns: tuple[Column, ...] = ()
    key: tuple[str, ...] = ()
    import_perm: str = ""
    export_perm: str = ""
    region_level: int = 3  # RegionLevel.COUNTY
    # other levels an import may also go to (技术合同: the city's whole register, or one district's); the
    # upload page offers the user's regions of every level listed
    also_levels: tuple[int, ...] = ()
    instructions: tuple[str, ...] = ()  # lines for the upload page and the template's 填写说明 sheet
    params: tuple[Param, ...] = ()
    field_headers: Mapping[str, str] = {}  # ServiceError.field → header, for fields no column names

    def prepare(self, ctx: Context, keys: set[tuple]) -> None:
        """Load the lookups ``check`` needs (the stored records with these natural keys …). Optional."""
        return None

    @abstractmethod
    def check(self, row: Row, ctx: Context) -> Plan | None:
        """One row's cross-field and database checks; see the module docstring."""

    @abstractmethod
    def write(self, plan: Plan, ctx: Context) -> None:
        """Store one plan through the area's services; see the module docstring."""

    def finish(self, ctx: Context) -> None:
        """After the last ``write``, in the same transaction: flush what ``write`` gathered for a service
        that takes many rows at once (villages per township), recount. A ``ServiceError`` here rolls the
        whole file back too (reported without a row). Optional."""
        return None

    @abstractmethod
    def export_rows(self, ctx: Context) -> Iterable[Sequence[Any]]:
        """The records in the user's scope, in column order; see the module docstring."""

    def writing(self, ctx: Context) -> AbstractContextManager:
        """A context around the whole write (every ``write`` and ``finish``, inside the transaction): e.g. the
        registry's ``counts_deferred``, so per-district counters are moved once at the end of an import
        instead of being locked for its whole run. Default: nothing."""
        return nullcontext()

    def template_rows(self, ctx: Context) -> Iterable[Sequence[Any]] | None:
        """Rows (in column order) to fill the template with instead of the example row; None: the example."""
        return None

    def back(self, ctx: Context) -> tuple[str, str] | None:
        """(label, url) of the area's page this import belongs to (the R&D round, the village list), shown
        on the upload and run pages as “返回…”; None: none."""
        return None

    def param_labels(self, ctx: Context) -> list[tuple[str, str]]:
        """(label, chosen value's label) of ``ctx.params``, for pages and file names."""
        out = []
        for param in self.params:
            value = ctx.params.get(param.name)
            labels = dict(param.options(ctx))
            if value is not None:
                out.append((param.label, labels.get(value, value)))
        return out

    # ------------------------------------------------------------------ derived, not to be overridden

    @property
    def levels(self) -> tuple[int, ...]:
        """The region levels an import of this kind may go to."""
        return (self.region_level, *self.also_levels)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    @property
    def required_headers(self) -> list[str]:
        return [c.header for c in self.columns if c.required or c.header in self.key]

    def column(self, header: str) -> Column:
        for c in self.columns:
            if c.header == header:
                return c
        raise KeyError(header)

    def header_for_field(self, name: str | None) -> str:
        """The column a service's ``ServiceError.field`` belongs to ("—" when none does)."""
        if name:
            for c in self.columns:
                if c.field == name:
                    return c.header
            if name in self.field_headers:
                return self.field_headers[name]
        return "—"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.code}>"
