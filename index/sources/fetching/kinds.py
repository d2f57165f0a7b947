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
decompressed in pieces, never more than :data:`MAX_UNZIPPED_BYTES` and never all at once: it is
unzipped once only to count its size (a bomb is refused before anything reads it, whatever it
looks like) and again, piece by piece, as the sitemap parser reads it. The few KB the kind is told
by are unzipped on their own; only a feed or a page, which need their whole text, is joined.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from index.sources.fetching.errors import DocumentError
from index.sources.fetching.feeds import Feed, parse_feed
from index.sources.fetching.sitemaps import (
    MAX_SITEMAP_BYTES,
    PIECE_BYTES,
    Sitemap,
    larger_than,
    local_name,
    parse_sitemap,
    parse_xml,
)

MAX_UNZIPPED_BYTES = MAX_SITEMAP_BYTES
"""Largest decompressed body read (the sitemap protocol's own limit is 50 MB)."""
_GZIP_MAGIC = b"\x1f\x8b"
_HEAD_BYTES = 8192

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
    _check_unzipped_size(body, url)
    return _sniff(_unzipped_head(body, url), lambda: _unzipped(body, url), content_type, url)


def parse_document(body: bytes, url: str, content_type: str = "", charset: str | None = None) -> Document:
    """Tell the body's kind and read it: a :class:`Feed`, a :class:`Sitemap` or a :class:`Page`.

    ``url`` is the final URL it came from (relative links are resolved against it); ``charset``
    is the one the HTTP header named, if any. Raises :class:`DocumentError`.
    """
    _check_unzipped_size(body, url)
    kind = _sniff(_unzipped_head(body, url), lambda: _unzipped(body, url), content_type, url)
    if kind is Kind.SITEMAP:
        return parse_sitemap(_pieces(body, url), url)  # a piece at a time: a sitemap may be 50 MB of XML
    whole = _unzipped(body, url)
    if kind is Kind.FEED:
        return parse_feed(whole, url, charset)
    return Page(url=url, body=whole, content_type=content_type)


def _sniff(head: bytes, whole: Callable[[], bytes], content_type: str, url: str) -> Kind:
    """The kind, from the body's first KB (``head``); ``whole`` gives the whole body for the errors
    that quote the XML parser, and is only called for a body that is no feed, sitemap or page."""
    head = _ascii_head(head)
    found = _FIRST_ELEMENT.match(head)
    looks_html = "html" in content_type.lower()
    if found is None:
        if looks_html and (head.strip() or whole().strip()):
            return Kind.PAGE
        if head.lstrip().startswith(b"<"):
            parse_xml(whole(), url)  # raises "malformed XML: ..."
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
    root = parse_xml(whole(), url)  # raises "malformed XML: ..."
    raise DocumentError(url, f"XML that is neither a feed nor a sitemap (root element <{local_name(root)}>)")


def _ascii_head(head: bytes) -> bytes:
    """The first few KB as ASCII-compatible bytes (a UTF-16 feed is rare but legal XML)."""
    head = head[:_HEAD_BYTES]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
    return head.removeprefix(b"\xef\xbb\xbf")


def _pieces(body: bytes, url: str) -> Iterator[bytes]:
    """The body in pieces of at most :data:`PIECE_BYTES`, unzipped if it is gzip data.

    Only the first gzip member is read (what follows it is ignored, as before), and a body cut
    short yields what it had; broken data and a body over :data:`MAX_UNZIPPED_BYTES` once
    unzipped raise :class:`DocumentError` when reached.
    """
    if not body.startswith(_GZIP_MAGIC):
        yield from (body[start : start + PIECE_BYTES] for start in range(0, len(body), PIECE_BYTES))
        return
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    pending, total = body, 0
    while not inflater.eof:
        try:
            piece = inflater.decompress(pending, PIECE_BYTES)  # never more than a piece per call
        except zlib.error as error:
            raise DocumentError(url, f"broken gzip data: {error}") from None
        pending = inflater.unconsumed_tail
        total += len(piece)
        if total > MAX_UNZIPPED_BYTES:
            raise DocumentError(url, larger_than(MAX_UNZIPPED_BYTES))
        if not piece and not pending:
            return  # cut short: no more input, no more output
        yield piece


def _check_unzipped_size(body: bytes, url: str) -> None:
    """Unzip a gzip body once, a piece at a time and keeping nothing, so that a bomb or broken data
    is refused before any parser sees it, whatever its first bytes pretend to be."""
    if body.startswith(_GZIP_MAGIC):
        for _ in _pieces(body, url):
            pass


def _unzipped_head(body: bytes, url: str) -> bytes:
    """The body's first :data:`_HEAD_BYTES`, unzipped if need be (a few pieces at most)."""
    head = b""
    for piece in _pieces(body, url):
        head += piece
        if len(head) >= _HEAD_BYTES:
            break
    return head[:_HEAD_BYTES]


def _unzipped(body: bytes, url: str) -> bytes:
    """The whole body, unzipped if need be: for a feed or a page, which are read whole."""
    return body if not body.startswith(_GZIP_MAGIC) else b"".join(_pieces(body, url))
