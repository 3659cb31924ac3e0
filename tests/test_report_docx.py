"""The work summary in Word (keguan.reports.docx): the default template, rendering and vetting uploads."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_LINE_SPACING, WD_PARAGRAPH_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docxtpl import DocxTemplate

from keguan.reports.docx import (
    TemplateProblem,
    check_template,
    context_for,
    default_template,
    render_docx,
    sample_draft,
    save_docx,
)
from keguan.reports.docx.make_default import OUTPUT, build_default
from keguan.reports.draft import Chapter, Draft, Figure, Paragraph, Part

NOT_DOCX = "文件不是有效的 Word（.docx）文件"

# The default template's loops, as a bureau would type them into its own template.
FULL = [
    "{{ title }}",
    "{{ opening }}",
    "{%p for ch in chapters %}",
    "{{ ch.title }}",
    "{%p for para in ch.paragraphs %}",
    "{{ para }}",
    "{%p endfor %}",
    "{%p for part in ch.parts %}",
    "{{ part.title }}",
    "{%p for para in part.paragraphs %}",
    "{{ para }}",
    "{%p endfor %}",
    "{%p endfor %}",
    "{%p endfor %}",
    "{{ author }}",
    "{{ date }}",
]


def make_draft() -> Draft:
    return Draft(
        title="青秀区科学技术局2024年上半年工作总结和下半年工作计划",
        region="450103",
        region_name="青秀区",
        period="2024-H1",
        period_label="2024年上半年",
        opening=Paragraph().add(
            "今年以来，我局在区委、区政府的正确领导下，扎实推进各项工作。现将有关情况汇报如下："
        ),
        chapters=[
            Chapter(
                "一、上半年工作总结",
                parts=[
                    Part(
                        "（一）培育壮大创新主体",
                        [
                            Paragraph()
                            .add("新认定高新技术企业")
                            .fig(Figure("9家", indicator="hte_new", region="450103", value="9", kind="count"))
                            .add("，完成全年目标的")
                            .fig(Figure("45.7%", indicator="hte_new", kind="completion", value="45.7"))
                            .add("。"),
                            Paragraph().add("科技型中小企业评价入库工作有序推进。"),
                        ],
                    ),
                    Part("（二）深化科技项目管理", [Paragraph().add("组织申报自治区科技计划项目。")]),
                ],
            ),
            Chapter("二、存在的问题", paragraphs=[Paragraph().add("企业研发投入偏低。")]),
            Chapter(
                "三、下半年工作计划",
                paragraphs=[Paragraph().add("围绕全年目标任务，重点抓好以下工作：")],
                parts=[Part("（一）抓好高企培育", [Paragraph().add("加强入库企业辅导。")])],
            ),
        ],
        author="青秀区科学技术局",
        date="2024年7月5日",
    )


EXPECTED = [
    "青秀区科学技术局2024年上半年工作总结和下半年工作计划",
    "今年以来，我局在区委、区政府的正确领导下，扎实推进各项工作。现将有关情况汇报如下：",
    "一、上半年工作总结",
    "（一）培育壮大创新主体",
    "新认定高新技术企业9家，完成全年目标的45.7%。",
    "科技型中小企业评价入库工作有序推进。",
    "（二）深化科技项目管理",
    "组织申报自治区科技计划项目。",
    "二、存在的问题",
    "企业研发投入偏低。",
    "三、下半年工作计划",
    "围绕全年目标任务，重点抓好以下工作：",
    "（一）抓好高企培育",
    "加强入库企业辅导。",
    "青秀区科学技术局",
    "2024年7月5日",
]


def template(*lines: str, header: str | None = None) -> bytes:
    """A bureau's own template: one paragraph per line."""
    doc = Document()
    for line in lines:
        doc.add_paragraph(line)
    if header is not None:
        doc.sections[0].header.paragraphs[0].text = header
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def opened(data: bytes):
    return Document(io.BytesIO(data))


def style_value(style, get):
    """A property as the style chain resolves it (the style, then what it is based on)."""
    while style is not None:
        value = get(style)
        if value is not None:
            return value
        style = style.base_style
    return None


def east_asia_font(paragraph) -> str | None:
    def get(style):
        rpr = style.element.rPr
        fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
        return fonts.get(qn("w:eastAsia")) if fonts is not None else None

    return style_value(paragraph.style, get)


def rfonts(paragraph) -> dict[str, str]:
    fonts = paragraph.style.element.rPr.find(qn("w:rFonts"))
    return {k.split("}")[1]: v for k, v in fonts.attrib.items()}


def assert_gbt_9704_page(section):
    """A4, margins top 3.7 cm, bottom 3.5 cm, left 2.8 cm, right 2.6 cm (Word stores twips: ±0.01 cm)."""
    expected = {
        "page_width": Cm(21),
        "page_height": Cm(29.7),
        "top_margin": Cm(3.7),
        "bottom_margin": Cm(3.5),
        "left_margin": Cm(2.8),
        "right_margin": Cm(2.6),
    }
    for name, length in expected.items():
        assert abs(getattr(section, name) - length) < Cm(0.01), name


# --- the default template ------------------------------------------------------------------------


def test_checked_in_default_template_is_what_make_default_builds():
    """Regenerate with `python -m keguan.reports.docx.make_default` after changing the script."""
    with zipfile.ZipFile(io.BytesIO(build_default())) as new, zipfile.ZipFile(OUTPUT) as old:
        assert new.namelist() == old.namelist()
        for name in new.namelist():
            assert new.read(name) == old.read(name), name
    assert default_template() == OUTPUT.read_bytes()
    assert build_default() == build_default()  # byte-stable: no timestamps


def test_default_template_has_the_placeholders_and_passes_its_own_check():
    variables = DocxTemplate(io.BytesIO(default_template())).get_undeclared_template_variables()
    assert variables == {"title", "opening", "chapters", "author", "date"}
    assert check_template(default_template()) == []


def test_default_template_page_is_gbt_9704():
    assert_gbt_9704_page(opened(default_template()).sections[0])


def test_default_template_font_table_gives_fallbacks():
    with zipfile.ZipFile(io.BytesIO(default_template())) as zf:
        font_table = zf.read("word/fontTable.xml").decode()
        names = zf.namelist()
    assert '<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"/>' in font_table
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in font_table
    assert '<w:font w:name="楷体_GB2312"><w:altName w:val="楷体"/>' in font_table
    assert "docProps/thumbnail.jpeg" not in names  # python-docx's picture of an empty page


# --- rendering -----------------------------------------------------------------------------------


def test_render_writes_every_text_in_order_without_empty_paragraphs():
    doc = opened(render_docx(make_draft()))
    assert [p.text for p in doc.paragraphs] == EXPECTED
    assert "{{" not in "".join(p.text for p in doc.paragraphs)


def test_render_styles_fonts_and_page():
    data = render_docx(make_draft())
    doc = opened(data)
    by_text = {p.text: p for p in doc.paragraphs}

    title = by_text[EXPECTED[0]]
    assert east_asia_font(title) == "方正小标宋简体"
    assert rfonts(title)["ascii"] == rfonts(title)["hAnsi"] == "方正小标宋简体"
    assert style_value(title.style, lambda s: s.font.size) == Pt(22)
    assert style_value(title.style, lambda s: s.paragraph_format.alignment) == WD_PARAGRAPH_ALIGNMENT.CENTER

    body = by_text["企业研发投入偏低。"]
    assert east_asia_font(body) == "仿宋_GB2312"
    assert rfonts(body)["ascii"] == "仿宋_GB2312"
    assert style_value(body.style, lambda s: s.font.size) == Pt(16)
    assert style_value(body.style, lambda s: s.paragraph_format.line_spacing_rule) == WD_LINE_SPACING.EXACTLY
    assert Pt(28) <= style_value(body.style, lambda s: s.paragraph_format.line_spacing) <= Pt(29)
    ind = body.style.element.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "200"  # two characters
    assert style_value(body.style, lambda s: s.paragraph_format.first_line_indent) == Pt(32)

    assert east_asia_font(by_text["一、上半年工作总结"]) == "黑体"
    assert east_asia_font(by_text["（一）培育壮大创新主体"]) == "楷体_GB2312"
    assert east_asia_font(by_text["（一）抓好高企培育"]) == "楷体_GB2312"
    for text in ("青秀区科学技术局", "2024年7月5日"):
        p = by_text[text]
        assert east_asia_font(p) == "仿宋_GB2312"
        assert style_value(p.style, lambda s: s.paragraph_format.alignment) == WD_PARAGRAPH_ALIGNMENT.RIGHT

    section = doc.sections[0]
    assert_gbt_9704_page(section)
    assert section.footer.paragraphs[0].text == "— 1 —"  # a PAGE field
    assert "PAGE" in section.footer._element.xml
    assert doc.core_properties.title == EXPECTED[0]
    assert doc.core_properties.author == "青秀区科学技术局"


def test_empty_parts_of_a_draft_leave_no_empty_paragraph():
    draft = make_draft()
    draft.opening = Paragraph()
    draft.author = draft.date = ""
    draft.chapters[1].paragraphs.append(Paragraph().add("   "))
    doc = opened(render_docx(draft))
    texts = [p.text for p in doc.paragraphs]
    assert texts == [t for t in EXPECTED if t not in (EXPECTED[1], "青秀区科学技术局", "2024年7月5日")]


def test_text_is_escaped_and_control_characters_dropped():
    draft = make_draft()
    draft.chapters[1].paragraphs = [Paragraph().add("研发&投入 <偏低> “亟待”提高\x07\x0c\x00。")]
    draft.title = "　　" + draft.title + "\r\n"
    doc = opened(render_docx(draft))
    texts = [p.text for p in doc.paragraphs]
    assert "研发&投入 <偏低> “亟待”提高。" in texts
    assert texts[0] == EXPECTED[0]


def test_context_is_plain_data():
    ctx = context_for(make_draft())
    assert ctx["chapters"][0]["parts"][0] == {
        "title": "（一）培育壮大创新主体",
        "paragraphs": [
            "新认定高新技术企业9家，完成全年目标的45.7%。",
            "科技型中小企业评价入库工作有序推进。",
        ],
    }
    assert ctx["chapters"][1] == {
        "title": "二、存在的问题",
        "paragraphs": ["企业研发投入偏低。"],
        "parts": [],
    }
    assert set(ctx) >= {"title", "opening", "chapters", "author", "date"}


def test_a_bureaus_own_template_with_header_and_split_runs():
    doc = Document()
    p = doc.add_paragraph()
    p.add_run("{{ ti")
    p.add_run("tle }}").bold = True  # Word splits runs where formatting or editing changes
    for line in FULL[1:]:
        doc.add_paragraph(line)
    doc.sections[0].header.paragraphs[0].text = "{{ region_name }}{{ period_label }}工作总结"
    buf = io.BytesIO()
    doc.save(buf)
    assert check_template(buf.getvalue()) == []
    out = opened(render_docx(make_draft(), buf.getvalue()))
    assert [p.text for p in out.paragraphs] == EXPECTED
    assert out.sections[0].header.paragraphs[0].text == "青秀区2024年上半年工作总结"


# --- bad templates -------------------------------------------------------------------------------


def test_syntax_error_names_the_paragraph_and_the_tag():
    lines = FULL[:12] + FULL[13:]  # one {%p endfor %} missing
    with pytest.raises(TemplateProblem) as exc:
        render_docx(make_draft(), template(*lines))
    message = exc.value.message
    assert message.startswith("模板第3段有错误：未闭合的 {% for %} 标签")
    assert "{%p for ch in chapters %}" in message
    assert check_template(template(*lines)) == [message]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (FULL + ["{%p endfor %}"], "模板第17段有错误：多余的 {% endfor %} 标签"),
        (["{{ title }}", "{%p if opening %}", "{%p endfor %}"], "模板第3段有错误：{% endfor %} 标签位置不对"),
        (["{{ title }", "{{ opening }}"], "模板第1段有错误：“{{”没有对应的“}}”"),
        (FULL + ["{% frobnicate %}"], "模板第17段有错误：未知的标签 {% frobnicate %}"),
        (["{{ title opening }}"], "模板第1段有错误：标签或占位符的写法有误"),
    ],
)
def test_syntax_errors_are_explained(lines, expected):
    with pytest.raises(TemplateProblem) as exc:
        render_docx(make_draft(), template(*lines))
    assert exc.value.message.startswith(expected)


def test_unknown_placeholder_is_named():
    with pytest.raises(TemplateProblem) as exc:
        render_docx(make_draft(), template(*FULL, "{{ foo }}"))
    assert "模板使用了未知的占位符“{{ foo }}”（第17段）" in exc.value.message
    assert check_template(template(*FULL, "{{ foo }}"))[0].startswith("模板使用了未知的占位符“{{ foo }}”")

    lines = FULL[:3] + ["{{ ch.name }}"] + FULL[4:]
    with pytest.raises(TemplateProblem) as exc:
        render_docx(make_draft(), template(*lines))
    assert "模板使用了未知的占位符“{{ ch.name }}”（第4段）" in exc.value.message


def test_loop_variable_used_outside_its_loop_is_named():
    problems = check_template(template(*FULL, "{{ ch.title }}"))
    assert problems[0].startswith("模板使用了未知的占位符“{{ ch.title }}”（第17段）")


def test_unknown_placeholder_in_header_is_named():
    problems = check_template(template(*FULL, header="{{ bureau }}"))
    assert problems and problems[0].startswith("模板使用了未知的占位符“{{ bureau }}”（页眉第1段）")


def test_check_finds_unknown_placeholders_a_render_would_not_reach():
    lines = FULL + ["{%p if author == '不存在' %}", "{{ signer }}", "{%p endif %}"]
    assert check_template(template(*lines))[0].startswith("模板使用了未知的占位符“{{ signer }}”（第18段）")
    render_docx(make_draft(), template(*lines))  # renders: the branch is not taken


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"%PDF-1.4 not a word file",
        b"PK\x03\x04 truncated zip",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,  # an old .doc (OLE)
    ],
)
def test_not_a_docx_is_refused(data):
    assert check_template(data) == [NOT_DOCX]
    with pytest.raises(TemplateProblem, match="文件不是有效的 Word（.docx）文件"):
        render_docx(make_draft(), data)


def test_zip_without_word_document_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    assert check_template(buf.getvalue()) == [NOT_DOCX]


def test_required_placeholders():
    assert check_template(template(*FULL[1:])) == ["模板缺少必需的占位符“{{ title }}”（报告标题）"]
    no_loop = check_template(template("{{ title }}", "{{ opening }}", "{{ author }}"))
    assert len(no_loop) == 1 and no_loop[0].startswith("模板缺少必需的章节循环“{%p for ch in chapters %}”")
    no_parts = check_template(template(*FULL[:7], *FULL[13:]))
    assert any("{{ part.title }}" in p for p in no_parts)
    assert any("part.paragraphs" in p for p in no_parts)
    # 署名 and 日期 are optional
    assert check_template(template(*FULL[:-2])) == []


def test_sample_draft_texts_are_distinct():
    ctx = context_for(sample_draft())
    texts = [ctx["title"], ctx["opening"]]
    for ch in ctx["chapters"]:
        texts += [ch["title"], *ch["paragraphs"]]
        for part in ch["parts"]:
            texts += [part["title"], *part["paragraphs"]]
    assert all(a not in b for a in texts for b in texts if a is not b)


def test_template_cannot_reach_python_internals():
    with pytest.raises(TemplateProblem, match="不允许的操作"):
        render_docx(make_draft(), template(*FULL, "{{ title.__class__.__mro__ }}"))


# --- never half a file ---------------------------------------------------------------------------


def test_errors_leave_no_output(tmp_path, monkeypatch):
    target = tmp_path / "总结.docx"
    target.write_bytes(b"previous version")
    with pytest.raises(TemplateProblem):
        save_docx(make_draft(), target, template(*FULL, "{{ foo }}"))
    assert target.read_bytes() == b"previous version"

    def save_half(self, out, *args, **kwargs):
        out.write(b"PK\x03\x04 half")
        raise OSError("disk full")

    monkeypatch.setattr(DocxTemplate, "save", save_half)
    result = None
    with pytest.raises(TemplateProblem):
        result = render_docx(make_draft())
    assert result is None
    with pytest.raises(TemplateProblem):
        save_docx(make_draft(), target)
    assert target.read_bytes() == b"previous version"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["总结.docx"]


def test_save_docx_writes_the_whole_file(tmp_path):
    path = save_docx(make_draft(), tmp_path / "总结.docx")
    assert [p.text for p in opened(path.read_bytes()).paragraphs] == EXPECTED


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_opens_the_document(tmp_path):
    source = tmp_path / "summary.docx"
    source.write_bytes(render_docx(make_draft()))
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "txt:Text (encoded):UTF8",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    text = Path(tmp_path / "summary.txt").read_text(encoding="utf-8-sig")
    assert [line for line in text.splitlines() if line.strip()] == EXPECTED
