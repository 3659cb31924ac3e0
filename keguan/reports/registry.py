"""Report parts: each area registers how it writes its part of 一、工作总结 and its plan area name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .draft import Paragraph


@dataclass(frozen=True)
class ReportPart:
    area: str
    title: str  # the part heading without its number: "创新主体培育"
    order: int
    build: Callable[[object], list[Paragraph]]  # ctx → paragraphs; [] when the area has nothing in the period


_PARTS: dict[str, ReportPart] = {}


def register_part(part: ReportPart) -> ReportPart:
    _PARTS[part.area] = part
    return part


def parts() -> list[ReportPart]:
    return sorted(_PARTS.values(), key=lambda p: p.order)


def area_choices() -> list[tuple[str, str]]:
    base = [(p.area, p.title) for p in parts()]
    return [*base, ("general", "综合工作")]
