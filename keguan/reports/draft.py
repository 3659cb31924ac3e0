"""The work summary as data: a title, an opening paragraph and three chapters of numbered parts, each
paragraph made of plain text and figures, a part or chapter possibly followed by tables (cells are runs too). A figure remembers where it came from (indicator, region,
period, value, link to the rows), so the preview can show it and tests can check it against the database.

Pure data classes (no Django import): the draft is built by ``keguan.reports.builder`` and stored as JSON
in a report version; ``keguan.reports.docx`` renders it into Word.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Figure:
    """One number as written in the text, with its provenance."""

    text: str  # as written: "9家", "8621.50万元", "全市第三", "45.7%"
    indicator: str = ""  # indicator code ('' for figures that are not indicators, e.g. a count of plan items)
    region: str = ""  # region code
    period: str = ""  # period key
    value: str = ""  # the exact value (Decimal as string) the text was written from
    kind: str = "value"  # value | target | completion | rank | growth | count
    source: str = ""  # human-readable: "由企业阶段变更记录计算" …
    url: str = ""  # the records behind it


@dataclass
class Run:
    """A piece of a paragraph: plain text, or a figure."""

    text: str
    figure: Figure | None = None


@dataclass
class Paragraph:
    runs: list[Run] = field(default_factory=list)
    area: str = ""

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)

    def add(self, text: str) -> Paragraph:
        self.runs.append(Run(text))
        return self

    def fig(self, figure: Figure) -> Paragraph:
        self.runs.append(Run(figure.text, figure))
        return self

    @property
    def figures(self) -> list[Figure]:
        return [r.figure for r in self.runs if r.figure is not None]


@dataclass
class Table:
    """A table after a part's or chapter's paragraphs: "表1 各县（市、区）主要指标完成情况", column headers and
    rows of cells. A cell is a ``Run``, so a number in it keeps its figure's provenance."""

    title: str = ""  # the caption above the table ('' for none)
    headers: list[str] = field(default_factory=list)
    rows: list[list[Run]] = field(default_factory=list)
    area: str = ""
    note: str = ""  # a line under the table: "注：…" ('' for none)

    @property
    def figures(self) -> list[Figure]:
        return [cell.figure for row in self.rows for cell in row if cell.figure is not None]

    def lines(self) -> list[str]:
        """The table as text: caption, header row, one line per row (cells joined by "｜"), note."""
        out = [self.title] if self.title else []
        if self.headers:
            out.append("｜".join(self.headers))
        out += ["｜".join(cell.text for cell in row) for row in self.rows]
        return out + ([self.note] if self.note else [])


@dataclass
class Part:
    """A numbered part: "（一）深化科技项目管理" with its paragraphs, then its tables."""

    title: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    area: str = ""
    tables: list[Table] = field(default_factory=list)


@dataclass
class Chapter:
    """一、工作总结 / 二、存在的问题 / 三、下一步工作计划."""

    title: str
    parts: list[Part] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)  # before the parts (all of a chapter without parts)
    tables: list[Table] = field(default_factory=list)  # after the chapter's paragraphs, before its parts


@dataclass
class Draft:
    title: str
    region: str  # region code
    region_name: str
    period: str  # period key
    period_label: str
    opening: Paragraph = field(default_factory=Paragraph)
    chapters: list[Chapter] = field(default_factory=list)
    author: str = ""  # the bureau's name, for the signature line
    date: str = ""  # 2022年7月5日
    # What the preview page tells the writer (no plans entered, no records in the period …): never rendered
    # into the document.
    notes: list[str] = field(default_factory=list)

    def all_paragraphs(self) -> list[Paragraph]:
        out = [self.opening]
        for ch in self.chapters:
            out += ch.paragraphs
            for part in ch.parts:
                out += part.paragraphs
        return out

    def all_tables(self) -> list[Table]:
        out = []
        for ch in self.chapters:
            out += ch.tables
            for part in ch.parts:
                out += part.tables
        return out

    def figures(self) -> list[Figure]:
        return [f for p in self.all_paragraphs() for f in p.figures] + [
            f for t in self.all_tables() for f in t.figures
        ]

    def plain_text(self) -> str:
        """The whole document as text (the golden test compares this)."""
        lines = [self.title, self.opening.text]
        for ch in self.chapters:
            lines.append(ch.title)
            lines += [p.text for p in ch.paragraphs]
            lines += [line for t in ch.tables for line in t.lines()]
            for part in ch.parts:
                lines.append(part.title)
                lines += [p.text for p in part.paragraphs]
                lines += [line for t in part.tables for line in t.lines()]
        lines += [self.author, self.date]
        return "\n".join(line for line in lines if line)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Draft:
        def run(r: dict) -> Run:
            return Run(r["text"], Figure(**r["figure"]) if r.get("figure") else None)

        def para(d: dict) -> Paragraph:
            return Paragraph(runs=[run(r) for r in d.get("runs", [])], area=d.get("area", ""))

        def tables(d: dict) -> list[Table]:  # drafts saved before tables existed have none
            return [
                Table(
                    title=t.get("title", ""),
                    headers=list(t.get("headers", [])),
                    rows=[[run(c) for c in row] for row in t.get("rows", [])],
                    area=t.get("area", ""),
                    note=t.get("note", ""),
                )
                for t in d.get("tables", [])
            ]

        return cls(
            title=data["title"],
            region=data["region"],
            region_name=data["region_name"],
            period=data["period"],
            period_label=data["period_label"],
            opening=para(data.get("opening", {})),
            chapters=[
                Chapter(
                    title=c["title"],
                    parts=[
                        Part(p["title"], [para(x) for x in p.get("paragraphs", [])], p.get("area", ""), tables(p))
                        for p in c.get("parts", [])
                    ],
                    paragraphs=[para(x) for x in c.get("paragraphs", [])],
                    tables=tables(c),
                )
                for c in data.get("chapters", [])
            ],
            author=data.get("author", ""),
            date=data.get("date", ""),
            notes=list(data.get("notes", [])),
        )
