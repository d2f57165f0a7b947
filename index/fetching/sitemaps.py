"""XML sitemaps: a site's list of pages (``<urlset>``) or of further sitemaps (``<sitemapindex>``).

News sites publish Google News sitemaps, which add to each ``<url>`` a ``<news:news>`` block with
the story's ``news:publication_date`` and ``news:title``: enough to decide which pages are new
without fetching them. Elements are matched by local name, whatever their namespace, because
sitemaps in the wild omit or misspell the namespace often enough; only the ``news`` block's own
children are read for the title, so an ``<image:title>`` is not taken for the story's.

The XML parser resolves no entities, loads no DTD and opens no network connection: a sitemap is
text from a stranger.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from index.articles import ArticleFormatError, parse_date
from index.fetching.errors import DocumentError
from index.fetching.feeds import absolute_link


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


def safe_xml_parser() -> etree.XMLParser:
    """An lxml parser for untrusted XML: no entities, no DTD, no network, no huge trees."""
    return etree.XMLParser(
        resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False, remove_comments=True
    )


def parse_xml(body: bytes, url: str) -> etree._Element:
    """The root element of well-formed XML; anything else raises :class:`DocumentError`."""
    try:
        return etree.fromstring(body, parser=safe_xml_parser())
    except etree.XMLSyntaxError as error:
        raise DocumentError(url, f"malformed XML: {error}") from None


def local_name(element: etree._Element) -> str:
    """``{http://www.sitemaps.org/schemas/sitemap/0.9}urlset`` → ``urlset`` (comments and the like → "")."""
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def parse_sitemap(body: bytes, url: str) -> Sitemap:
    """Read a ``<urlset>`` or ``<sitemapindex>``; entries without a ``<loc>`` are left out, and each
    ``<loc>`` is resolved against ``url`` without credentials, as a feed's links are."""
    root = parse_xml(body, url)
    kind = local_name(root)
    if kind not in ("urlset", "sitemapindex"):
        raise DocumentError(url, f"not a sitemap (root element <{kind}>)")
    wanted = "url" if kind == "urlset" else "sitemap"
    found = [_entry(child, url) for child in root if local_name(child) == wanted]
    entries = tuple(entry for entry in found if entry is not None)
    return Sitemap(url=url, entries=entries if kind == "urlset" else (), sitemaps=entries if kind != "urlset" else ())


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
