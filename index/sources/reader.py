"""A web address read into articles: a page, an RSS/Atom feed or a (news) sitemap, told apart by content.

A feed entry carrying the whole article is used as it is; otherwise its link is fetched and the
article extracted (:mod:`index.sources.extract`), with the entry's date, authors and title filling what the
page leaves out. A sitemap's pages are fetched the same way (a sitemap index: its child sitemaps
first). Links already indexed (``known``) are not fetched again. Each failure (a dead link, a page
with no article text, a refused address) is reported with its URL, reason and kind (a
:class:`~index.sources.problems.SkippedEntry`), and the rest goes on. While the articles come, the
result counts the entries it means to read and those read so far: a fetch's progress.

Articles fetched from the web are identified by their canonical URL (tracking parameters and the
fragment dropped), so fetching a page again updates the same article instead of adding another;
a ``user:password@`` in it is dropped too (credentials in URLs are never kept).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial

from courlan import normalize_url

from index.articles import Article, LoadError, parse_date
from index.sources.extract import extract_article
from index.sources.fetching import (
    DocumentError,
    Feed,
    FeedEntry,
    Fetched,
    FetchError,
    FetchRefused,
    RobotsRefused,
    Sitemap,
    SitemapEntry,
    WebClient,
    parse_document,
)
from index.sources.fetching.urls import without_credentials
from index.sources.problems import ProblemKind, SkippedEntry

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
    planned: int = 0  # the entries this read means to read, known once the feed or sitemap is read
    read: int = 0  # the entries read so far, indexed or not


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
            result.errors.append(SkippedEntry(url, None, document.problem, kind=ProblemKind.FEED))
        return result, _feed_articles(client, document, result, known)
    if isinstance(document, Sitemap):
        result.kind = "sitemap"
        return result, _sitemap_articles(client, document, result, known, depth=0)
    result.kind = "page"
    result.planned, result.read = 1, 1
    return result, iter(_page_article(fetched, result))


def _page_article(fetched: Fetched, result: ReadResult, entry: FeedEntry | SitemapEntry | None = None) -> list[Article]:
    page = extract_article(fetched.body, fetched.url)
    title = entry.title if isinstance(entry, FeedEntry) and entry.title else ""
    if page is None:
        message = "no article text found on the page"
        result.errors.append(SkippedEntry(fetched.url, None, message, kind=ProblemKind.NO_TEXT, title=title))
        return []
    if page.paywalled and len(page.text.split()) < PAYWALL_TEASER_WORDS:
        message = "behind a paywall: only a teaser was served"
        source = page.source or (entry.source if isinstance(entry, FeedEntry) else "")
        skipped = SkippedEntry(fetched.url, None, message, kind=ProblemKind.PAYWALL, title=title or page.title)
        # its teaser, date and outlet: the story it would join (index.sources.indexing: stories_of_skipped)
        result.errors.append(replace(skipped, lead=page.text, date=page.date or _entry_date(entry), source=source))
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
    entries = [entry for entry in feed.entries if entry.link and not known(entry.link)][:MAX_ENTRIES]
    result.planned += len(entries)
    for entry in entries:
        if entry.content:  # the feed carries the whole article (as plain text): no page to fetch
            yield from _item(entry.link, result, partial(_full_entry, feed, entry), entry.title or "")
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
    result.planned += min(len(fresh), MAX_ENTRIES)
    for entry in fresh[:MAX_ENTRIES]:
        yield from _linked_page(client, entry.loc, result, entry)
    if depth > 0:
        return  # a sitemap index's children are read; their own children are not followed
    for child in sitemap.sitemaps[:MAX_ENTRIES]:
        try:
            fetched = client.fetch(child.loc)
            document = parse_document(fetched.body, fetched.url, fetched.content_type, fetched.charset)
        except FetchError as error:
            result.errors.append(SkippedEntry(error.url, None, error.reason, kind=_kind_of(error)))
            continue
        except Exception as error:  # whatever one child sitemap makes fail, the others are read
            result.errors.append(SkippedEntry(child.loc, None, _unforeseen(child.loc, error), kind=ProblemKind.FEED))
            continue
        if isinstance(document, Sitemap):
            yield from _sitemap_articles(client, document, result, known, depth + 1)


def _linked_page(
    client: WebClient, link: str, result: ReadResult, entry: FeedEntry | SitemapEntry
) -> Iterator[Article]:
    title = entry.title if isinstance(entry, FeedEntry) and entry.title else ""
    return _item(link, result, lambda: _page_article(client.fetch(link), result, entry), title)


def _item(link: str, result: ReadResult, read: Callable[[], Iterable[Article]], title: str) -> Iterator[Article]:
    """One entry's articles, its link noted as done once they are yielded (indexed). Whatever fails
    in reading one entry is that entry's error, with its URL, reason and kind, and the next one is read."""
    try:
        articles = list(read())
    except FetchError as error:
        result.read += 1
        result.errors.append(SkippedEntry(error.url, None, error.reason, kind=_kind_of(error), title=title))
        if error.permanent:
            result.links.append(link)  # a 404 stays a 404: not fetched again every cycle
        else:
            result.incomplete = True
        return
    except Exception as error:  # a hostile page or entry must not stop the rest of the feed
        result.read += 1
        reason = _unforeseen(link, error)
        result.errors.append(
            SkippedEntry(without_credentials(link), None, reason, kind=ProblemKind.UNREADABLE, title=title)
        )
        result.links.append(link)  # it would fail the same way next time
        return
    result.read += 1
    yield from articles
    result.links.append(link)


def _kind_of(error: FetchError) -> ProblemKind:
    if isinstance(error, RobotsRefused):
        return ProblemKind.ROBOTS
    if isinstance(error, DocumentError):  # fetched, but not a page that could hold an article
        return ProblemKind.UNREADABLE
    return ProblemKind.REFUSED if isinstance(error, FetchRefused) else ProblemKind.HTTP


def _unforeseen(link: str, error: Exception) -> str:
    logger.debug("reading %s failed", without_credentials(link), exc_info=True)
    return f"unreadable: {type(error).__name__}: {error}"
