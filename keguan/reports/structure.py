"""总结结构: how a bureau's work summary lays out its parts of 一、工作总结 — each part's heading, order and
whether it is written — merged from the bureau's stored rows (``ReportPartLayout``) and the registered parts.

The registry decides which parts exist: a part registered after the bureau arranged its structure comes last,
with its default heading; a stored row of an area that no longer registers a part is ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

from keguan.core.history import HistoryEntry, entries_for
from keguan.regions.models import Region

from .models import ReportPartLayout
from .registry import parts


@dataclass(frozen=True)
class PartLayout:
    area: str  # the part's area code
    title: str  # its heading in this bureau's summary (without the number "（一）")
    position: int  # 1, 2, … in the order the summary writes the parts (hidden ones included)
    shown: bool  # written into the summary
    default_title: str = ""  # the registered heading ("恢复默认" goes back to it)
    name: str = ""  # the area's name: "创新主体培育"
    version: int = 0  # the stored row's version (0: the bureau has not arranged this part)

    @property
    def customised(self) -> bool:
        return self.version > 0


def layout_for(region: Region) -> list[PartLayout]:
    """The region's parts in the order its summary writes them, hidden ones included (``shown`` False)."""
    registered = {p.area: p for p in parts()}
    rank = {area: i for i, area in enumerate(registered)}
    stored = [r for r in ReportPartLayout.objects.filter(region=region) if r.area in registered]
    stored.sort(key=lambda r: (r.position, rank[r.area]))
    out: list[PartLayout] = []
    for row in stored:
        p = registered[row.area]
        out.append(PartLayout(row.area, row.title, len(out) + 1, row.shown, p.default_title, p.title, row.version))
    arranged = {row.area for row in stored}
    for area, p in registered.items():
        if area not in arranged:
            out.append(PartLayout(area, p.default_title, len(out) + 1, True, p.default_title, p.title))
    return out


def layout_history(region: Region, limit: int = 50) -> list[HistoryEntry]:
    """Who renamed, moved, hid or restored which part of the region's structure, newest first."""
    names = {p.area: p.title for p in parts()}
    entries = entries_for(
        ReportPartLayout.history.filter(region_id=region.pk), model=ReportPartLayout,
        subject=lambda rec: names.get(rec.area, rec.area), skip=frozenset({"version", "updated_by", "updated_at"}),
    )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]
