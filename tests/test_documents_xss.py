"""Markdown is rendered safely: a corpus of XSS payloads through ``render_markdown`` and through
the document, version and reading pages never yields a script, an event handler or a script URL.

Raw HTML is off, so ``<img onerror=…>`` comes out as *escaped text* (``&lt;img onerror=…``),
harmless and still readable; the checks therefore look at the markup: no ``<script`` at all, and
no tag carrying an ``on…=`` attribute or a ``javascript:``/``vbscript:``/``data:`` URL, both on
the raw output and on the attributes as a browser would decode them.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest

from openisms.core.context import org_context
from openisms.documents.markdown import ALLOWED_TAGS, render_markdown
from openisms.documents.models import Acknowledgement
from openisms.documents.services import acknowledgements as acks
from tests.conftest import login
from tests.test_documents_workflow import M, V, make_document, person, published_document

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<<script>script>alert(1)<</script>/script>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" alt="\\" onerror=alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="javascript:alert(1)"></iframe>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    '<div onmouseover="alert(1)">hover</div>',
    "<details open ontoggle=alert(1)>",
    "<body onload=alert(1)>",
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](jav&#x09;ascript:alert(1))",
    "[click](<javascript:alert(1)>)",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](javascript:alert(1))",
    "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '![x" onerror="alert(1)](https://example.com/a.png)',
    "<javascript:alert(1)>",
    "<vbscript:msgbox(1)>",
    '[x](https://example.com "t\\" onmouseover=\\"alert(1)")',
    '[x](https://example.com/"onmouseover="alert(1))',
    "[ref][x]\n\n[x]: javascript:alert(1)",
    "**<img src=x onerror=alert(1)>** and _<svg/onload=alert(1)>_",
    "> <script>alert(1)</script>\n> [q](javascript:alert(1))",
    "- [x](javascript:alert(1))\n- <img src=x onerror=alert(1)>",
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | [x](javascript:alert(1)) |",
    "```html\n<script>alert(1)</script>\n```",
    "`<img src=x onerror=alert(1)>`",
    "&lt;script&gt;alert(1)&lt;/script&gt; &#60;script&#62;",
    "<!-- --><script>alert(1)</script><!-- -->",
]
SCRIPT_URL = re.compile(r"^\s*(javascript|vbscript|data):", re.IGNORECASE)
TAG = re.compile(r"<[a-zA-Z][^>]*>")
QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")
HANDLER = re.compile(r"\son\w+\s*=", re.IGNORECASE)
SCRIPT_SCHEME = re.compile(r"(javascript|vbscript|data):", re.IGNORECASE)


def tags_with_handlers(markup: str) -> list[str]:
    """Tags with an ``on…=`` attribute (an attribute *value* mentioning one is only text)."""
    return [t for t in TAG.findall(markup) if HANDLER.search(QUOTED.sub('""', t))]


def tags_with_script_urls(markup: str) -> list[str]:
    return [t for t in TAG.findall(markup) if SCRIPT_SCHEME.search(t)]


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


def assert_safe(markup: str) -> None:
    assert "<script" not in markup.lower(), markup
    assert not tags_with_handlers(markup), markup
    assert not tags_with_script_urls(markup), markup
    parser = Tags()
    parser.feed(markup)
    for tag, attrs in parser.found:
        assert tag in ALLOWED_TAGS, (tag, markup)
        for name, value in attrs:
            assert not name.lower().startswith("on"), (tag, name, markup)
            decoded = re.sub(r"[\x00-\x20]", "", html.unescape(value or ""))
            assert not SCRIPT_URL.match(decoded), (tag, name, value, markup)


def test_corpus_is_large_enough():
    assert len(PAYLOADS) >= 25 and len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_render_markdown_neutralises(payload):
    assert_safe(str(render_markdown(payload)))


def test_whole_corpus_as_one_document_is_safe_and_still_readable():
    out = str(render_markdown("\n\n".join(PAYLOADS)))
    assert_safe(out)
    # Escaped, not dropped: a reader still sees what was written.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out


def test_safe_markdown_still_works():
    out = str(render_markdown(
        "# Title\n\n**bold** _em_ [site](https://example.com) [mail](mailto:a@example.com)\n\n"
        "| a |\n|---|\n| 1 |\n\n- one\n- two\n\n~~old~~"
    ))  # fmt: skip
    for part in ("<h1>", "<strong>bold</strong>", 'href="https://example.com"',
                 'href="mailto:a@example.com"', "<table>", "<li>one</li>",
                 'rel="noopener noreferrer nofollow"'):  # fmt: skip
        assert part in out, part


def article(page: str, marker: str = 'doc-content"') -> str:
    start = page.index(marker)
    start = page.index(">", start) + 1
    return page[start : page.index("</article>", start)]


@pytest.mark.django_db
def test_document_version_and_reading_pages_are_safe(org_a, members_a):
    with org_context(org_a):
        pv = person(members_a[V])
        doc, version = published_document(
            members_a, title='<script>alert("title")</script>', content="\n\n".join(PAYLOADS)
        )
        acks.request_acknowledgements(version, [pv], user=members_a[M])
        ack = Acknowledgement.objects.get()
        draft = make_document(members_a, content=PAYLOADS[3])
    manager, viewer = login(members_a[M]), login(members_a[V])
    pages = [
        manager.get(f"/o/alpha/documents/{doc.pk}/"),
        manager.get(f"/o/alpha/documents/versions/{version.pk}/"),
        viewer.get(f"/o/alpha/documents/read/{ack.pk}/"),
        manager.get(f"/o/alpha/documents/{draft.pk}/"),
    ]
    for n, response in enumerate(pages):
        assert response.status_code == 200
        page = response.content.decode()
        assert_safe(article(page))
        assert '<script>alert("title")' not in page
        assert n == 3 or "&lt;script&gt;alert(&quot;title&quot;)" in page
    # The line-by-line comparison shows the source as text, escaped.
    version_page = pages[1].content.decode()
    diff = version_page[version_page.index('id="diff"') : version_page.index("</table>")]
    assert "<script" not in diff.lower() and "&lt;script&gt;alert(1)" in diff
    assert not tags_with_handlers(diff)
