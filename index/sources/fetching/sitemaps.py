"""XML sitemaps: a site's list of pages (``<urlset>``) or of further sitemaps (``<sitemapindex>``).

News sites publish Google News sitemaps, which add to each ``<url>`` a ``<news:news>`` block with
the story's ``news:publication_date`` and ``news:title``: enough to decide which pages are new
without fetching them. Elements are matched by local name, whatever their namespace, because
sitemaps in the wild omit or misspell the namespace often enough; only the ``news`` block's own
children are read for the title, so an ``<image:title>`` is not taken for the story's.

The XML parser resolves no entities, loads no DTD and opens no network connection: a sitemap is
text from a stranger. It is also read incrementally, in pieces of :data:`PIECE_BYTES`, keeping only
each entry's fields and dropping its elements once read: a whole-document tree costs about nine
times the XML's size (450 MB for the protocol's 50 MB), while one fetch may add ~100 MB at most.
The protocol's own limits, :data:`MAX_URLS` and :data:`MAX_SITEMAP_BYTES`, are enforced as read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from index.articles import ArticleFormatError, parse_date
from index.sources.fetching.errors import DocumentError
from index.sources.fetching.feeds import absolute_link

MAX_URLS = 50_000
"""Most ``<url>`` (or ``<sitemap>``) entries one sitemap may list, by the sitemap protocol."""
MAX_SITEMAP_BYTES = 50 * 1024 * 1024
"""Largest sitemap read, uncompressed, by the sitemap protocol (a ``.gz`` one counts unzipped)."""
PIECE_BYTES = 64 * 1024
"""How much XML the parser is given at a time: memory is the pieces' size, not the document's."""


@dataclass(frozen=True)
class SitemapEntry:
    """One ``<url>`` (or, in an index, one ``<sitemap>``).

    ``date`` is ISO ``YYYY-MM-DD``: the news publication date when there is one, else ``lastmod``.
    ``title`` is the news title, when the sitemap is a news sitemap.
    """

    loc: str
    date: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class Sitemap:
    """A parsed sitemap: its pages (``entries``) and, for a sitemap index, its child ``sitemaps``."""

    url: str
    entries: tuple[SitemapEntry, ...]
    sitemaps: tuple[SitemapEntry, ...]


_SAFE = {"resolve_entities": False, "load_dtd": False, "no_network": True, "huge_tree": False, "remove_comments": True}


def safe_xml_parser() -> etree.XMLParser:
    """An lxml parser for untrusted XML: no entities, no DTD, no network, no huge trees."""
    return etree.XMLParser(**_SAFE)


def larger_than(limit: int) -> str:
    """The reason given for a body over ``limit`` bytes once decompressed."""
    return f"larger than {limit // (1024 * 1024)} MB once decompressed"


def parse_xml(body: bytes, url: str) -> etree._Element:
    """The root element of well-formed XML; anything else raises :class:`DocumentError`."""
    try:
        return etree.fromstring(body, parser=safe_xml_parser())
    except etree.XMLSyntaxError as error:
        raise DocumentError(url, f"malformed XML: {error}") from None


def local_name(element: etree._Element) -> str:
    """``{http://www.sitemaps.org/schemas/sitemap/0.9}urlset`` → ``urlset`` (comments and the like → "")."""
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def parse_sitemap(body: bytes | Iterable[bytes], url: str) -> Sitemap:
    """Read a ``<urlset>`` or ``<sitemapindex>``; entries without a ``<loc>`` are left out, and each
    ``<loc>`` is resolved against ``url`` without credentials, as a feed's links are.

    ``body`` is the XML or its pieces in order (a gzipped sitemap's, decompressed as they are read).
    Raises :class:`DocumentError` for malformed XML, another root element, more than
    :data:`MAX_URLS` entries or more than :data:`MAX_SITEMAP_BYTES` of XML.
    """
    parser = etree.XMLPullParser(events=("start", "end"), **_SAFE)
    pieces = (
        (body[start : start + PIECE_BYTES] for start in range(0, len(body), PIECE_BYTES))
        if isinstance(body, bytes)
        else body
    )
    reading = _Reading(url)
    read = 0
    try:
        for piece in pieces:
            read += len(piece)
            if read > MAX_SITEMAP_BYTES:
                raise DocumentError(url, larger_than(MAX_SITEMAP_BYTES))
            parser.feed(piece)
            reading.take(parser.read_events())
        parser.close()  # raises on a document cut short
        reading.take(parser.read_events())
    except etree.XMLSyntaxError as error:
        raise DocumentError(url, f"malformed XML: {error}") from None
    if reading.kind is None:
        raise DocumentError(url, "malformed XML: no root element")
    entries = tuple(reading.entries)
    urlset = reading.kind == "urlset"
    return Sitemap(url=url, entries=entries if urlset else (), sitemaps=() if urlset else entries)


class _Reading:
    """The state of one sitemap read event by event: the root's kind and the entries so far.

    Only the root's direct children matter; each is read when it ends and then cleared, and the
    root forgets the ones before it, so the tree never holds more than the entry being read.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.kind: str | None = None
        self.wanted = ""
        self.depth = 0
        self.entries: list[SitemapEntry] = []

    def take(self, events: Iterable[tuple[str, etree._Element]]) -> None:
        for event, element in events:
            if event == "start":
                self.depth += 1
                if self.depth == 1:
                    self._root(element)
                continue
            self.depth -= 1
            if self.depth != 1:
                continue
            if local_name(element) == self.wanted:
                entry = _entry(element, self.url)
                if entry is not None:
                    if len(self.entries) == MAX_URLS:
                        raise DocumentError(self.url, f"more than {MAX_URLS:,} URLs, the sitemap protocol's limit")
                    self.entries.append(entry)
            # lxml's own recipe: empty the child just read and drop its elder siblings from the
            # root (not the child itself: the parser may still link to it)
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]

    def _root(self, element: etree._Element) -> None:
        self.kind = local_name(element)
        if self.kind not in ("urlset", "sitemapindex"):
            raise DocumentError(self.url, f"not a sitemap (root element <{self.kind}>)")
        self.wanted = "url" if self.kind == "urlset" else "sitemap"


def _entry(element: etree._Element, sitemap_url: str) -> SitemapEntry | None:
    fields = {local_name(child): _text(child) for child in element}
    if not fields.get("loc"):
        return None
    news = next((child for child in element if local_name(child) == "news"), None)
    news_fields = {local_name(child): _text(child) for child in news} if news is not None else {}
    return SitemapEntry(
        loc=absolute_link(sitemap_url, fields["loc"]),
        date=_date(news_fields.get("publication_date")) or _date(fields.get("lastmod")),
        title=news_fields.get("title") or None,
    )


def _text(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _date(value: str | None) -> str | None:
    try:
        return parse_date(value)
    except ArticleFormatError:
        return None
