"""A real office suite opens the work summary: LibreOffice converts the .docx to PDF, poppler reads it back.

One conversion for the module (a few seconds each): a city's summary built from the demo data (with the
districts table) plus a chapter of long paragraphs. Checked: a PDF comes out; its page count fits the
text under GB/T 9704's 22 lines × 28 characters; a paragraph's lines hold 28 characters (26 after the
two-character indent); every sentence of ``draft.plain_text()`` and every table cell is in the PDF's text.

Needs ``soffice`` (Debian: libreoffice-writer-nogui) and ``pdftotext``/``pdfinfo`` (poppler-utils);
scripts/run-tests installs them.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
import subprocess
import time

import pytest

from keguan.reports.docx import render_docx
from keguan.reports.draft import Chapter, Draft, Paragraph, Part

pytestmark = [
    pytest.mark.django_db,  # (so the test database is set up for the module fixture)
    pytest.mark.skipif(
        not all(shutil.which(tool) for tool in ("soffice", "pdftotext", "pdfinfo")),
        reason="需要 LibreOffice 与 poppler-utils：apt-get install libreoffice-writer-nogui poppler-utils",
    ),
]

LINES, CHARS = 22, 28
# A paragraph without punctuation before its end: its lines are exactly as long as the grid allows.
PLAIN = ("科技创新驱动发展战略深入实施企业创新主体地位持续巩固成果转化体系不断健全" * 4)[: 26 + 3 * CHARS + 10] + "。"
SENTENCES = [
    "围绕主导产业链部署创新链，推动规上工业企业研发机构建设，企业研发投入持续增长",
    "深入开展高新技术企业培育专项行动，建立“微成长、小升高、高变强”梯次培育机制",
    "加强科技特派员队伍建设，组织专家深入乡镇开展技术服务和培训，助力乡村振兴",
    "优化科技计划项目管理流程，落实项目法人责任制，强化过程监管和绩效评价",
    "推进科技成果转移转化，举办产学研对接活动，促成一批校企合作项目落地",
]


def long_chapter() -> Chapter:
    paragraphs = [Paragraph().add(PLAIN)]
    for i in range(12):
        text = "；".join(SENTENCES[(i + k) % len(SENTENCES)] + f"（第{i + 1}项）" for k in range(4)) + "。"
        paragraphs.append(Paragraph().add(text))
    return Chapter(
        "四、附：重点工作进展",
        parts=[Part("（一）分项进展", paragraphs[:7]), Part("（二）其他工作", paragraphs[7:])],
        paragraphs=[],
    )


@pytest.fixture(scope="module")
def draft(django_db_setup, django_db_blocker) -> Draft:
    from django.db import transaction

    from keguan.demo.generator import generate_demo
    from keguan.regions.models import Region
    from keguan.reports.builder import build_draft
    from keguan.rules.periods import Period

    with django_db_blocker.unblock(), transaction.atomic():
        generate_demo(seed=11, enterprises=240, with_users=False, today=dt.date(2026, 11, 1))
        city = Region.objects.get(code="450100")
        draft = build_draft(city, Period.parse("2026H1"), today=dt.date(2026, 7, 5))
        transaction.set_rollback(True)
    assert any(p.tables for p in draft.chapters[0].parts), "a city's summary has the districts table"
    draft.chapters.append(long_chapter())
    return draft


@pytest.fixture(scope="module")
def pdf(draft, tmp_path_factory):
    """(page count, text lines) of the PDF LibreOffice makes of the rendered draft."""
    tmp = tmp_path_factory.mktemp("office")
    source = tmp / "summary.docx"
    source.write_bytes(render_docx(draft))
    started = time.monotonic()
    subprocess.run(
        ["soffice", f"-env:UserInstallation={(tmp / 'profile').as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(tmp), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    print(f"\nLibreOffice docx→pdf: {time.monotonic() - started:.1f}s")
    out = tmp / "summary.pdf"
    assert out.exists() and out.stat().st_size > 1000, "LibreOffice made no PDF"
    info = subprocess.run(["pdfinfo", str(out)], check=True, capture_output=True, text=True, timeout=60).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    # -raw: content-stream order, so a table cell's wrapped lines stay together
    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(out), "-"], check=True, capture_output=True,
                          text=True, timeout=60).stdout  # fmt: skip
    lines = [re.sub(r"\s+", "", line) for line in text.splitlines()]
    return pages, [line for line in lines if line and not re.fullmatch(r"—\d+—", line)]  # no page numbers


def _body_texts(draft: Draft) -> list[str]:
    """Every indented line-wrapped text: opening, chapter and part titles, paragraphs."""
    out = [draft.opening.text]
    for ch in draft.chapters:
        out += [ch.title, *(p.text for p in ch.paragraphs)]
        for part in ch.parts:
            out += [part.title, *(p.text for p in part.paragraphs)]
    return [t for t in out if t.strip()]


def test_page_count_fits_22_lines_of_28_characters(draft, pdf):
    pages, _ = pdf
    body = _body_texts(draft)
    n = sum(len(re.sub(r"\s", "", t)) for t in body)
    least = math.ceil(n / (LINES * CHARS))
    lines = sum(math.ceil((len(t) + 2) / CHARS) for t in body)  # two characters of indent
    lines += 4 + 3  # the title (35 pt lines and a blank line), the signature and date after a blank line
    for table in draft.all_tables():
        lines += 3 + 2 * len(table.rows) + 3  # caption and note, rows of 20 pt lines, a wrapped header row
    most = math.ceil(lines * 1.1 / LINES) + 1  # headings kept with the next paragraph leave gaps
    assert least <= pages <= most, (n, lines, pages)


def test_lines_hold_28_characters(pdf):
    _, lines = pdf
    at = lines.index(PLAIN[:26])  # the first line after the two-character indent
    assert lines[at : at + 5] == [PLAIN[:26], PLAIN[26:54], PLAIN[54:82], PLAIN[82:110], PLAIN[110:]]


# LibreOffice (7.4 and 24.x) paints no "，" or "、" that falls after the 28th character of a full line
# (Word hangs it in the margin; 允许标点溢出边界 off does not change LibreOffice): the text is compared
# without them.
DROPPED_AT_LINE_END = re.compile(r"[\s，、；：]")


def test_pdf_text_carries_every_sentence_and_cell(draft, pdf):
    _, lines = pdf
    text = DROPPED_AT_LINE_END.sub("", "".join(lines))
    plain = draft.plain_text().splitlines()
    table_rows = {"｜".join(table.headers) for table in draft.all_tables()} | {
        "｜".join(c.text for c in row) for table in draft.all_tables() for row in table.rows
    }
    missing = []
    for line in plain:
        if line in table_rows:
            continue
        for sentence in line.split("。"):
            sentence = DROPPED_AT_LINE_END.sub("", sentence)
            if sentence and sentence not in text:
                missing.append(sentence)
    for table in draft.all_tables():
        for cell in [*table.headers, *(c.text for row in table.rows for c in row)]:
            if DROPPED_AT_LINE_END.sub("", cell) not in text:
                missing.append(cell)
    assert not missing
