"""No inline styles or scripts in pages (issue 10): the CSP (`style-src 'self'`, scripts only by
nonce from static files) would block them and the browser would log a violation. Templates
rendered only for WeasyPrint (PDF exports, never served to a browser) may carry their styles."""

from __future__ import annotations

import re
from pathlib import Path

import openisms

SRC = Path(openisms.__file__).parent
PDF_ONLY = {
    "risk/method_document.html",
    "controls/soa_export.html",
    "documents/export_document.html",
}
STYLE_ATTR = re.compile(r"""<[a-zA-Z][^>]*\sstyle\s*=""", re.S)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I)
STYLE_BLOCK = re.compile(r"<style[\s>]", re.I)


def page_templates():
    for path in SRC.glob("*/templates/**/*.html"):
        name = path.as_posix().split("/templates/", 1)[1]
        if name not in PDF_ONLY:
            yield name, path.read_text(encoding="utf-8")


def test_templates_have_no_inline_styles_or_scripts():
    names, problems = [], []
    for name, text in page_templates():
        names.append(name)
        if STYLE_ATTR.search(text):
            problems.append(f"{name}: style attribute")
        if INLINE_SCRIPT.search(text):
            problems.append(f"{name}: inline <script>")
        # The scope's print view inlines its CSS only for the PDF renderer (inline_css).
        if STYLE_BLOCK.search(text) and "inline_css" not in text:
            problems.append(f"{name}: <style> block")
    assert "core/base.html" in names and len(names) > 50
    assert problems == [], "\n".join(problems)


def test_python_built_html_has_no_style_attributes():
    """Server-drawn SVG and HTML fragments use presentation attributes and classes."""
    problems = []
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        # DOCX exports write VML (Word's own markup, never shown by a browser).
        if "docx" in path.name:
            continue
        for match in re.finditer(r"""style=\\?["'{]""", text):
            line = text[: match.start()].count("\n") + 1
            context = text[text.rfind("\n", 0, match.start()) + 1 : match.end()]
            if "add_paragraph" in context or "add_table" in context or "_style=" in context:
                continue
            problems.append(f"{path.relative_to(SRC)}:{line}")
    assert problems == [], "\n".join(problems)
