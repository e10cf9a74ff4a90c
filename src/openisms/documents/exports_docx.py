"""A document version as DOCX: control block, content converted from Markdown, version history.

The Markdown is walked as markdown-it's token stream (the same parser settings as the pages, raw
HTML off), so what prints is what the page shows: headings, paragraphs, bullet and numbered lists
(nested), bold, italic, strike-through, inline code and code blocks, block quotes, tables and
links (their address in brackets, as paper cannot be clicked).
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from markdown_it import MarkdownIt
from markdown_it.token import Token

from openisms.documents.exports import HISTORY_HEADERS, ExportData, xml_text

MONO = "Courier New"
LABEL_FILL = "E8ECF1"
_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)


def document_docx(data: ExportData) -> bytes:
    doc = new_docx()
    _page_setup(doc, data)
    title = doc.add_paragraph(data.title, style="Title")
    title.paragraph_format.space_after = Pt(4)
    doc.add_paragraph(data.organisation, style="Subtitle")
    _facts_table(doc, data.facts)
    doc.add_paragraph()
    if data.file_note:
        note = doc.add_paragraph()
        note.add_run("Attached file. ").bold = True
        note.add_run(data.file_note)
    if data.content.strip():
        MarkdownWriter(doc).write(data.content)
    elif not data.file_note:
        doc.add_paragraph("This version has no content yet.").runs[0].italic = True
    doc.add_heading("Version history", level=1)
    _grid(doc, HISTORY_HEADERS, data.history)
    doc.core_properties.title = data.title
    doc.core_properties.identifier = data.ref
    doc.core_properties.version = data.version_label
    doc.core_properties.author = data.organisation
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# --- page, header, footer, tables ------------------------------------------------------------


def _page_setup(doc: Any, data: ExportData) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2)
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    head = section.header.paragraphs[0]
    head.text = data.running_head
    head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    foot = section.footer.paragraphs[0]
    foot.add_run(f"{data.ref} {data.version_label} · {data.title} · page ")
    _field(foot, "PAGE")
    foot.add_run(" of ")
    _field(foot, "NUMPAGES")
    for paragraph in (head, foot):
        for run in paragraph.runs:
            run.font.size = Pt(8)
            run.font.color.rgb = RGBColor(0x55, 0x5F, 0x6D)
    if data.marking:  # anything but the version in force
        from openisms.core.exports_docx import mark_draft

        mark_draft(section, data.marking, page_width_pt=440)


def _field(paragraph: Any, instruction: str) -> None:
    """A Word field (page number, page count) that Word fills when it lays the pages out."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    for tag, value in (("w:color", "555F6D"), ("w:sz", "16")):
        element = OxmlElement(tag)
        element.set(qn("w:val"), value)
        props.append(element)
    run.append(props)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _shade(cell: Any, fill: str) -> None:
    props = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    props.append(shading)


def _facts_table(doc: Any, facts: list[tuple[str, str]]) -> None:
    table = doc.add_table(rows=0, cols=2, style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for label, value in facts:
        cells = table.add_row().cells
        cells[0].width, cells[1].width = Cm(4.5), Cm(12.5)
        cells[0].paragraphs[0].add_run(label).bold = True
        _shade(cells[0], LABEL_FILL)
        cells[1].paragraphs[0].add_run(value)


def _grid(doc: Any, headers: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(headers), style="Table Grid")
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.paragraphs[0].add_run(header).bold = True
        _shade(cell, LABEL_FILL)
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=False):
            cell.paragraphs[0].add_run(value)


def _rule(paragraph: Any) -> None:
    """A horizontal line: a bottom border on an empty paragraph."""
    props = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "999999")):
        bottom.set(qn(f"w:{name}"), value)
    borders.append(bottom)
    props.append(borders)


# --- Markdown ---------------------------------------------------------------------------------


class MarkdownWriter:
    """Writes markdown-it block tokens as Word paragraphs and tables."""

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.lists: list[dict[str, Any]] = []  # open lists: ordered?, next number
        self.pending_marker = False  # the next paragraph opens a list item
        self.quote_depth = 0
        self.paragraph: Any = None

    def write(self, text: str) -> None:
        tokens = _md.parse(text)
        index = 0
        while index < len(tokens):
            index = self._block(tokens, index)

    def _block(self, tokens: list[Token], i: int) -> int:
        token = tokens[i]
        kind = token.type
        if kind == "heading_open":
            level = min(int(token.tag[1]), 6)
            self.paragraph = self.doc.add_heading(level=level)
            self._inline(tokens[i + 1])
            return i + 3
        if kind == "paragraph_open":
            self.paragraph = self._new_paragraph()
            self._inline(tokens[i + 1])
            return i + 3
        if kind in ("bullet_list_open", "ordered_list_open"):
            start = int(token.attrGet("start") or 1)
            self.lists.append({"ordered": kind == "ordered_list_open", "next": start})
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self.lists.pop()
        elif kind == "list_item_open":
            self.pending_marker = True
        elif kind == "list_item_close":
            if self.pending_marker:  # an empty item still gets its bullet or number
                self._new_paragraph()
        elif kind == "blockquote_open":
            self.quote_depth += 1
        elif kind == "blockquote_close":
            self.quote_depth -= 1
        elif kind in ("fence", "code_block"):
            self._code(token.content)
        elif kind == "hr":
            _rule(self.doc.add_paragraph())
        elif kind == "table_open":
            return self._table(tokens, i)
        elif kind in ("html_block", "inline"):
            self.paragraph = self._new_paragraph()
            self._run(token.content)
        return i + 1

    def _new_paragraph(self) -> Any:
        if self.lists and self.pending_marker:
            self.pending_marker = False
            current = self.lists[-1]
            level = len(self.lists)
            if current["ordered"]:
                # Numbers are written out: Word's list numbering would run on across lists.
                paragraph = self.doc.add_paragraph(style="List Paragraph")
                paragraph.add_run(f"{current['next']}.\t")
                current["next"] += 1
                _indent(paragraph, level, hanging=True)
            else:
                style = "List Bullet" if level == 1 else f"List Bullet {min(level, 3)}"
                paragraph = self.doc.add_paragraph(style=style)
            return paragraph
        if self.lists:
            paragraph = self.doc.add_paragraph(style="List Paragraph")
            _indent(paragraph, len(self.lists), hanging=False)
            return paragraph
        if self.quote_depth:
            return self.doc.add_paragraph(style="Quote")
        return self.doc.add_paragraph()

    def _code(self, content: str) -> None:
        paragraph = self.doc.add_paragraph()
        if self.lists:
            _indent(paragraph, len(self.lists), hanging=False)
        lines = xml_text(content.rstrip("\n")).split("\n")
        for number, line in enumerate(lines):
            run = paragraph.add_run(line)
            run.font.name = MONO
            run.font.size = Pt(9)
            if number < len(lines) - 1:
                run.add_break()

    def _table(self, tokens: list[Token], i: int) -> int:
        rows: list[tuple[bool, list[Token]]] = []
        header = False
        while tokens[i].type != "table_close":
            kind = tokens[i].type
            if kind == "thead_open":
                header = True
            elif kind == "tbody_open":
                header = False
            elif kind == "tr_open":
                rows.append((header, []))
            elif kind == "inline" and rows:
                rows[-1][1].append(tokens[i])
            i += 1
        columns = max((len(cells) for _, cells in rows), default=0)
        if columns:
            table = self.doc.add_table(rows=len(rows), cols=columns, style="Table Grid")
            for r, (is_header, cells) in enumerate(rows):
                for c, inline in enumerate(cells):
                    cell = table.cell(r, c)
                    self.paragraph = cell.paragraphs[0]
                    self._inline(inline, bold=is_header)
                    if is_header:
                        _shade(cell, LABEL_FILL)
            self.doc.add_paragraph()
        return i + 1

    def _inline(self, token: Token, *, bold: bool = False) -> None:
        style = {"bold": bold, "italic": False, "strike": False}
        href = ""
        for child in token.children or []:
            kind = child.type
            if kind in ("text", "html_inline"):
                self._run(child.content, **style)
            elif kind == "softbreak":
                self._run(" ", **style)
            elif kind == "hardbreak":
                self.paragraph.add_run().add_break()
            elif kind == "code_inline":
                self._run(child.content, mono=True, **style)
            elif kind in ("strong_open", "strong_close"):
                style["bold"] = kind == "strong_open" or bold
            elif kind in ("em_open", "em_close"):
                style["italic"] = kind == "em_open"
            elif kind in ("s_open", "s_close"):
                style["strike"] = kind == "s_open"
            elif kind == "link_open":
                href = str(child.attrGet("href") or "")
            elif kind == "link_close":
                if href.startswith(("http://", "https://", "mailto:")):
                    self._run(f" ({href.removeprefix('mailto:')})", **style)
                href = ""
            elif kind == "image":
                self._run(f"[image: {child.content}]", **{**style, "italic": True})

    def _run(
        self, text: str, *, bold: bool = False, italic: bool = False, strike: bool = False,
        mono: bool = False,
    ) -> None:  # fmt: skip
        run = self.paragraph.add_run(xml_text(text))
        run.bold = bold or None
        run.italic = italic or None
        if strike:
            run.font.strike = True
        if mono:
            run.font.name = MONO


def _indent(paragraph: Any, level: int, *, hanging: bool) -> None:
    fmt = paragraph.paragraph_format
    fmt.left_indent = Cm(0.9 * level)
    if hanging:
        fmt.first_line_indent = Cm(-0.7)
        fmt.tab_stops.add_tab_stop(Cm(0.9 * level))
    fmt.space_after = Pt(3)
