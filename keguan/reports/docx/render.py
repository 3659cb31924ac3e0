"""Renders a ``Draft`` into a Word document with docxtpl: the default template (``default.docx``, built by
``make_default.py``) or a bureau's own upload.

Everything happens in memory: ``render_docx`` returns the finished file's bytes or raises
``TemplateProblem``, never half a document; ``save_docx`` writes those bytes atomically.

Templates are Jinja inside Word (docxtpl). The environment is sandboxed (an uploaded template is untrusted
input) and strict: an unknown placeholder is an error, not an empty string. Errors are reported in Chinese
with the paragraph of the template they are in ("模板第3段…"; a paragraph is what Word shows as one line
of the template) and the placeholder or tag concerned.

Tables need no placeholder: each table of a chapter or part goes into the context as one more entry of
that chapter's or part's ``paragraphs``, a marker with a per-render random part (draft text cannot forge
it); after rendering, the paragraph holding a marker becomes the table's caption and a real Word table
follows it. So a bureau's template that predates tables (or never mentions them) still gets them, right
after the paragraphs they belong to. Their look comes from the paragraph styles 表格标题 / 表头 / 表格文字 /
表注 (a template without them gets the default template's), borders and widths are set on the table.
Cell text never goes through Jinja: it is XML-escaped text in a w:t, so it cannot become a tag or a field.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import os
import re
import secrets
import tempfile
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError, nodes
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from lxml import etree

from keguan.reports.draft import Chapter, Draft, Figure, Paragraph, Part, Run, Table

from . import tables as word_tables

__all__ = [
    "CONTEXT_KEYS",
    "TemplateProblem",
    "check_template",
    "context_for",
    "default_template",
    "render_docx",
    "sample_draft",
    "save_docx",
]

NOT_DOCX = "文件不是有效的 Word（.docx）文件"
MAX_UNPACKED = 64 * 1024 * 1024  # a template is a few hundred KB; refuse zip bombs
CONTEXT_KEYS = ("title", "opening", "chapters", "author", "date", "region_name", "period_label")
PLACEHOLDER_HELP = (
    "可用的占位符：{{ title }}（标题）、{{ opening }}（开头段落）、{{ author }}（署名）、{{ date }}（成文日期）、"
    "{{ region_name }}、{{ period_label }}；章节循环 {%p for ch in chapters %}…{%p endfor %} 内可用 "
    "{{ ch.title }}、ch.paragraphs、ch.parts，小节循环 {%p for part in ch.parts %} 内可用 {{ part.title }}、"
    "part.paragraphs。"
)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
_BLOCK_TAGS = {"for", "if", "macro", "call", "filter", "with", "block", "autoescape"}


class TemplateProblem(Exception):
    """A template that cannot be rendered; ``message`` is in Chinese, for the person who uploaded it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


# --- the context -------------------------------------------------------------------------------------


def _clean(text: str) -> str:
    """Text as it can go into a Word paragraph: no XML-illegal control characters (docxtpl would also turn
    \\a and \\f into paragraph and page breaks), no surrounding blanks (the style indents)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _ILLEGAL_XML.sub("", text).strip()


def _texts(paragraphs: list[Paragraph]) -> list[str]:
    return [t for t in (_clean(p.text) for p in paragraphs) if t]


def context_for(draft: Draft, marks: dict[str, Table] | None = None) -> dict[str, Any]:
    """The docxtpl context: plain strings, dicts and lists (empty paragraphs left out). With ``marks``
    (a dict to fill), each table is added to its chapter's or part's paragraphs as a marker, recorded in
    ``marks``; without, tables are left out."""
    nonce = secrets.token_hex(8) if marks is not None else ""

    def with_tables(paragraphs: list[Paragraph], tables: list[Table]) -> list[str]:
        texts = _texts(paragraphs)
        if marks is not None:
            for table in tables:
                mark = f"KGTABLE{nonce}N{len(marks)}E"
                marks[mark] = table
                texts.append(mark)
        return texts

    return {
        "title": _clean(draft.title),
        "opening": _clean(draft.opening.text),
        "chapters": [
            {
                "title": _clean(ch.title),
                "paragraphs": with_tables(ch.paragraphs, ch.tables),
                "parts": [
                    {"title": _clean(part.title), "paragraphs": with_tables(part.paragraphs, part.tables)}
                    for part in ch.parts
                ],
            }
            for ch in draft.chapters
        ],
        "author": _clean(draft.author),
        "date": _clean(draft.date),
        "region_name": _clean(draft.region_name),
        "period_label": _clean(draft.period_label),
    }


def sample_draft() -> Draft:
    """A small draft using every placeholder, to try an uploaded template with. Every text is distinct
    (none contains another), so the rendered document shows which parts of the draft a template drops."""
    return Draft(
        title="示例区科学技术局2024年上半年工作总结和下半年工作计划",
        region="450103",
        region_name="示例区",
        period="2024-H1",
        period_label="2024年上半年",
        opening=Paragraph().add(
            "今年以来，示例区科学技术局在区委、区政府的正确领导下，深入实施创新驱动发展战略，"
            "各项工作稳步推进。现将上半年工作总结如下："
        ),
        chapters=[
            Chapter(
                title="一、上半年工作总结",
                paragraphs=[Paragraph().add("上半年，全区科技创新主要指标保持平稳增长。")],
                parts=[
                    Part(
                        "（一）培育壮大创新主体",
                        [
                            Paragraph()
                            .add("新认定高新技术企业")
                            .fig(Figure("9家", indicator="hte_new", value="9", kind="count"))
                            .add("，入库科技型中小企业")
                            .fig(Figure("45家", indicator="tsme", value="45", kind="count"))
                            .add("。")
                        ],
                        tables=[
                            Table(
                                title="表1 示例区主要指标完成情况",
                                headers=["指标", "完成值", "年度目标", "完成率"],
                                rows=[
                                    [
                                        Run("高企认定"),
                                        Run("9家", Figure("9家", indicator="hte_new", value="9", kind="count")),
                                        Run("20家"),
                                        Run("45.0%"),
                                    ],
                                    [Run("科小入库"), Run("45家"), Run("60家"), Run("75.0%")],
                                ],
                                note="注：完成率为完成值占年度目标的比例。",
                            )
                        ],
                    ),
                    Part(
                        "（二）深化科技项目管理",
                        [Paragraph().add("组织申报各级科技计划项目，强化项目过程管理。")],
                    ),
                ],
            ),
            Chapter(
                title="二、存在的问题",
                paragraphs=[Paragraph().add("企业研发投入总体偏低，科技成果转化渠道不够畅通。")],
            ),
        ],
        author="示例区科学技术局",
        date="2024年7月5日",
    )


# --- reading a template ------------------------------------------------------------------------------


@dataclass
class _Source:
    """One Jinja template inside the .docx (the body, a header, a footer): the text of each paragraph."""

    label: str  # "" for the body, else 页眉 / 页脚 / 脚注
    lines: list[str]

    def place(self, lineno: int | None) -> str:
        """Where, as in "第3段" or "页眉第1段" (a paragraph is what Word shows as one line of a template)."""
        if lineno is None or not 1 <= lineno <= len(self.lines):
            return self.label
        return f"{self.label}第{lineno}段"

    def quote(self, lineno: int | None) -> str:
        if lineno is None or not 1 <= lineno <= len(self.lines):
            return ""
        text = self.lines[lineno - 1].strip()
        if not text:
            return ""
        return f"。该段内容：“{text if len(text) <= 40 else text[:40] + '…'}”"

    def jinja(self) -> str:
        """The source docxtpl hands to Jinja, one line per paragraph (so Jinja's line = paragraph)."""
        return "\n".join(_as_jinja(line) for line in self.lines)


def _as_jinja(line: str) -> str:
    """What docxtpl makes of a paragraph's tags: {%p / {%tr / {%tc / {%r and {{p / {{r lose their letter,
    its table-cell tags disappear, Word's curly quotes become straight ones."""
    line = re.sub(r"(\{%|\{\{)(?:tr|tc|p|r) ", r"\1 ", line)
    line = re.sub(r"\{#(?:tr|tc|p) ", "{# ", line)
    line = re.sub(r"\{%\s*(?:vm|hm)\s*%\}|\{%\s*(?:colspan|cellbg)\s[^%]*%\}", "", line)
    return line.translate({0x201C: '"', 0x201D: '"', 0x2018: "'", 0x2019: "'"})


def _paragraph_texts(root) -> list[str]:
    """The text of every w:p under root in document order (table cells included); text in a nested
    paragraph (a text box) belongs to that paragraph only."""
    texts: dict[Any, list[str]] = {p: [] for p in root.iter(f"{_W}p")}
    for t in root.iter(f"{_W}t"):
        p = next(t.iterancestors(f"{_W}p"), None)
        if p is not None:
            texts[p].append(t.text or "")
    return ["".join(parts) for parts in texts.values()]


def _open(data: bytes):
    """python-docx Document for bytes that must be a .docx, else TemplateProblem."""
    if not isinstance(data, bytes | bytearray) or not data:
        raise TemplateProblem(NOT_DOCX)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise TemplateProblem(NOT_DOCX) from exc
    names = {i.filename for i in infos}
    if "word/document.xml" not in names:
        raise TemplateProblem(NOT_DOCX)
    if sum(i.file_size for i in infos) > MAX_UNPACKED:
        raise TemplateProblem(f"{NOT_DOCX}：文件解压后过大")
    try:
        return Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors … for broken packages
        if "template.main" in str(exc):
            raise TemplateProblem(
                f"{NOT_DOCX}：这是 Word 模板（.dotx），请在 Word 中另存为 .docx 后再上传"
            ) from exc
        raise TemplateProblem(NOT_DOCX) from exc


def _sources(doc) -> list[_Source]:
    sources = [_Source("", _paragraph_texts(doc.element.body))]
    labels = {RT.HEADER: "页眉", RT.FOOTER: "页脚", RT.FOOTNOTES: "脚注"}
    for rel in doc.part.rels.values():
        if rel.reltype in labels and not rel.is_external:
            try:
                root = etree.fromstring(rel.target_part.blob)
            except etree.XMLSyntaxError as exc:
                raise TemplateProblem(NOT_DOCX) from exc
            sources.append(_Source(labels[rel.reltype], _paragraph_texts(root)))
    return sources


def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)


# --- explaining errors -------------------------------------------------------------------------------


def _unbalanced(line: str) -> str | None:
    """A {{ or {% not closed within its paragraph, or a closing }} / %} without its opening."""
    pairs = {"{{": "}}", "{%": "%}"}
    opened = None
    for m in re.finditer(r"\{\{|\}\}|\{%|%\}", line):
        token = m.group()
        if token in pairs:
            if opened:
                return f"“{opened}”没有对应的“{pairs[opened]}”"
            opened = token
        elif opened and pairs[opened] == token:
            opened = None
        else:
            want = "{{" if token == "}}" else "{%"
            return f"“{token}”前面缺少对应的“{want}”"
    if opened:
        return f"“{opened}”没有对应的“{pairs[opened]}”（占位符和标签须在同一段内写完）"
    return None


def _unclosed_block(env: SandboxedEnvironment, text: str) -> tuple[str, int] | None:
    """The innermost block tag (for, if …) left open at the end of the template, with its line."""
    stack: list[tuple[str, int]] = []
    expect_name = False
    try:
        for lineno, kind, value in env.lex(text):
            if kind == "block_begin":
                expect_name = True
            elif kind == "whitespace":
                continue
            elif expect_name and kind == "name":
                expect_name = False
                if value in _BLOCK_TAGS:
                    stack.append((value, lineno))
                elif value.startswith("end") and stack and stack[-1][0] == value[3:]:
                    stack.pop()
            else:
                expect_name = False
    except TemplateSyntaxError:
        return None
    return stack[-1] if stack else None


def _syntax_problem(source: _Source, env: SandboxedEnvironment, exc: TemplateSyntaxError) -> str:
    message = exc.message or ""
    lineno = exc.lineno
    unknown = re.match(r"Encountered unknown tag '(\w+)'", message)
    innermost = re.search(r"innermost block that needs to be closed is '(\w+)'", message)
    if message.startswith("Unexpected end of template"):
        opened = _unclosed_block(env, source.jinja())
        name = opened[0] if opened else (innermost.group(1) if innermost else "")
        if opened:
            lineno = opened[1]
        what = f"未闭合的 {{% {name} %}} 标签（缺少对应的 {{% end{name} %}}）" if name else "标签没有闭合"
    elif unknown:
        tag = unknown.group(1)
        if innermost and (tag.startswith("end") or tag in ("else", "elif")):
            block = innermost.group(1)
            what = f"{{% {tag} %}} 标签位置不对：前面的 {{% {block} %}} 标签应先用 {{% end{block} %}} 结束"
        elif tag.startswith("end"):
            what = f"多余的 {{% {tag} %}} 标签（前面没有对应的 {{% {tag[3:]} %}}）"
        elif tag in ("else", "elif"):
            what = f"多余的 {{% {tag} %}} 标签（不在 {{% if %}} 或 {{% for %}} 之内）"
        else:
            what = f"未知的标签 {{% {tag} %}}"
    else:
        what = f"标签或占位符的写法有误（{message}）"
    return f"模板{source.place(lineno)}有错误：{what}{source.quote(lineno)}"


def _check_syntax(sources: list[_Source]) -> str | None:
    env = _environment()
    for source in sources:
        for n, line in enumerate(source.lines, 1):
            bad = _unbalanced(_as_jinja(line))
            if bad:
                return f"模板{source.place(n)}有错误：{bad}{source.quote(n)}"
        try:
            env.parse(source.jinja())
        except TemplateSyntaxError as exc:
            return _syntax_problem(source, env, exc)
    return None


def _find_tag(
    sources: list[_Source], pattern: str, lineno: int | None = None
) -> tuple[_Source, int, str] | None:
    """The first tag ({{ … }} or {% … %}) whose inside matches pattern, in paragraph lineno if given:
    (source, paragraph, tag as written)."""
    for source in sources:
        for n, line in enumerate(source.lines, 1):
            if lineno is not None and n != lineno:
                continue
            for m in _TAG.finditer(line):
                inside = _as_jinja(m.group())[2:-2]
                inside = re.sub(r"^[\s-]*for\s+[\w\s,()]+?\s+in\b", "for in", inside)  # not the loop variable
                if re.search(pattern, inside):
                    return source, n, m.group()
    return None


def _store_names(target: nodes.Node) -> set[str]:
    return {n.name for n in target.find_all(nodes.Name)} | (
        {target.name} if isinstance(target, nodes.Name) else set()
    )


def _unbound(node: nodes.Node, bound: frozenset[str], out: list[tuple[str, int]]) -> frozenset[str]:
    """Collect (name, line) for every variable read where no enclosing loop, with or set binds it: the
    names the context must supply, each where it is used. Returns what node binds for its later siblings."""
    if isinstance(node, nodes.Name):
        if node.ctx == "load" and node.name not in bound:
            out.append((node.name, node.lineno))
        return bound
    if isinstance(node, nodes.For):
        _unbound(node.iter, bound, out)
        inner = bound | _store_names(node.target) | {"loop"}
        if node.test is not None:
            _unbound(node.test, inner, out)
        _unbound_body(node.body, inner, out)
        _unbound_body(node.else_, bound, out)
        return bound
    if isinstance(node, nodes.With):
        inner = set(bound)
        for target, value in zip(node.targets, node.values, strict=False):
            _unbound(value, bound, out)
            inner |= _store_names(target)
        _unbound_body(node.body, frozenset(inner), out)
        return bound
    if isinstance(node, nodes.Macro | nodes.CallBlock):
        inner = bound | {a.name for a in node.args} | {"caller", "varargs", "kwargs"}
        if isinstance(node, nodes.CallBlock):
            _unbound(node.call, bound, out)
        _unbound_body(node.body, inner, out)
        return bound | ({node.name} if isinstance(node, nodes.Macro) else set())
    if isinstance(node, nodes.Assign):
        _unbound(node.node, bound, out)
        return bound | _store_names(node.target)
    if isinstance(node, nodes.AssignBlock):
        _unbound_body(node.body, bound, out)
        return bound | _store_names(node.target)
    _unbound_body(list(node.iter_child_nodes()), bound, out)
    return bound


def _unbound_body(body: list[nodes.Node], bound: frozenset[str], out: list[tuple[str, int]]) -> None:
    for child in body:
        bound = _unbound(child, bound, out)


def _unbound_uses(source: _Source, env: SandboxedEnvironment) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    _unbound(env.parse(source.jinja()), frozenset(), out)
    return out


def _unknown_message(
    name: str, sources: list[_Source], *, attribute: bool = False, lineno: int | None = None
) -> str:
    if attribute:
        pattern = rf"\.\s*{re.escape(name)}\b|\[\s*['\"]{re.escape(name)}['\"]\s*\]"
    else:
        pattern = rf"(?<![\w.'\"]){re.escape(name)}\b"
    found = _find_tag(sources, pattern, lineno) or (_find_tag(sources, pattern) if lineno else None)
    if found:
        source, n, tag = found
        return f"模板使用了未知的占位符“{tag}”（{source.place(n)}）。{PLACEHOLDER_HELP}"
    shown = f"{{{{ ….{name} }}}}" if attribute else f"{{{{ {name} }}}}"
    return f"模板使用了未知的占位符“{shown}”。{PLACEHOLDER_HELP}"


def _undefined_problem(exc: UndefinedError, sources: list[_Source]) -> str:
    message = exc.message or str(exc)
    if m := re.match(r"'([^']+)' is undefined", message):
        name, env = m.group(1), _environment()
        for source in sources:  # where it is read outside any loop that binds it
            for used, lineno in _unbound_uses(source, env):
                if used == name:
                    return _unknown_message(name, [source], lineno=lineno)
        return _unknown_message(name, sources)
    if m := re.search(r"has no attribute '([^']+)'", message):
        return _unknown_message(m.group(1), sources, attribute=True)
    return f"模板使用了未知的占位符（{message}）。{PLACEHOLDER_HELP}"


# --- rendering ---------------------------------------------------------------------------------------


@functools.cache
def default_template() -> bytes:
    """The bytes of the default template shipped with the package."""
    return resources.files(__package__).joinpath("default.docx").read_bytes()


@functools.cache
def _default_styles() -> bytes:
    with zipfile.ZipFile(io.BytesIO(default_template())) as zf:
        return zf.read("word/styles.xml")


def _place_tables(doc, marks: dict[str, Table]) -> None:
    """Tables where their markers ended up: in the body as Word tables, anywhere else as text."""
    if not marks:
        return
    body = doc.element.body
    word_tables.replace_markers(body, marks, _clean, word_tables.text_width(body))
    for rel in doc.part.rels.values():
        if rel.reltype in (RT.HEADER, RT.FOOTER) and not rel.is_external:
            element = getattr(rel.target_part, "element", None)
            if element is not None:
                word_tables.replace_markers(element, marks, _clean, 0, as_text=True)
    word_tables.ensure_styles(doc.styles.element, _default_styles())


def _render(
    data: bytes, context: dict[str, Any], sources: list[_Source], marks: dict[str, Table] | None = None
) -> bytes:
    tpl = DocxTemplate(io.BytesIO(data))
    try:
        tpl.render(context, jinja_env=_environment(), autoescape=True)
        _place_tables(tpl.docx, marks or {})
        props = tpl.docx.core_properties
        props.title = context.get("title", "")[:255]
        if context.get("author"):
            props.author = context["author"][:255]
            props.last_modified_by = context["author"][:255]
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
        props.created = props.modified = now
        out = io.BytesIO()
        tpl.save(out)
    except UndefinedError as exc:
        raise TemplateProblem(_undefined_problem(exc, sources)) from exc
    except SecurityError as exc:
        raise TemplateProblem(f"模板使用了不允许的操作（{exc}）") from exc
    except TemplateSyntaxError as exc:
        raise TemplateProblem(f"模板有错误：标签或占位符的写法有误（{exc.message}）") from exc
    except TemplateError as exc:
        raise TemplateProblem(f"模板无法生成文档：{exc}") from exc
    except Exception as exc:  # docxtpl / lxml on tags placed where they break the document's structure
        raise TemplateProblem(
            "模板无法生成文档：标签的位置可能不对（例如一对标签分别放在表格内外），请对照默认模板检查"
        ) from exc
    result = out.getvalue()
    try:
        Document(io.BytesIO(result))
    except Exception as exc:
        raise TemplateProblem("模板生成的文档无法打开：标签的位置可能不对，请对照默认模板检查") from exc
    return result


def render_docx(draft: Draft, template_bytes: bytes | None = None) -> bytes:
    """The draft as a complete .docx, rendered in memory with the given template (a bureau's upload) or
    the default one. Raises TemplateProblem (message in Chinese) if the template cannot be used."""
    data = default_template() if template_bytes is None else template_bytes
    marks: dict[str, Table] = {}
    context = context_for(draft, marks)
    sources = _sources(_open(data))
    problem = _check_syntax(sources)
    if problem:
        raise TemplateProblem(problem)
    return _render(data, context, sources, marks)


def save_docx(draft: Draft, path: str | os.PathLike[str], template_bytes: bytes | None = None) -> Path:
    """Render, then write atomically: the file at path is either the previous one or the complete new one."""
    path = Path(path)
    data = render_docx(draft, template_bytes)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


# --- checking an upload ------------------------------------------------------------------------------


def _document_text(data: bytes) -> str:
    return "\n".join(line for source in _sources(_open(data)) for line in source.lines)


def _table_texts(table: Table) -> list[str]:
    return [table.title, *table.headers, *(cell.text for row in table.rows for cell in row), table.note]


def _missing(rendered: str, draft: Draft) -> list[str]:
    ctx = context_for(draft)
    chapters = ctx["chapters"]
    ch_titles = [c["title"] for c in chapters]
    ch_paras = [p for c in chapters for p in c["paragraphs"]]
    part_titles = [p["title"] for c in chapters for p in c["parts"]]
    part_paras = [x for c in chapters for p in c["parts"] for x in p["paragraphs"]]

    def absent(texts: list[str]) -> bool:
        return any(t not in rendered for t in texts)

    problems = []
    if ctx["title"] not in rendered:
        problems.append("模板缺少必需的占位符“{{ title }}”（报告标题）")
    if ctx["opening"] not in rendered:
        problems.append("模板缺少必需的占位符“{{ opening }}”（开头段落）")
    if not any(t in rendered for t in ch_titles + ch_paras + part_titles + part_paras):
        problems.append(
            "模板缺少必需的章节循环“{%p for ch in chapters %}”…“{%p endfor %}”（报告正文：各章及其小节、段落）"
        )
        return problems
    if absent(ch_titles):
        problems.append("模板的章节循环中缺少章节标题占位符“{{ ch.title }}”")
    if absent(ch_paras):
        problems.append("模板的章节循环中缺少章节段落循环“{%p for para in ch.paragraphs %}”…“{{ para }}”")
    if absent(part_titles):
        problems.append(
            "模板的章节循环中缺少小节循环“{%p for part in ch.parts %}”或小节标题占位符“{{ part.title }}”"
        )
    if absent(part_paras):
        problems.append("模板的小节循环中缺少小节段落循环“{%p for para in part.paragraphs %}”…“{{ para }}”")
    elif absent([x for t in draft.all_tables() for x in map(_clean, _table_texts(t)) if x]):
        problems.append(
            "模板未能放入表格：表格排在所属章节或小节的段落之后，"
            "须保留“{%p for para in part.paragraphs %}”…“{{ para }}”，且“{{ para }}”单独成段"
        )
    return problems


def check_template(template_bytes: bytes) -> list[str]:
    """Problems with an uploaded template, in Chinese, for the person uploading it; [] if it can be used.

    Checks, in order, stopping at the first kind that finds something: it is a .docx; its tags parse;
    it names no unknown placeholder (also in branches a sample would not reach); rendering a sample
    draft works; the result contains the title, the opening and every chapter, part and paragraph
    (署名 {{ author }} and 日期 {{ date }} are optional: a bureau may sign by hand)."""
    try:
        sources = _sources(_open(template_bytes))
    except TemplateProblem as exc:
        return [exc.message]
    problem = _check_syntax(sources)
    if problem:
        return [problem]

    env = _environment()
    known = set(CONTEXT_KEYS) | set(env.globals)
    unknown: list[str] = []
    for source in sources:
        seen: set[str] = set()
        for name, lineno in _unbound_uses(source, env):
            if name not in known and name not in seen:
                seen.add(name)
                unknown.append(_unknown_message(name, [source], lineno=lineno))
    if unknown:
        return unknown

    draft = sample_draft()
    marks: dict[str, Table] = {}
    try:
        rendered = _render(bytes(template_bytes), context_for(draft, marks), sources, marks)
    except TemplateProblem as exc:
        return [exc.message]
    return _missing(_document_text(rendered), draft)
