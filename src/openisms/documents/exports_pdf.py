"""A document version as PDF: the HTML template ``documents/export_document.html`` through
WeasyPrint, with the body rendered by the same sanitising Markdown renderer as the pages.

Nothing is fetched while rendering: the fetcher refuses every URL, so a link or an address in
the content can neither leak the reader's network position nor slow the export down.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from openisms.documents.exports import HISTORY_HEADERS, ExportData
from openisms.documents.markdown import render_markdown


def _fetcher() -> object:
    from weasyprint import URLFetcher

    class RefuseAll(URLFetcher):
        def fetch(self, url: str, headers: object = None) -> object:
            raise ValueError(f"External resources are not fetched for exports: {url}")

    return RefuseAll()


def document_html(data: ExportData) -> str:
    return render_to_string(
        "documents/export_document.html",
        {
            "data": data,
            "body": render_markdown(data.content) if data.content.strip() else "",
            "history_headers": HISTORY_HEADERS,
        },
    )


def document_pdf(data: ExportData) -> bytes:
    from weasyprint import HTML

    html = HTML(string=document_html(data), base_url=None, url_fetcher=_fetcher())
    return html.write_pdf()
