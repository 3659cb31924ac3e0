"""申报日历: the application windows every area offers, in one registry (the way lists register batch actions).

An area registers a source once (``register_windows(name, source)``, from its ``AppConfig.ready``): a callable
``(user, start, end) -> list[Window]`` returning the windows the user may see that are open at some point
between ``start`` and ``end`` (inclusive). The calendar page of 科技项目 asks every source (``windows_for``) and
adds the bureau's own calls; no area imports another to appear there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Window:
    """An application window: what, at which level (国家级/省级/市级/区县级), from when to when, where its
    records are, and whom it concerns ("12家企业")."""

    title: str
    level: str
    opens: dt.date | None
    closes: dt.date
    url: str = ""
    concerns: str = ""
    source: str = ""  # the registering source's name (filled by ``windows_for``)

    def open_on(self, day: dt.date) -> bool:
        return (self.opens is None or self.opens <= day) and day <= self.closes


Source = Callable[[object, dt.date, dt.date], list[Window]]
_SOURCES: dict[str, Source] = {}


def register_windows(name: str, source: Source) -> None:
    """Add (or replace) the source ``name``."""
    _SOURCES[name] = source


def sources() -> dict[str, Source]:
    return dict(_SOURCES)


def windows_for(user, start: dt.date, end: dt.date) -> list[Window]:
    """Every registered source's windows for ``user`` overlapping ``start``..``end``, by closing date."""
    out: list[Window] = []
    for name, source in _SOURCES.items():
        for w in source(user, start, end):
            if w.closes >= start and (w.opens is None or w.opens <= end):
                out.append(Window(w.title, w.level, w.opens, w.closes, w.url, w.concerns, name))
    return sorted(out, key=lambda w: (w.closes, w.title))
