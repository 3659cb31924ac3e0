"""Tables in the work summary: the draft's Table (JSON, text, figures), Word tables in the default and a
bureau's template, the GB/T 9704 grid of the default template, and the city's districts table."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from docx import Document
from docx.oxml.ns import qn

from keguan.reports.docx import check_template, default_template, render_docx
from keguan.reports.docx.make_default import CHARS, LINES, grid_values
from keguan.reports.draft import Chapter, Draft, Figure, Paragraph, Part, Run, Table
from tests.test_report_docx import FULL, make_draft, template

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def a_table(title: str = "表1 各县（市、区）主要指标完成情况") -> Table:
    return Table(
        title=title,
        headers=["县（市、区）", "在库企业（家）", "有效高企（家）"],
        rows=[
            [Run("青秀区"), Run("120", Figure("120", indicator="ent_total", region="450103", value="120")), Run("36")],
            [Run("西乡塘区"), Run("98", Figure("98", indicator="ent_total", region="450107", value="98")), Run("—")],
        ],
        area="enterprises",
        note="注：“—”表示无数据。",
    )


def draft_with_tables() -> Draft:
    draft = make_draft()
    draft.chapters[0].parts[0].tables.append(a_table())
    draft.chapters[1].tables.append(Table(title="", headers=["问题", "数量"], rows=[[Run("研发投入偏低"), Run("3项")]]))
    return draft


# --- the draft -----------------------------------------------------------------------------------


def test_table_json_round_trip():
    draft = draft_with_tables()
    data = draft.to_json()
    assert Draft.from_json(data) == draft
    cell = data["chapters"][0]["parts"][0]["tables"][0]["rows"][0][1]
    assert cell["figure"]["indicator"] == "ent_total" and cell["figure"]["region"] == "450103"


def test_drafts_stored_before_tables_still_load():
    old = make_draft().to_json()
    for ch in old["chapters"]:  # what a report version saved before tables existed looks like
        del ch["tables"]
        for part in ch["parts"]:
            del part["tables"]
    draft = Draft.from_json(old)
    assert draft == make_draft()
    assert draft.chapters[0].tables == [] and draft.chapters[0].parts[0].tables == []


def test_plain_text_and_figures_include_tables():
    draft = draft_with_tables()
    lines = draft.plain_text().splitlines()
    at = lines.index("表1 各县（市、区）主要指标完成情况")
    assert lines[at - 1] == "科技型中小企业评价入库工作有序推进。"  # after the part's paragraphs
    assert lines[at + 1 : at + 5] == [
        "县（市、区）｜在库企业（家）｜有效高企（家）",
        "青秀区｜120｜36",
        "西乡塘区｜98｜—",
        "注：“—”表示无数据。",
    ]
    assert lines[at + 5] == "（二）深化科技项目管理"
    assert lines[lines.index("企业研发投入偏低。") + 1 : lines.index("企业研发投入偏低。") + 3] == ["问题｜数量", "研发投入偏低｜3项"]
    assert {(f.indicator, f.region) for f in draft.figures()} >= {("ent_total", "450103"), ("ent_total", "450107")}


# --- Word ----------------------------------------------------------------------------------------


def body_blocks(data: bytes) -> list:
    """The body's paragraphs and tables in order: ("p", text, style id) / ("tbl", element)."""
    body = Document(io.BytesIO(data)).element.body
    out = []
    for el in body:
        if el.tag == f"{W}p":
            style = el.find(f"{W}pPr/{W}pStyle")
            out.append(("p", "".join(t.text or "" for t in el.iter(f"{W}t")), style.get(f"{W}val") if style is not None else ""))
        elif el.tag == f"{W}tbl":
            out.append(("tbl", el))
    return out


def cells(tbl) -> list[list[str]]:
    return [["".join(t.text or "" for t in tc.iter(f"{W}t")) for tc in tr.iter(f"{W}tc")] for tr in tbl.iter(f"{W}tr")]


def test_default_template_renders_a_real_table_after_the_parts_paragraphs():
    blocks = body_blocks(render_docx(draft_with_tables()))
    texts = [b[1] if b[0] == "p" else "<table>" for b in blocks]
    at = texts.index("表1 各县（市、区）主要指标完成情况")
    assert texts[at - 1] == "科技型中小企业评价入库工作有序推进。"
    assert texts[at + 1 : at + 4] == ["<table>", "注：“—”表示无数据。", "（二）深化科技项目管理"]
    assert blocks[at][2] == "KgTableCaption" and blocks[at + 2][2] == "KgTableNote"
    tbl = blocks[at + 1][1]
    assert cells(tbl) == [["县（市、区）", "在库企业（家）", "有效高企（家）"], ["青秀区", "120", "36"], ["西乡塘区", "98", "—"]]
    # the untitled table of chapter 二 follows its paragraph directly
    i = texts.index("企业研发投入偏低。")
    assert texts[i + 1] == "<table>" and cells(blocks[i + 1][1])[1] == ["研发投入偏低", "3项"]

    rows = tbl.findall(f"{W}tr")
    assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None  # repeats on every page
    assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)
    assert all(r.find(f"{W}trPr/{W}tblHeader") is None for r in rows[1:])
    assert {p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") for p in rows[0].iter(f"{W}p")} == {"KgTableHead"}
    assert {p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") for r in rows[1:] for p in r.iter(f"{W}p")} == {"KgTableText"}
    tblpr = tbl.find(f"{W}tblPr")
    assert tblpr.find(f"{W}jc").get(f"{W}val") == "center"
    assert tblpr.find(f"{W}tblLayout").get(f"{W}type") == "fixed"
    borders = tblpr.find(f"{W}tblBorders")
    assert {b.tag.split("}")[1] for b in borders} == {"top", "left", "bottom", "right", "insideH", "insideV"}
    assert all(b.get(f"{W}val") == "single" for b in borders)
    widths = [int(g.get(f"{W}w")) for g in tbl.find(f"{W}tblGrid")]
    assert sum(widths) == int(tblpr.find(f"{W}tblW").get(f"{W}w")) == 11906 - 1587 - 1474  # the 156 mm type area


def test_table_styles_are_official():
    doc = Document(io.BytesIO(default_template()))
    by_id = {s.style_id: s for s in doc.styles}

    def font(style_id):
        return by_id[style_id].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))

    assert font("KgTableHead") == "黑体" and font("KgTableCaption") == "黑体"
    assert font("KgTableText") == "仿宋_GB2312"
    for sid in ("KgTableHead", "KgTableText", "KgTableNote", "KgTableCaption"):
        ppr = by_id[sid].element.pPr
        assert ppr.find(qn("w:snapToGrid")).get(qn("w:val")) == "0"
        assert ppr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "0"
    assert by_id["KgTableText"].paragraph_format.alignment == 1  # centred


def test_a_bureaus_template_without_table_styles_gets_the_table_after_the_paragraphs():
    data = render_docx(draft_with_tables(), template(*FULL))
    blocks = body_blocks(data)
    texts = [b[1] if b[0] == "p" else "<table>" for b in blocks]
    at = texts.index("表1 各县（市、区）主要指标完成情况")
    assert texts[at - 1] == "科技型中小企业评价入库工作有序推进。" and texts[at + 1] == "<table>"
    styles = {s.style_id for s in Document(io.BytesIO(data)).styles}
    assert {"KgTableCaption", "KgTableHead", "KgTableText", "KgTableNote"} <= styles  # copied in
    assert check_template(template(*FULL)) == []  # the sample draft has a table: it is tried too
    assert "KGTABLE" not in "".join(texts)


def test_a_marker_inside_a_sentence_becomes_text():
    lines = [*FULL]
    lines[lines.index("{{ para }}", 8)] = "段落：{{ para }}"  # the part paragraphs' loop writes a prefix
    doc = Document(io.BytesIO(render_docx(draft_with_tables(), template(*lines))))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "段落：表1 各县（市、区）主要指标完成情况；县（市、区）｜在库企业（家）｜有效高企（家）；青秀区｜120｜36" in text
    assert "KGTABLE" not in text


HOSTILE = [
    "{{ title }}",
    "{% for x in chapters %}{{ x }}{% endfor %}",
    '<w:fldSimple w:instr=" PAGE "/>',
    "]]><w:tbl/>",
    "=cmd|' /C calc'!A0",
    "\x13 PAGE \x14\x15",
    "&amp; &lt;",
    "KGTABLE0N0E",
]


def test_hostile_text_in_table_cells_stays_literal():
    draft = make_draft()
    draft.chapters[0].parts[0].tables.append(
        Table(title=HOSTILE[0], headers=HOSTILE[:3], rows=[[Run(t) for t in HOSTILE[3:6]], [Run(t) for t in HOSTILE[5:]]])
    )
    data = render_docx(draft)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = zf.read("word/document.xml").decode()
    assert "<w:fldSimple" not in xml and "<w:instrText" not in xml and "<w:fldChar" not in xml
    assert "&lt;w:fldSimple" in xml
    tbl = next(b[1] for b in body_blocks(data) if b[0] == "tbl")
    assert cells(tbl) == [HOSTILE[:3], [HOSTILE[3], HOSTILE[4], "PAGE"], ["PAGE", *HOSTILE[6:]]]  # control characters dropped
    assert [b[1] for b in body_blocks(data) if b[0] == "p" and b[2] == "KgTableCaption"] == ["{{ title }}"]


# --- the page grid -------------------------------------------------------------------------------


def test_default_template_declares_the_gbt_9704_grid():
    doc = Document(io.BytesIO(default_template()))
    grid = doc.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines"
    assert grid.get(qn("w:linePitch")) == "579"  # 225 mm / 22 lines, in twips
    assert grid.get(qn("w:charSpace")) == "-842"  # 156 mm / 28 characters - 16 pt, in 1/4096 pt
    line_pitch, char_space, condense = grid_values()
    assert (line_pitch, char_space, condense) == (579, -842, -5)
    width_pt, height_pt = (11906 - 1587 - 1474) / 20, (16838 - 2098 - 1984) / 20
    assert LINES * line_pitch / 20 <= height_pt < (LINES + 1) * line_pitch / 20
    assert CHARS * (16 + char_space / 4096) <= width_pt < CHARS * (16 + (char_space + 1) / 4096)
    assert CHARS * (16 + condense / 20) <= width_pt < (CHARS + 1) * (16 + condense / 20)
    spacing = doc.styles.element.find(qn("w:docDefaults")).find(f"{W}rPrDefault/{W}rPr/{W}spacing")
    assert spacing.get(qn("w:val")) == "-5"  # every character 0.25 pt narrower: 28 to a line
    body = doc.styles["公文正文"].element.pPr
    assert body.find(qn("w:snapToGrid")) is None  # the body follows the line grid


# --- the city's districts ------------------------------------------------------------------------


@pytest.fixture
def demo_city(db):
    from keguan.demo.generator import generate_demo
    from keguan.regions.models import Region

    generate_demo(seed=7, enterprises=240, with_users=False, today=dt.date(2026, 11, 1))
    return Region.objects.get(code="450100")


def test_city_table_has_a_row_per_district_with_the_engines_values(demo_city):
    from keguan.indicators import registry as indicators
    from keguan.indicators.selectors import Engine, districts_of
    from keguan.reports.builder import build_draft
    from keguan.rules.periods import Period

    period = Period.parse("2026H1")
    draft = build_draft(demo_city, period, today=dt.date(2026, 7, 5))
    (part,) = [p for p in draft.chapters[0].parts if p.area == "districts"]
    assert part.title.endswith("各县（市、区）工作情况") and part.paragraphs  # who leads and who lags
    (table,) = part.tables
    districts = districts_of(demo_city)
    assert [r[0].text for r in table.rows] == [d.name for d in districts] + ["全市"]
    assert table.headers[0] == "县（市、区）" and len(table.headers) <= 8
    assert all(len(r) == len(table.headers) for r in table.rows)

    engine = Engine(districts)
    checked = 0
    codes = {d.code: d for d in districts}
    for row, region in zip(table.rows, [*districts, demo_city], strict=True):
        for cell in row[1:]:
            f = cell.figure
            if f is None:
                assert cell.text == "—"
                continue
            ind = indicators.get(f.indicator)
            # the R&D round's columns are of the fiscal year before (done in this period's year), as in the text
            fiscal = ind.area == "rd" or ind.code == "rd_intensity"
            p = Period.parse(str(period.year - 1)) if fiscal else period
            assert f.region == region.code and f.period == p.key and f.url
            if f.kind == "value":
                assert Decimal(f.value) == engine.value(ind, region, p)
            else:
                assert f.kind == "completion"
                targets = engine.targets(p.year)
                members = [region] if region.code in codes else districts  # the city's: the districts' sum
                target = sum(targets[(ind.code, d.pk)] for d in members)
                assert Decimal(f.value) == engine.target_basis(ind, region, p) / target
            checked += 1
    assert checked >= len(districts) * 3
    assert any("目标完成率" in h for h in table.headers)  # the demo sets targets

    sentence = part.paragraphs[-1].text
    assert sentence.startswith("从各县（市、区）完成情况看，") and sentence.endswith("相对滞后。")
    names = [d.name for d in districts]
    assert sum(name in sentence for name in names) == 4
    # the table is in the Word document, after the sentence
    blocks = body_blocks(render_docx(draft))
    texts = [b[1] if b[0] == "p" else "<table>" for b in blocks]
    assert texts[texts.index(sentence) + 1] == table.title
    assert texts[texts.index(sentence) + 2] == "<table>"

    # (one demo city for the three checks: generating it takes seconds)
    check_no_city_table_for_a_district(demo_city)
    check_leaders_and_laggards_follow_target_completion(demo_city)


def check_leaders_and_laggards_follow_target_completion(demo_city):
    from keguan.indicators.models import Target
    from keguan.indicators.selectors import Engine, districts_of
    from keguan.reports.builder import Context
    from keguan.reports.city import leaders_laggards
    from keguan.rules.periods import Period

    period = Period.parse("2026H1")
    districts = districts_of(demo_city)
    Target.objects.all().delete()
    # only 新认定高企 targets, for four districts: the first two easily ahead, the last two far behind
    from keguan.indicators.services import target_set

    for d in districts[:2]:
        target_set(actor=None, indicator="ent_new_hnte", district=d, year=2026, value=1)
    for d in districts[-2:]:
        target_set(actor=None, indicator="ent_new_hnte", district=d, year=2026, value=10_000)
    from keguan.reports.wording import wording_for

    ctx = Context(region=demo_city, period=period, engine=Engine(districts),
                  words=wording_for(demo_city.name, is_city=True))
    engine = ctx.engine
    from keguan.indicators import registry as indicators

    recognised = engine.by_district(indicators.get("ent_new_hnte"), period.year_to_date)
    if any(recognised[d.pk] == 0 for d in districts[:2]):
        return  # this demo seed gives a leading district no recognitions: nothing to compare
    text = leaders_laggards(ctx).text
    ahead, behind = text.split("完成市定目标进度领先，")
    assert districts[0].name in ahead and districts[1].name in ahead
    assert districts[-1].name in behind and districts[-2].name in behind


def check_no_city_table_for_a_district(demo_city):
    from keguan.regions.models import Region
    from keguan.reports.builder import build_draft
    from keguan.rules.periods import Period

    district = Region.objects.filter(parent=demo_city, level=3).order_by("code").first()
    draft = build_draft(district, Period.parse("2026H1"), today=dt.date(2026, 7, 5))
    assert draft.all_tables() == []


def test_parts_keep_positional_construction():
    part = Part("（一）标题", [Paragraph().add("x")], "enterprises")
    assert part.tables == [] and Chapter("一、").tables == []


def test_preview_shows_a_table_with_linked_figures_and_escaped_text():
    from django.template.loader import render_to_string

    table = a_table()
    table.rows[1][0] = Run("<script>alert(1)</script>")
    html = render_to_string("reports/_table.html", {"table": table})
    assert "<th>在库企业（家）</th>" in html and 'data-indicator="ent_total"' in html
    assert "<script>" not in html and "&lt;script&gt;" in html
