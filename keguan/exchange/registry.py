"""Where the engine finds kinds: the areas' declarations (``Area(kinds=("keguan.rd.exchange.AMOUNTS",))``,
resolved by ``keguan.core.areas.kinds()``) plus kinds registered here directly with ``register(kind)``
(tests, and kinds whose area does not name them yet). Looked up by ``kind.code``."""

from __future__ import annotations

from django.http import Http404

from keguan.core import areas

from .kinds import ImportKind

_DIRECT: dict[str, ImportKind] = {}


def register(kind: ImportKind) -> ImportKind:
    if not kind.code or not kind.title:
        raise ValueError(f"{kind!r}: an import kind needs a code and a title")
    if kind.code == "runs":  # /exchange/runs/ are the runs' pages
        raise ValueError("an import kind cannot be called 'runs'")
    if kind.code in _DIRECT and _DIRECT[kind.code] is not kind:
        raise ValueError(f"import kind {kind.code} registered twice")
    _DIRECT[kind.code] = kind
    return kind


def unregister(code: str) -> None:
    _DIRECT.pop(code, None)


def all_kinds() -> list[ImportKind]:
    """Every kind, the areas' first (in area order), each code once."""
    out: dict[str, ImportKind] = {}
    for kind in [*areas.kinds(), *_DIRECT.values()]:
        if kind.code in out and out[kind.code] is not kind:
            raise ValueError(f"two import kinds share the code {kind.code}")
        out.setdefault(kind.code, kind)
    return list(out.values())


def get_kind(code: str) -> ImportKind:
    for kind in all_kinds():
        if kind.code == code:
            return kind
    raise KeyError(code)


def kind_or_404(code: str) -> ImportKind:
    try:
        return get_kind(code)
    except KeyError:
        raise Http404("没有这种导入") from None
