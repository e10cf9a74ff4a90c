"""Walk an organisation's pages the way a person would: from the navigation, every link on each
page, one level of detail pages deep. Shared by the per-role link test (Django's test client)
and the browser test (which needs only the list of navigation pages)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

# A UUID or a human reference (R-0001, DOC-0019, A.5.1) in a path: one "shape" of page.
_ID = re.compile(
    r"/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[A-Z]+[-.][0-9A-Z.-]+|\d+)/"
)
# Files: answering them builds a PDF or workbook; their permission is the page's own.
_DOWNLOAD = re.compile(r"(\.(pdf|docx|xlsx|csv)|/(pdf|docx|xlsx|csv|download|anchor)/?)$")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.posts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.hrefs.append(values["href"] or "")
        elif tag == "form" and (values.get("method") or "").lower() == "post":
            self.posts.append(values.get("action") or "")
        if values.get("hx-post"):
            self.posts.append(values["hx-post"] or "")


def links_in(html: str, base_path: str, prefix: str, *, posts: bool = False) -> list[str]:
    """The organisation's links on a page (or, with `posts`, where its forms post to), absolute
    paths with their query, in page order."""
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.posts if posts else parser.hrefs:
        href = urldefrag(href)[0]
        if not href:
            continue
        if href.startswith("?"):
            href = base_path + href
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith(prefix):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def shape(url: str) -> str:
    path = urlsplit(url).path
    # Substitute twice: neighbouring identifiers share the slash between them.
    return _ID.sub("/*/", _ID.sub("/*/", path))


def is_download(url: str) -> bool:
    return bool(_DOWNLOAD.search(urlsplit(url).path))


@dataclass
class Crawl:
    """What a walk found: every URL asked and its status, and the page each was linked from."""

    status: dict[str, int] = field(default_factory=dict)
    linked_from: dict[str, str] = field(default_factory=dict)
    pages: list[str] = field(default_factory=list)
    # Where the forms and buttons of the pages opened post to, and the page showing each.
    posts: dict[str, str] = field(default_factory=dict)

    def failures(self, bad: tuple[int, ...] = (403, 500)) -> list[str]:
        return [
            f"{code} {url} (linked from {self.linked_from.get(url, 'navigation')})"
            for url, code in self.status.items()
            if code in bad
        ]


def crawl(
    get: Callable[[str], tuple[int, str]],
    start: list[str],
    prefix: str,
    *,
    per_shape: int = 2,
) -> Crawl:
    """Ask every navigation page (`start`), every link on them and, for the first page of each
    shape among those, every link on it. `get(url)` answers (status, html). At most `per_shape`
    URLs of one shape are asked (two risks stand for all fifty; the permission is per view)."""
    result = Crawl()
    asked_per_shape: dict[str, int] = {}
    expanded: set[str] = set()

    def ask(url: str, source: str | None) -> str | None:
        if url in result.status:
            return None
        key = shape(url)
        if source is not None and asked_per_shape.get(key, 0) >= per_shape:
            return None
        asked_per_shape[key] = asked_per_shape.get(key, 0) + 1
        if source is not None:
            result.linked_from[url] = source
        code, html = get(url)
        result.status[url] = code
        return html if code == 200 else None

    level: list[tuple[str, str | None]] = [(u, None) for u in start]
    for depth in range(3):
        following: list[tuple[str, str | None]] = []
        for url, source in level:
            html = ask(url, source)
            if html is None or depth == 2 or is_download(url):
                continue
            if depth == 0:
                result.pages.append(url)
            # Below the navigation, open one page of each shape (the first detail page).
            if depth == 1 and shape(url) in expanded:
                continue
            expanded.add(shape(url))
            path = urlsplit(url).path
            for target in links_in(html, path, prefix, posts=True):
                result.posts.setdefault(target, url)
            following.extend((link, url) for link in links_in(html, path, prefix))
        level = following
    return result
