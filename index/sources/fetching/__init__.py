"""The network layer for following news: fetch URLs safely, and read feeds, sitemaps and pages.

Two steps, each usable alone::

    from index.sources.fetching import FetchError, Feed, Page, Sitemap, WebClient, parse_document

    with WebClient() as client:                      # settings: ASSISTANT_FETCH_* (docs/settings.md)
        for url in urls:
            try:
                fetched = client.fetch(url, etag=etag, last_modified=last_modified)
                if fetched.not_modified:             # 304: nothing new since the stored validators
                    continue
                document = parse_document(fetched.body, fetched.url, fetched.content_type, fetched.charset)
            except FetchError as error:              # one bad URL: report str(error), go on with the rest
                report(error)
                continue
            match document:
                case Feed(entries=entries): ...      # FeedEntry: link, title, published, authors, content, source
                case Sitemap(entries=pages, sitemaps=children): ...  # SitemapEntry: loc, date, title
                case Page(body=html): ...            # bytes as fetched, for an article extractor

The API:

* ``WebClient(settings=None, policy=None)`` with ``.fetch(url, *, etag=None, last_modified=None)
  -> Fetched`` and ``.close()`` (or ``with``): the SSRF guard on every hop, timeouts, a size cap
  that holds while decompressing (:mod:`.decoding`), bounded redirects, robots.txt, a pause between
  requests to one host, conditional requests, no credentials sent or kept (:mod:`.urls`). Whatever
  a server answers, ``fetch`` raises nothing but ``FetchError``.
* ``Fetched(url, status, headers, body, content_type, etag, last_modified, not_modified)`` and its
  ``charset``.
* ``SafetyPolicy(allow_private=False, allowed_origins=frozenset(), resolver=system_resolver)``,
  ``.from_settings(settings)``, ``.check_url(url)``: what may be connected to (see :mod:`.safety`).
* ``parse_document(body, url, content_type="", charset=None) -> Feed | Sitemap | Page`` and
  ``detect_kind(body, content_type="", url="") -> Kind``: the kind told by content (:mod:`.kinds`);
  ``parse_feed(body, url, charset=None) -> Feed`` and ``parse_sitemap(body, url) -> Sitemap`` when
  the kind is known already.
* ``Feed(url, title, entries)``, ``FeedEntry(link, title, published, authors, content, source)``
  (``content``: the whole article as plain text when the feed carries it, see :mod:`.feeds`),
  ``Sitemap(url, entries, sitemaps)``, ``SitemapEntry(loc, date, title)``, ``Page(url, body,
  content_type)``. Dates are ISO ``YYYY-MM-DD``, like :class:`index.articles.Article`'s.
* Errors: ``FetchError(url, reason, permanent=...)``, and its subclasses ``FetchRefused`` (guard or
  robots.txt: ``RobotsRefused``) and ``DocumentError`` (a body that is no feed, sitemap or page). ``permanent`` says
  whether trying again later is pointless (a 404) or may work (a timeout). None is a ``UserError``.
"""

from index.sources.fetching.client import Fetched, WebClient
from index.sources.fetching.errors import DocumentError, FetchError, FetchRefused, RobotsRefused
from index.sources.fetching.feeds import FULL_TEXT_CHARS, Feed, FeedEntry, parse_feed
from index.sources.fetching.kinds import Document, Kind, Page, detect_kind, parse_document
from index.sources.fetching.safety import SafetyPolicy
from index.sources.fetching.sitemaps import Sitemap, SitemapEntry, parse_sitemap

__all__ = [
    "FULL_TEXT_CHARS",
    "Document",
    "DocumentError",
    "Feed",
    "FeedEntry",
    "FetchError",
    "FetchRefused",
    "Fetched",
    "Kind",
    "Page",
    "RobotsRefused",
    "SafetyPolicy",
    "Sitemap",
    "SitemapEntry",
    "WebClient",
    "detect_kind",
    "parse_document",
    "parse_feed",
    "parse_sitemap",
]
