"""Builds ``default.docx``, the template the work summary is written into when a bureau has not uploaded
its own: an official-document page (GB/T 9704-2012) with docxtpl placeholders.

The file is checked in; after changing this script run ``python -m keguan.reports.docx.make_default`` and
commit the new ``default.docx`` (a test checks that the two agree). The output is byte-stable: fixed
document dates and fixed zip timestamps, so regenerating an unchanged script changes nothing in git.

Layout (GB/T 9704-2012, no 红头: a bureau that wants one uploads its own template):
A4; margins top 3.7 cm (天头 37 mm), bottom 3.5 cm, left 2.8 cm (订口 28 mm), right 2.6 cm (版心
156 × 225 mm); 22 lines of 28 characters (a line grid of 22 lines, characters condensed by 0.25 pt so 28
fit: see ``_page``);
title 方正小标宋简体 二号 centred; body 仿宋_GB2312 三号, first line indented two characters, fixed
line spacing 28.95 pt; 一、 chapter headings 黑体; （一） part headings 楷体_GB2312; signature and date
right-aligned two characters in from the margin; page numbers "— 1 —" in 宋体 四号, odd pages right,
even pages left.

Every style is a named paragraph style (公文标题, 公文正文, 一级标题, 二级标题, 署名, 成文日期, 页码, and for
tables 表格标题 黑体 三号, 表头 黑体 小四, 表格文字 仿宋 小四, 表注), so a bureau can restyle the document in Word
without touching the placeholders.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_LINE_SPACING, WD_PARAGRAPH_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from lxml import etree

OUTPUT = Path(__file__).with_name("default.docx")

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"

TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
PAGE_NUMBER_SIZE = Pt(14)  # 四号
LINE = Pt(28.95)  # 22 lines in the 225 mm type area
TITLE_LINE = Pt(35)
INDENT_CHARS = 2
TABLE_SIZE = Pt(12)  # 小四: eight columns of a district table fit the 156 mm type area
TABLE_LINE = Pt(20)
TABLE_CAPTION, TABLE_HEAD, TABLE_TEXT, TABLE_NOTE = "KgTableCaption", "KgTableHead", "KgTableText", "KgTableNote"

# GB/T 9704-2012 page: A4, 天头 (top margin) 37 mm, 订口 (left margin) 28 mm, type area 156 × 225 mm.
PAGE_W, PAGE_H = Cm(21), Cm(29.7)
MARGIN_TOP, MARGIN_LEFT = Cm(3.7), Cm(2.8)
AREA_W, AREA_H = Cm(15.6), Cm(22.5)
LINES, CHARS = 22, 28

# What Word should use when a font is missing (w:fontTable): an alternative name that ships with Windows,
# the GB2312 charset and a PANOSE class close to the original, so the fallback is a Song/Fang/Hei/Kai face
# of the same kind rather than a Latin default.
FONT_TABLE = {
    TITLE_FONT: ("宋体", "02010600030101010101", "roman", "variable"),
    BODY_FONT: ("仿宋", "02010609030101010101", "modern", "fixed"),
    HEADING1_FONT: ("SimHei", "02010609060101010101", "modern", "fixed"),
    HEADING2_FONT: ("楷体", "02010609030101010101", "modern", "fixed"),
    PAGE_NUMBER_FONT: ("SimSun", "02010600030101010101", "auto", "variable"),
}

# The template body: (style name, text). docxtpl removes the {%p …%} paragraphs when rendering, so an
# empty opening, chapter without parts, missing signature … leave no empty paragraph behind.
BODY = [
    ("公文标题", "{{ title }}"),
    (None, "{%p if opening %}"),
    ("公文正文", "{{ opening }}"),
    (None, "{%p endif %}"),
    (None, "{%p for ch in chapters %}"),
    ("一级标题", "{{ ch.title }}"),
    (None, "{%p for para in ch.paragraphs %}"),
    ("公文正文", "{{ para }}"),
    (None, "{%p endfor %}"),
    (None, "{%p for part in ch.parts %}"),
    ("二级标题", "{{ part.title }}"),
    (None, "{%p for para in part.paragraphs %}"),
    ("公文正文", "{{ para }}"),
    (None, "{%p endfor %}"),
    (None, "{%p endfor %}"),
    (None, "{%p endfor %}"),
    (None, "{%p if author %}"),
    ("署名", "{{ author }}"),
    (None, "{%p endif %}"),
    (None, "{%p if date %}"),
    ("成文日期", "{{ date }}"),
    (None, "{%p endif %}"),
]

FIXED_TIME = dt.datetime(2025, 1, 1)
ZIP_TIME = (2025, 1, 1, 0, 0, 0)


def _set_fonts(rpr, font: str) -> None:
    """All four slots of w:rFonts, no theme fonts (a theme attribute would win over the name)."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in list(rfonts.attrib):
        del rfonts.attrib[attr]
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
        rfonts.set(qn(f"w:{slot}"), font)
    rfonts.set(qn("w:hint"), "eastAsia")


def _set_ppr_child(ppr, tag: str, **attrs: str):
    """Add or replace one child of w:pPr, keeping the schema order."""
    order = [
        "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl",
        "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens",
        "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN",
        "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
        "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
        "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
    ]  # fmt: skip
    el = ppr.find(qn(tag))
    if el is None:
        el = OxmlElement(tag)
        later = {qn(t) for t in order[order.index(tag) + 1 :]}
        for i, child in enumerate(ppr):
            if child.tag in later:
                ppr.insert(i, el)
                break
        else:
            ppr.append(el)
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), value)
    return el


def _indent_chars(style, *, first_line: int = 0, right: int = 0) -> None:
    """Indents in characters (w:firstLineChars / w:rightChars, hundredths of a character), with the twips
    equivalent at 三号 for programs that ignore the character units."""
    ppr = style.element.get_or_add_pPr()
    attrs = {}
    if first_line:
        attrs |= {"firstLineChars": str(first_line * 100), "firstLine": str(first_line * 320)}
    if right:
        attrs |= {"rightChars": str(right * 100), "right": str(right * 320)}
    _set_ppr_child(ppr, "w:ind", **attrs)


def _paragraph_style(doc, name: str, style_id: str, *, base, font: str, size, line=LINE, align=None):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.style_id = style_id
    style.base_style = base
    style.quick_style = True
    _set_fonts(style.element.get_or_add_rPr(), font)
    style.font.size = size
    style.font.bold = False
    pf = style.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = line
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    if align is not None:
        pf.alignment = align
    return style


def _styles(doc) -> None:
    styles = doc.styles.element
    # Document defaults: 仿宋_GB2312 三号, Chinese as the East-Asian language, no spacing after paragraphs.
    rpr_default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr_default, BODY_FONT)
    for tag in ("w:sz", "w:szCs"):
        rpr_default.find(qn(tag)).set(qn("w:val"), str(int(BODY_SIZE.pt * 2)))
    # Condensed by a quarter point: 28 characters of 三号 on a 156 mm line in every program (see _page).
    spacing_el = OxmlElement("w:spacing")
    spacing_el.set(qn("w:val"), str(grid_values()[2]))
    later = {qn(t) for t in ("w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:lang")}
    next(c for c in rpr_default if c.tag in later).addprevious(spacing_el)
    lang = rpr_default.find(qn("w:lang"))
    lang.set(qn("w:eastAsia"), "zh-CN")
    spacing = (
        styles.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    )
    for attr in list(spacing.attrib):
        del spacing.attrib[attr]
    spacing.set(qn("w:after"), "0")

    normal = doc.styles["Normal"]
    _set_fonts(normal.element.get_or_add_rPr(), BODY_FONT)
    normal.font.size = BODY_SIZE
    pf = normal.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = LINE
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.alignment = WD_PARAGRAPH_ALIGNMENT.JUSTIFY

    title = _paragraph_style(
        doc, "公文标题", "KgTitle", base=normal, font=TITLE_FONT, size=TITLE_SIZE, line=TITLE_LINE,
        align=WD_PARAGRAPH_ALIGNMENT.CENTER,
    )  # fmt: skip
    title.paragraph_format.space_after = LINE  # 标题下空一行
    title.paragraph_format.keep_with_next = True
    # Off any line grid a bureau's copy may add: a 35 pt line would take two 28.95 pt grid lines.
    _set_ppr_child(title.element.get_or_add_pPr(), "w:snapToGrid", val="0")
    _set_ppr_child(title.element.get_or_add_pPr(), "w:outlineLvl", val="0")

    body = _paragraph_style(doc, "公文正文", "KgBody", base=normal, font=BODY_FONT, size=BODY_SIZE)
    body.paragraph_format.alignment = WD_PARAGRAPH_ALIGNMENT.JUSTIFY
    _indent_chars(body, first_line=INDENT_CHARS)
    body.paragraph_format.widow_control = True

    h1 = _paragraph_style(doc, "一级标题", "KgHeading1", base=body, font=HEADING1_FONT, size=BODY_SIZE)
    h1.paragraph_format.keep_with_next = True
    _set_ppr_child(h1.element.get_or_add_pPr(), "w:outlineLvl", val="1")

    h2 = _paragraph_style(doc, "二级标题", "KgHeading2", base=body, font=HEADING2_FONT, size=BODY_SIZE)
    h2.paragraph_format.keep_with_next = True
    _set_ppr_child(h2.element.get_or_add_pPr(), "w:outlineLvl", val="2")
    for style in (body, h1, h2):
        style.next_paragraph_style = body

    signature = _paragraph_style(
        doc,
        "署名",
        "KgSignature",
        base=normal,
        font=BODY_FONT,
        size=BODY_SIZE,
        align=WD_PARAGRAPH_ALIGNMENT.RIGHT,
    )
    signature.paragraph_format.space_before = LINE  # 正文下空一行
    signature.paragraph_format.keep_with_next = True
    _indent_chars(signature, right=INDENT_CHARS)
    date = _paragraph_style(
        doc,
        "成文日期",
        "KgDate",
        base=normal,
        font=BODY_FONT,
        size=BODY_SIZE,
        align=WD_PARAGRAPH_ALIGNMENT.RIGHT,
    )
    _indent_chars(date, right=INDENT_CHARS)

    # Tables (keguan.reports.docx.tables): off the document grid (a table line is shorter than a grid line,
    # and 小四 characters would otherwise be spread to the 三号 character pitch), no indents.
    table_styles = (
        ("表格标题", TABLE_CAPTION, HEADING1_FONT, BODY_SIZE, LINE, WD_PARAGRAPH_ALIGNMENT.CENTER),
        ("表头", TABLE_HEAD, HEADING1_FONT, TABLE_SIZE, TABLE_LINE, WD_PARAGRAPH_ALIGNMENT.CENTER),
        ("表格文字", TABLE_TEXT, BODY_FONT, TABLE_SIZE, TABLE_LINE, WD_PARAGRAPH_ALIGNMENT.CENTER),
        ("表注", TABLE_NOTE, BODY_FONT, TABLE_SIZE, TABLE_LINE, WD_PARAGRAPH_ALIGNMENT.LEFT),
    )
    for name, style_id, font, size, line, align in table_styles:
        style = _paragraph_style(doc, name, style_id, base=None, font=font, size=size, line=line, align=align)
        ppr = style.element.get_or_add_pPr()
        _set_ppr_child(ppr, "w:snapToGrid", val="0")
        _set_ppr_child(ppr, "w:ind", firstLine="0", firstLineChars="0", left="0", right="0")
        style.quick_style = False
    doc.styles["表格标题"].paragraph_format.keep_with_next = True
    doc.styles["表格标题"].paragraph_format.space_before = Pt(TABLE_LINE.pt / 2)
    doc.styles["表注"].paragraph_format.space_after = Pt(TABLE_LINE.pt / 2)

    page_number = _paragraph_style(
        doc, "页码", "KgPageNumber", base=None, font=PAGE_NUMBER_FONT, size=PAGE_NUMBER_SIZE, line=Pt(18)
    )
    page_number.quick_style = False
    _set_ppr_child(page_number.element.get_or_add_pPr(), "w:snapToGrid", val="0")


def _twips(length) -> int:
    return round(length / 635)  # EMU per twip


def grid_values(page_w=PAGE_W, left=MARGIN_LEFT, right=None, page_h=PAGE_H, top=MARGIN_TOP, bottom=None):
    """(linePitch, charSpace, condense) for LINES lines × CHARS characters of BODY_SIZE in the type area
    as Word stores it (twips). linePitch: twips per line. charSpace: how much a character cell of the
    grid is wider than the font size, in 1/4096 pt (negative: narrower; rounded down so CHARS cells fit:
    28 characters of 三号 need 448 pt, the 156 mm line is 442.2 pt). condense: the character spacing, in
    1/20 pt, that makes CHARS characters (and not one more) fit without a character grid."""
    right = right if right is not None else PAGE_W - MARGIN_LEFT - AREA_W
    bottom = bottom if bottom is not None else PAGE_H - MARGIN_TOP - AREA_H
    width = _twips(page_w) - _twips(left) - _twips(right)
    height = _twips(page_h) - _twips(top) - _twips(bottom)
    line_pitch = height // LINES
    pitch = width / 20 / CHARS  # points per character
    char_space = math.floor((pitch - BODY_SIZE.pt) * 4096)
    condense = -math.ceil((BODY_SIZE.pt - pitch) * 20)
    assert CHARS * (BODY_SIZE.pt + condense / 20) <= width / 20 < (CHARS + 1) * (BODY_SIZE.pt + condense / 20)
    return line_pitch, char_space, condense


def _page(doc) -> None:
    section = doc.sections[0]
    section.page_width = PAGE_W
    section.page_height = PAGE_H
    section.top_margin = MARGIN_TOP
    section.bottom_margin = PAGE_H - MARGIN_TOP - AREA_H  # 3.5 cm
    section.left_margin = MARGIN_LEFT
    section.right_margin = PAGE_W - MARGIN_LEFT - AREA_W  # 2.6 cm
    section.header_distance = Cm(1.5)
    section.footer_distance = Cm(2.5)  # the page number sits about 7 mm below the type area
    # The document grid: 22 lines a page (w:linePitch, the body's exact 28.95 pt line spacing matches it).
    # 28 characters a line come from condensing every character by 0.25 pt (see _styles), not from a
    # character grid (type linesAndChars): LibreOffice gives a character wider than its grid cell two
    # cells, so the 15.79 pt cells of a 28-character grid put 14 characters of 16 pt 三号 on a line
    # (measured with LibreOffice 7/24; tests/test_report_office.py checks 28). charSpace is kept, so
    # switching Word's 文档网格 to 指定行和字符网格 gives the same 28.
    line_pitch, char_space, _ = grid_values()
    grid = section._sectPr.find(qn("w:docGrid"))
    for attr in list(grid.attrib):
        del grid.attrib[attr]
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(line_pitch))
    grid.set(qn("w:charSpace"), str(char_space))

    # Page numbers "— 1 —": odd pages right, even pages left, one character in from the margin.
    doc.settings.odd_and_even_pages_header_footer = True
    for footer, align, indent in (
        (section.footer, WD_PARAGRAPH_ALIGNMENT.RIGHT, "right"),
        (section.even_page_footer, WD_PARAGRAPH_ALIGNMENT.LEFT, "left"),
    ):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.style = doc.styles["页码"]
        p.alignment = align
        _set_ppr_child(p._p.get_or_add_pPr(), "w:ind", **{f"{indent}Chars": "100", indent: "280"})
        p.add_run("— ")
        run = p.add_run()
        for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
            if kind:
                fld = OxmlElement("w:fldChar")
                fld.set(qn("w:fldCharType"), kind)
                run._r.append(fld)
            elif text == " PAGE ":
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = text
                run._r.append(instr)
            else:
                t = OxmlElement("w:t")
                t.text = text
                run._r.append(t)
        p.add_run(" —")


def _package(doc) -> None:
    """Drop the parts python-docx's own template carries that a Chinese report should not: the thumbnail of
    an empty page, Word 2010 stylesWithEffects and customXml; make East-Asian theme fonts Chinese; give the
    custom fonts fallbacks in the font table."""
    package = doc.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rid]
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype in (
            RT.CUSTOM_XML,
            "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
        ):
            del doc.part.rels[rid]
        elif rel.reltype == RT.FONT_TABLE:
            rel.target_part._blob = _font_table(rel.target_part.blob)

    settings = doc.settings.element
    settings.find(qn("w:themeFontLang")).set(qn("w:eastAsia"), "zh-CN")

    props = doc.core_properties
    props.title = "工作总结"
    props.author = "科管"
    props.comments = "科管工作总结默认模板（GB/T 9704 版式）"
    props.last_modified_by = "科管"
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    props.revision = 1


def _font_table(blob: bytes) -> bytes:
    fonts = parse_xml(blob)
    for name, (alt, panose, family, pitch) in FONT_TABLE.items():
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        for tag, value in (("w:altName", alt), ("w:panose1", panose), ("w:charset", "86"),
                           ("w:family", family), ("w:pitch", pitch)):  # fmt: skip
            child = OxmlElement(tag)
            child.set(qn("w:val"), value)
            font.append(child)
        fonts.append(font)
    return etree.tostring(fonts, xml_declaration=True, encoding="UTF-8", standalone=True)


def _stable_zip(data: bytes) -> bytes:
    """Same members in the same order, with fixed timestamps, so the bytes only change with the content."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            dst.writestr(member, src.read(info.filename))
    return out.getvalue()


def build_default() -> bytes:
    """The default template as .docx bytes."""
    doc = Document()
    _styles(doc)
    _page(doc)
    _package(doc)
    for style, text in BODY:
        doc.add_paragraph(text, style=doc.styles[style] if style else None)
    buf = io.BytesIO()
    doc.save(buf)
    return _stable_zip(buf.getvalue())


def main() -> None:
    data = build_default()
    OUTPUT.write_bytes(data)
    print(f"wrote {OUTPUT} ({len(data)} bytes)")


if __name__ == "__main__":
    main()
