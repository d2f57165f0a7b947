"""A web address read into articles: a page, an RSS/Atom feed or a (news) sitemap, told apart by content.

A feed entry carrying the whole article is used as it is; otherwise its link is fetched and the
article extracted (:mod:`index.sources.extract`), with the entry's date, authors and title filling what the
page leaves out. A sitemap's pages are fetched the same way (a sitemap index: its child sitemaps
first). Links already indexed (``known``) are not fetched again. Each failure (a dead link, a page
with no article text, a refused address) is reported with its URL and reason, and the rest goes on.

Articles fetched from the web are identified by their canonical URL (tracking parameters and the
fragment dropped), so fetching a page again updates the same article instead of adding another;
a ``user:password@`` in it is dropped too (credentials in URLs are never kept).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial

from courlan import normalize_url

from index.articles import Article, LoadError, parse_date
from index.sources.extract import extract_article
from index.sources.fetching import (
    Feed,
    FeedEntry,
    Fetched,
    FetchError,
    Sitemap,
    SitemapEntry,
    WebClient,
    parse_document,
)
from index.sources.fetching.urls import without_credentials

logger = logging.getLogger(__name__)

# A page marked as not free whose text is shorter than this is a paywall's teaser, not the article.
PAYWALL_TEASER_WORDS = 150
MAX_ENTRIES = 200  # new entries read from one feed or sitemap per fetch: a first fetch of a huge sitemap is bounded


@dataclass
class ReadResult:
    """What reading one address gave: its kind, the articles, what failed, and the validators to keep."""

    url: str
    kind: str = ""
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None  # of the feed or sitemap as served: the same body again is not read again
    errors: list[LoadError] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # the entry links read (or failed for good) this time
    incomplete: bool = False  # a linked page failed in a way that may pass (a timeout): read the feed again


def canonical_url(url: str) -> str:
    """``url`` without its fragment and tracking parameters, scheme and host lower-cased: one id per
    article (courlan's strict normalisation, which trafilatura itself uses), without credentials."""
    return str(normalize_url(without_credentials(url), strict=True))


def read_url(
    client: WebClient,
    url: str,
    *,
    known: Callable[[str], bool] = lambda link: False,
    etag: str | None = None,
    last_modified: str | None = None,
    body_hash: str | None = None,
) -> tuple[ReadResult, Iterator[Article]]:
    """Fetch ``url`` (conditionally, with the validators given) and the articles it leads to.

    The articles come lazily, so the caller indexes each batch as it arrives and a run killed
    half-way keeps what it had indexed. Raises :class:`FetchError` when ``url`` itself fails. A
    server without validators that sends the very body of last time (``body_hash``) costs no parsing.
    """
    fetched = client.fetch(url, etag=etag, last_modified=last_modified)
    digest = hashlib.sha256(fetched.body).hexdigest() if not fetched.not_modified else body_hash
    result = ReadResult(url=url, etag=fetched.etag, last_modified=fetched.last_modified, body_hash=digest)
    if fetched.not_modified or (body_hash is not None and digest == body_hash):
        result.not_modified = True
        result.kind = "unchanged"
        return result, iter(())
    document = parse_document(fetched.body, fetched.url, fetched.content_type, fetched.charset)
    if isinstance(document, Feed):
        result.kind = "feed"
        if document.problem:
            result.errors.append(LoadError(url, None, document.problem))
        return result, _feed_articles(client, document, result, known)
    if isinstance(document, Sitemap):
        result.kind = "sitemap"
        return result, _sitemap_articles(client, document, result, known, depth=0)
    result.kind = "page"
    return result, iter(_page_article(fetched, result))


def _page_article(fetched: Fetched, result: ReadResult, entry: FeedEntry | SitemapEntry | None = None) -> list[Article]:
    page = extract_article(fetched.body, fetched.url)
    if page is None:
        result.errors.append(LoadError(fetched.url, None, "no article text found on the page"))
        return []
    if page.paywalled and len(page.text.split()) < PAYWALL_TEASER_WORDS:
        result.errors.append(LoadError(fetched.url, None, "behind a paywall: only a teaser was served"))
        return []
    title = page.title or (entry.title if entry and entry.title else "")  # else its first sentence (index.naming)
    date = page.date or _entry_date(entry)
    authors = page.authors or (entry.authors if isinstance(entry, FeedEntry) else ())
    url = canonical_url(page.url or fetched.url)
    return [
        Article(
            id=url,
            title=title,
            text=page.text,
            date=date,
            source=page.source or (entry.source if isinstance(entry, FeedEntry) else ""),
            url=url,
            authors=tuple(authors),
            language=page.language,
        )
    ]


def _entry_date(entry: FeedEntry | SitemapEntry | None) -> str | None:
    if entry is None:
        return None
    value = entry.published if isinstance(entry, FeedEntry) else entry.date
    try:
        return parse_date(value)
    except ValueError:
        return None


def _feed_articles(
    client: WebClient, feed: Feed, result: ReadResult, known: Callable[[str], bool]
) -> Iterator[Article]:
    entries = [entry for entry in feed.entries if entry.link and not known(entry.link)]
    for entry in entries[:MAX_ENTRIES]:
        if entry.content:  # the feed carries the whole article (as plain text): no page to fetch
            yield from _item(entry.link, result, partial(_full_entry, feed, entry))
        else:
            yield from _linked_page(client, entry.link, result, entry)


def _full_entry(feed: Feed, entry: FeedEntry) -> list[Article]:
    url = canonical_url(entry.link)
    article = Article(
        id=url,
        title=entry.title or "",
        text=entry.content or "",
        date=_entry_date(entry),
        source=entry.source or feed.title,
        url=url,
        authors=tuple(entry.authors),
    )
    return [article]


def _sitemap_articles(
    client: WebClient, sitemap: Sitemap, result: ReadResult, known: Callable[[str], bool], depth: int
) -> Iterator[Article]:
    fresh = [entry for entry in sitemap.entries if not known(entry.loc)]
    fresh.sort(key=lambda entry: entry.date or "", reverse=True)  # newest first when bounded
    for entry in fresh[:MAX_ENTRIES]:
        yield from _linked_page(client, entry.loc, result, entry)
    if depth > 0:
        return  # a sitemap index's children are read; their own children are not followed
    for child in sitemap.sitemaps[:MAX_ENTRIES]:
        try:
            fetched = client.fetch(child.loc)
            document = parse_document(fetched.body, fetched.url, fetched.content_type, fetched.charset)
        except FetchError as error:
            result.errors.append(LoadError(error.url, None, error.reason))
            continue
        except Exception as error:  # whatever one child sitemap makes fail, the others are read
            result.errors.append(LoadError(child.loc, None, _unforeseen(child.loc, error)))
            continue
        if isinstance(document, Sitemap):
            yield from _sitemap_articles(client, document, result, known, depth + 1)


def _linked_page(
    client: WebClient, link: str, result: ReadResult, entry: FeedEntry | SitemapEntry
) -> Iterator[Article]:
    return _item(link, result, lambda: _page_article(client.fetch(link), result, entry))


def _item(link: str, result: ReadResult, read: Callable[[], Iterable[Article]]) -> Iterator[Article]:
    """One entry's articles, its link noted as done once they are yielded (indexed). Whatever fails
    in reading one entry is that entry's error, with its URL and reason, and the next one is read."""
    try:
        articles = list(read())
    except FetchError as error:
        result.errors.append(LoadError(error.url, None, error.reason))
        if error.permanent:
            result.links.append(link)  # a 404 stays a 404: not fetched again every cycle
        else:
            result.incomplete = True
        return
    except Exception as error:  # a hostile page or entry must not stop the rest of the feed
        result.errors.append(LoadError(without_credentials(link), None, _unforeseen(link, error)))
        result.links.append(link)  # it would fail the same way next time
        return
    yield from articles
    result.links.append(link)


def _unforeseen(link: str, error: Exception) -> str:
    logger.debug("reading %s failed", without_credentials(link), exc_info=True)
    return f"unreadable: {type(error).__name__}: {error}"
