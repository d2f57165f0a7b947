"""What a fetched body is, a feed, a sitemap or a web page, told by its content.

URLs and Content-Type headers are hints that lie: ``/feed`` may answer with the site's home page,
sitemaps are served as ``text/plain``, feeds as ``text/html``. So the body decides, by its first
element (after any XML declaration, comments and doctype):

* ``<rss>``, ``<rdf:RDF>`` (RSS 1.0) or ``<feed>`` (Atom): a feed, read by :mod:`.feeds`;
* ``<urlset>`` or ``<sitemapindex>``: a sitemap, read by :mod:`.sitemaps`;
* ``<html>`` or an HTML doctype: a page, whatever the URL or the header claimed (a "feed" that is
  really HTML is a page); a body whose first element is not one of the above is a page too when
  the server calls it HTML, since HTML need not be well-formed nor start with ``<html>``;
* anything else is an error that says what it is: malformed XML (with the parser's message), XML
  of another kind (``<catalog>``), or no markup at all.

A gzip-compressed body (``sitemap.xml.gz``, sent as a file rather than with Content-Encoding) is
decompressed first, up to :data:`MAX_UNZIPPED_BYTES`.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from enum import StrEnum

from index.fetching.errors import DocumentError
from index.fetching.feeds import Feed, parse_feed
from index.fetching.sitemaps import Sitemap, local_name, parse_sitemap, parse_xml

MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
"""Largest decompressed body read (the sitemap protocol's own limit is 50 MB)."""

_FIRST_ELEMENT = re.compile(
    rb"^\s*(?:<\?.*?\?>\s*|<!--.*?-->\s*|<!doctype\s+(?P<doctype>[\w:-]+)[^>\[]*(?:\[.*?\])?\s*>\s*)*<(?P<tag>[\w:.-]+)",
    re.DOTALL | re.IGNORECASE,
)
_FEED_ROOTS = {"rss", "rdf", "feed"}
_SITEMAP_ROOTS = {"urlset", "sitemapindex"}


class Kind(StrEnum):
    """The three kinds of document the follower handles."""

    FEED = "feed"
    SITEMAP = "sitemap"
    PAGE = "page"


@dataclass(frozen=True)
class Page:
    """A web page: its bytes as fetched, for an article extractor to read."""

    url: str
    body: bytes
    content_type: str


Document = Feed | Sitemap | Page


def detect_kind(body: bytes, content_type: str = "", url: str = "") -> Kind:
    """Feed, sitemap or page, from the body (``content_type`` only breaks the tie for odd HTML).

    Raises :class:`DocumentError` for a body that is none of them; ``url`` only names it there.
    """
    return _sniff(_unzipped(body, url), content_type, url)


def parse_document(body: bytes, url: str, content_type: str = "", charset: str | None = None) -> Document:
    """Tell the body's kind and read it: a :class:`Feed`, a :class:`Sitemap` or a :class:`Page`.

    ``url`` is the final URL it came from (relative links are resolved against it); ``charset``
    is the one the HTTP header named, if any. Raises :class:`DocumentError`.
    """
    body = _unzipped(body, url)
    kind = _sniff(body, content_type, url)
    if kind is Kind.FEED:
        return parse_feed(body, url, charset)
    if kind is Kind.SITEMAP:
        return parse_sitemap(body, url)
    return Page(url=url, body=body, content_type=content_type)


def _sniff(body: bytes, content_type: str, url: str) -> Kind:
    head = _head(body)
    found = _FIRST_ELEMENT.match(head)
    looks_html = "html" in content_type.lower()
    if found is None:
        if looks_html and body.strip():
            return Kind.PAGE
        if head.lstrip().startswith(b"<"):
            parse_xml(body, url)  # raises "malformed XML: ..."
        raise DocumentError(url, "neither a feed, a sitemap nor a web page")
    tag = found.group("tag").decode("ascii").lower().rpartition(":")[2]
    if tag == "html" or (found.group("doctype") or b"").lower() == b"html":
        return Kind.PAGE
    if tag in _FEED_ROOTS:
        return Kind.FEED  # even if malformed: feedparser's lenient parser reads what can be read
    if tag in _SITEMAP_ROOTS:
        return Kind.SITEMAP
    if looks_html:
        return Kind.PAGE
    root = parse_xml(body, url)  # raises "malformed XML: ..."
    raise DocumentError(url, f"XML that is neither a feed nor a sitemap (root element <{local_name(root)}>)")


def _head(body: bytes) -> bytes:
    """The first few KB as ASCII-compatible bytes (a UTF-16 feed is rare but legal XML)."""
    head = body[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
    return head.removeprefix(b"\xef\xbb\xbf")


def _unzipped(body: bytes, url: str) -> bytes:
    if not body.startswith(b"\x1f\x8b"):
        return body
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        unzipped = inflater.decompress(body, MAX_UNZIPPED_BYTES)
    except zlib.error as error:
        raise DocumentError(url, f"broken gzip data: {error}") from None
    if inflater.unconsumed_tail:
        raise DocumentError(url, f"larger than {MAX_UNZIPPED_BYTES // (1024 * 1024)} MB once decompressed")
    return unzipped
