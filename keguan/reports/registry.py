"""Report parts: each area registers how it writes its part of 一、工作总结 and its plan area name."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from keguan.core.areas import area_order, area_title

from .draft import Paragraph


@dataclass(frozen=True)
class ReportPart:
    area: str  # the area's code (keguan.core.areas): its title heads the part, its order places it
    build: Callable[[object], list[Paragraph]]  # ctx → paragraphs; [] when the area has nothing in the period
    # The part's default heading in the bureaus' two-phrase style ("突出创新主体培育，着力壮大创新动力源"),
    # which a bureau may rename on its 总结结构 page (keguan.reports.structure); '' derives one from the title.
    heading: str = ""

    @property
    def title(self) -> str:  # the area's name: "创新主体培育" (plan areas, the structure page's labels)
        return area_title(self.area)

    @property
    def default_title(self) -> str:  # the part's heading unless a bureau renamed it
        return self.heading or default_heading(self.title)

    @property
    def order(self) -> int:
        return area_order(self.area)


HEADING_LIMIT = 40  # characters of a part heading (the structure page's limit too)


def default_heading(title: str) -> str:
    """A two-phrase heading for an area that gives none: "扎实推进科技项目管理工作，持续提升科技创新水平"."""
    return f"扎实推进{title}工作，持续提升科技创新水平"


_PARTS: dict[str, ReportPart] = {}


def register_part(part: ReportPart) -> ReportPart:
    _PARTS[part.area] = part
    return part


_CONTRIBUTIONS: dict[str, list[tuple[int, Callable[[object], list[Paragraph]]]]] = {}


def contribute(area: str, order: int, build: Callable[[object], list[Paragraph]]) -> None:
    """Another app's paragraphs within an area's part (the pipeline's records within 创新主体培育), after the
    part's own, in ``order``."""
    entries = _CONTRIBUTIONS.setdefault(area, [])
    if all(b is not build for _, b in entries):
        entries.append((order, build))


def build_part(part: ReportPart, ctx) -> list[Paragraph]:
    paragraphs = list(part.build(ctx))
    for _, build in sorted(_CONTRIBUTIONS.get(part.area, []), key=lambda e: e[0]):
        paragraphs += build(ctx)
    return paragraphs


def parts() -> list[ReportPart]:
    return sorted(_PARTS.values(), key=lambda p: p.order)


def area_choices() -> list[tuple[str, str]]:
    base = [(p.area, p.title) for p in parts()]
    return [*base, ("general", "综合工作")]


@dataclass(frozen=True)
class Narrative:
    """A dated record written up in one line, for a part of the summary: notes with the same lead phrase make
    one item ("积极组织企业参加科技创新培训。3月11日，组织……；9月1日，……")."""

    area: str  # the part it belongs to (an area code, or "general" for 综合工作)
    on: dt.date
    lead: str  # the item's lead phrase
    text: str  # what was done, one line, without the date
    url: str = ""  # the record behind it


_NARRATIVES: dict[str, Callable[[object], list[Narrative]]] = {}


def register_narratives(name: str, source: Callable[[object], list[Narrative]]) -> None:
    """A source of narrative items (ctx → the period's items in the region): any area may add one, e.g. its
    events or visits; the reports app adds the bureau's 工作纪实."""
    _NARRATIVES[name] = source


def narratives(ctx) -> list[Narrative]:
    out: list[Narrative] = []
    for source in _NARRATIVES.values():
        out += source(ctx)
    return sorted(out, key=lambda n: (n.on, n.lead, n.text))
