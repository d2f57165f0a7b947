"""RSS and Atom feeds read with ``feedparser``: one :class:`FeedEntry` per item.

Feeds differ in what they carry: most give a link and a teaser, some the whole article
(``content:encoded`` in RSS, ``<content>`` in Atom). When the article is there, the follower need
not fetch the page at all, so :attr:`FeedEntry.content` holds it, as plain text, and is ``None``
for a teaser. The rule: the entry's longest content block (never its description or summary,
which ``feedparser`` may fill with a copy of the content anyway) counts as the whole article when
its text, tags stripped, has at least :data:`FULL_TEXT_CHARS` characters. Summaries run to a few
hundred characters; a news article, even a short one, to a few thousand.

Dates are ISO ``YYYY-MM-DD`` as in :class:`index.articles.Article`, taken in the publisher's own
time zone when the feed writes one (an evening story in New York stays on its day), else in UTC.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import feedparser

from index.articles import ArticleFormatError, parse_date
from index.sources.fetching.errors import DocumentError
from index.sources.fetching.urls import without_credentials

FULL_TEXT_CHARS = 1500
"""Characters of text (tags stripped) from which a feed entry's content is taken as the whole article."""


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed: where the article is, and what the feed says about it."""

    link: str
    title: str
    published: str | None  # ISO YYYY-MM-DD
    authors: tuple[str, ...]
    content: str | None  # the whole article as text when the feed carries it, else None
    source: str  # the feed's title


@dataclass(frozen=True)
class Feed:
    """A parsed RSS or Atom feed; ``url`` is where it was fetched from."""

    url: str
    title: str
    entries: tuple[FeedEntry, ...]
    problem: str = ""  # what was wrong with a feed read leniently (malformed XML): reported, entries still used


def parse_feed(body: bytes, url: str, charset: str | None = None) -> Feed:
    """Read an RSS (0.9x, 1.0, 2.0) or Atom feed; entries without a link are left out.

    Links are resolved against ``url`` and lose any ``user:password@`` (:func:`absolute_link`); a
    link that is no URL at all stays as written, for the fetch of it to be refused and reported.

    ``charset`` is the one the HTTP header named, if any (it overrides the XML declaration, as
    RFC 7303 says). A feed so broken that nothing at all can be read raises :class:`DocumentError`;
    a slightly broken one (an unescaped ``&``) is read by feedparser's lenient parser.
    """
    media_type = f"application/xml; charset={charset}" if charset else "application/xml"
    # A BytesIO, never the bytes themselves: feedparser treats a string that looks like a URL or a
    # path as one and would open it.
    parsed = feedparser.parse(io.BytesIO(body), response_headers={"content-location": url, "content-type": media_type})
    title = " ".join(str(parsed.feed.get("title", "")).split())
    if parsed.bozo and not parsed.entries and not title:
        raise DocumentError(url, f"malformed feed: {parsed.get('bozo_exception', 'unreadable')}")
    entries = (_entry(item, url, title) for item in parsed.entries)
    problem = f"malformed feed, read as far as possible: {parsed.get('bozo_exception')}" if parsed.bozo else ""
    return Feed(url=url, title=title, entries=tuple(entry for entry in entries if entry is not None), problem=problem)


def html_text(markup: str) -> str:
    """The visible text of an HTML fragment, paragraphs separated by blank lines."""
    parser = _TextOfHtml()
    parser.feed(markup)
    parser.close()
    paragraphs = (" ".join(part.split()) for part in re.split(r"\n\s*\n", "".join(parser.parts)))
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


class _TextOfHtml(HTMLParser):
    """Collects the text outside scripts and styles, with a paragraph break at every block element."""

    _SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "head"})
    _BLOCKS = frozenset(
        {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section"}
        | {"article", "blockquote", "pre", "figure", "figcaption", "hr"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIPPED:
            self._skip_depth += 1
        if tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BLOCKS:  # <br/>: a break, and nothing to skip
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIPPED and self._skip_depth:
            self._skip_depth -= 1
        if tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.parts.append(data)


def _entry(item: Any, feed_url: str, source: str) -> FeedEntry | None:
    link = item.get("link") or (item.get("id") if str(item.get("id", "")).startswith("http") else None)
    if not link:
        return None
    return FeedEntry(
        link=absolute_link(feed_url, str(link)),
        title=" ".join(str(item.get("title", "")).split()),
        published=_date(item, "published") or _date(item, "updated"),
        authors=_authors(item),
        content=_full_text(item),
        source=source,
    )


def absolute_link(base: str, link: str) -> str:
    """``link`` resolved against ``base``, without credentials; as written when it cannot be resolved
    (``http://[bad``): a hostile feed's bad link is that entry's error when fetched, not the feed's."""
    try:
        resolved = urljoin(base, link.strip())
    except ValueError:
        resolved = link.strip()
    return without_credentials(resolved)


def _date(item: Any, key: str) -> str | None:
    raw = item.get(key)
    if raw:
        try:  # RFC 822 (RSS): "Mon, 06 May 2024 23:30:00 -0500", the day as the publisher wrote it
            return parsedate_to_datetime(raw).date().isoformat()
        except (TypeError, ValueError):
            pass
        try:  # W3C / ISO 8601 (Atom): the date part as written
            return parse_date(raw)
        except ArticleFormatError:
            pass
    parsed = item.get(f"{key}_parsed")  # feedparser's reading of other formats, in UTC
    return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday).isoformat() if parsed else None


def _authors(item: Any) -> tuple[str, ...]:
    names = [str(author.get("name", "")).strip() for author in item.get("authors", []) if hasattr(author, "get")]
    if not any(names) and item.get("author"):
        names = [str(item["author"]).strip()]
    return tuple(dict.fromkeys(name for name in names if name))


def _full_text(item: Any) -> str | None:
    texts = [
        block.get("value", "") if block.get("type") == "text/plain" else html_text(block.get("value", ""))
        for block in item.get("content", [])
    ]
    longest = max(texts, key=len, default="")
    return longest if len(longest) >= FULL_TEXT_CHARS else None
