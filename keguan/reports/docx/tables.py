"""Real Word tables for a draft's ``Table``s, put in after rendering where ``render`` left their markers.

A table spans the type area (its width read from the document's section), columns sized by their longest
text, borders on every cell, the header row repeated on each page, rows not split across pages. Text
uses the paragraph styles 表格标题 (caption), 表头 (header cells), 表格文字 (cells) and 表注 (note); a
document without them (a bureau's template made before tables existed) gets the default template's.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable

from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn

from keguan.reports.draft import Table

# Style ids of the table styles in the default template (make_default.py defines them).
CAPTION, HEAD, TEXT, NOTE = "KgTableCaption", "KgTableHead", "KgTableText", "KgTableNote"
TABLE_STYLES = (CAPTION, HEAD, TEXT, NOTE)
DEFAULT_WIDTH = 8845  # twips: A4 less GB/T 9704's 28 mm + 26 mm margins
BORDER = {"val": "single", "sz": "4", "space": "0", "color": "000000"}  # ½ pt lines
CELL_MARGIN = 57  # twips (1 mm) left and right in each cell
ROW_HEIGHT = 454  # twips (8 mm), at least
_WIDE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


def _el(tag: str, **attrs: str):
    el = OxmlElement(tag)
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), value)
    return el


def _width_of(text: str) -> float:
    """Width in characters of the body font: CJK and full-width characters 1, others about half."""
    wide = len(_WIDE.findall(text))
    return wide + (len(text) - wide) * 0.55


def text_width(body) -> int:
    """The type area's width in twips, from the body's (last) section."""
    sect = body.find(qn("w:sectPr"))
    try:
        size, margins = sect.find(qn("w:pgSz")), sect.find(qn("w:pgMar"))
        width = int(size.get(qn("w:w"))) - int(margins.get(qn("w:left"))) - int(margins.get(qn("w:right")))
    except (AttributeError, TypeError, ValueError):
        return DEFAULT_WIDTH
    return width if 1440 <= width <= 30000 else DEFAULT_WIDTH


def column_widths(headers: list[str], rows: list[list[str]], total: int) -> list[int]:
    """Widths in twips summing to total: each column by its longest cell (a header counts up to five
    characters, it may wrap), at least two characters."""
    ncols = max([len(headers), *(len(r) for r in rows)], default=1)
    weights = []
    for j in range(ncols):
        head = _width_of(headers[j]) if j < len(headers) else 0
        cells = [_width_of(r[j]) for r in rows if j < len(r)]
        weights.append(max(min(head, 5), *cells, 2) + 1.5)
    widths = [int(total * w / sum(weights)) for w in weights]
    widths[-1] += total - sum(widths)
    return widths


def _paragraph(style: str, text: str):
    p = _el("w:p")
    ppr = _el("w:pPr")
    ppr.append(_el("w:pStyle", val=style))
    p.append(ppr)
    if text:
        r = _el("w:r")
        t = OxmlElement("w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = text
        r.append(t)
        p.append(r)
    return p


def table_element(headers: list[str], rows: list[list[str]], total: int):
    """A w:tbl: centred, total wide, fixed layout, borders, header row repeated, rows kept whole."""
    widths = column_widths(headers, rows, total)
    tbl = _el("w:tbl")
    tblpr = _el("w:tblPr")
    tblpr.append(_el("w:tblW", w=str(total), type="dxa"))
    tblpr.append(_el("w:jc", val="center"))
    borders = _el("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_el(f"w:{side}", **BORDER))
    tblpr.append(borders)
    tblpr.append(_el("w:tblLayout", type="fixed"))
    margins = _el("w:tblCellMar")
    for side, value in (("top", 0), ("left", CELL_MARGIN), ("bottom", 0), ("right", CELL_MARGIN)):
        margins.append(_el(f"w:{side}", w=str(value), type="dxa"))
    tblpr.append(margins)
    tblpr.append(_el("w:tblLook", val="0020", firstRow="1", lastRow="0", firstColumn="0", lastColumn="0",
                     noHBand="1", noVBand="1"))  # fmt: skip
    tbl.append(tblpr)
    grid = _el("w:tblGrid")
    for w in widths:
        grid.append(_el("w:gridCol", w=str(w)))
    tbl.append(grid)

    def row(cells: list[str], style: str, header: bool):
        tr = _el("w:tr")
        trpr = _el("w:trPr")
        trpr.append(_el("w:cantSplit"))
        trpr.append(_el("w:trHeight", val=str(ROW_HEIGHT), hRule="atLeast"))
        if header:
            trpr.append(_el("w:tblHeader"))
        tr.append(trpr)
        for j, w in enumerate(widths):
            tc = _el("w:tc")
            tcpr = _el("w:tcPr")
            tcpr.append(_el("w:tcW", w=str(w), type="dxa"))
            tcpr.append(_el("w:vAlign", val="center"))
            tc.append(tcpr)
            tc.append(_paragraph(style, cells[j] if j < len(cells) else ""))
            tr.append(tc)
        tbl.append(tr)

    if headers:
        row(headers, HEAD, True)
    for cells in rows:
        row(cells, TEXT, False)
    return tbl


def ensure_styles(styles_root, default_styles_xml: bytes) -> None:
    """Copy the table paragraph styles from the default template into a document that lacks them (by
    style id: a bureau that restyled them in its copy of the default template keeps its look)."""
    have = {s.get(qn("w:styleId")) for s in styles_root.iter(qn("w:style"))}
    missing = [sid for sid in TABLE_STYLES if sid not in have]
    if not missing:
        return
    default = parse_xml(default_styles_xml)
    for style in default.iter(qn("w:style")):
        if style.get(qn("w:styleId")) in missing:
            style = copy.deepcopy(style)
            for link in style.findall(qn("w:basedOn")) + style.findall(qn("w:next")):
                style.remove(link)
            styles_root.append(style)


def replace_markers(
    root, marks: dict[str, Table], clean: Callable[[str], str], width: int, *, as_text: bool = False
) -> None:
    """Each paragraph that is only a marker becomes the table's caption, the table and its note; a marker
    sharing its paragraph with other text (a template that writes {{ para }} inside a sentence) becomes the
    table's text, one row after another."""
    if not marks:
        return
    pattern = re.compile("|".join(re.escape(m) for m in marks))
    for t in list(root.iter(qn("w:t"))):
        found = pattern.search(t.text or "")
        if not found:
            continue
        table = marks[found.group()]
        p = next(t.iterancestors(qn("w:p")), None)
        alone = p is not None and "".join(x.text or "" for x in p.iter(qn("w:t"))).strip() == found.group()
        if as_text or not alone or p.getparent() is None:
            text = "；".join(clean(line) for line in table.lines())
            t.text = pattern.sub(lambda m, text=text: text, t.text)
            continue
        headers = [clean(h) for h in table.headers]
        rows = [[clean(cell.text) for cell in r] for r in table.rows]
        parent, at = p.getparent(), p.getparent().index(p)
        parent.remove(p)
        blocks = []
        if clean(table.title):
            caption = _paragraph(CAPTION, clean(table.title))
            caption.find(qn("w:pPr")).append(_el("w:keepNext"))
            blocks.append(caption)
        if headers or rows:
            blocks.append(table_element(headers, rows, width))
        if clean(table.note):
            blocks.append(_paragraph(NOTE, clean(table.note)))
        if parent.tag == qn("w:tc") and at == len(parent) and (not blocks or blocks[-1].tag == qn("w:tbl")):
            blocks.append(_paragraph(TEXT, ""))  # a table cell must end with a paragraph
        for i, block in enumerate(blocks):
            parent.insert(at + i, block)
