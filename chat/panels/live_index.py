"""The index as the Articles tab shows it, read when a page loads and again whenever it changed.

An open page asks every :data:`CHECK_SECONDS` (a ``gr.Timer``); the answer is the same shared
:class:`Listing` for every page until the index's change marker moves (a count and a folder's
newest change: about a millisecond), so the background follower, a build through the API or an
upload in another tab shows in every open page within seconds, without a reload, while a page
that shows the index as it is costs next to nothing. Listing the articles costs seconds at 85,000
chunks (docs/lab-notes.md), so while the index keeps changing it is listed again at most once per
four times its last listing took: the pages' checks never cost more than a fifth of a core.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from index.store import ArticleStore, IndexedArticle
from index.words import counted

CHECK_SECONDS = 3.0  # how often an open page asks whether the index changed
_BUSY_SHARE = 4  # a listing waits at least this many times the last one's duration after it


@dataclass(frozen=True, slots=True)
class Listing:
    """The index at one moment: its change marker then, its articles (newest first) and its figures."""

    marker: str
    articles: list[IndexedArticle]
    stats: str


def stats_markdown(store: ArticleStore, articles: list[IndexedArticle]) -> str:
    """The tab's line of figures: the same as ``python -m index stats`` gives, with the last change."""
    stats = store.stats(articles)
    size = f"{stats['store_bytes'] / 1e6:.1f} MB" if stats.get("store_bytes") else "on the Chroma server"
    changed = (stats.get("last_update") or "—").replace("T", " ").replace("+00:00", " UTC")
    return (
        f"**{counted(stats['articles'], 'article')}**, {counted(stats['chunks'], 'chunk')} · {size} · "
        f"model `{stats['embedding_model']}` ({stats['embedding_dimension']} dimensions) · "
        f"last change {changed}"
        + (  # the second speed's fill (python -m index improve), when it is on
            f" · {stats['full_vectors']:,} of {stats['chunks']:,} chunks have full vectors"
            if stats.get("full_embedding_model")
            else ""
        )
    )


class IndexListing:
    """The one :class:`Listing` all pages share, listed again only when the index changed."""

    def __init__(self, store: ArticleStore) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._listing: Listing | None = None
        self._next_at = 0.0  # monotonic time before which the index is not listed again (unless asked)

    def current(self, *, now: bool = False) -> Listing:
        """The index as it is (``now``: listed again even if it changed a moment ago: after the
        person's own upload), or as it was at most a few seconds ago while it keeps changing."""
        marker = self.store.change_marker()  # before listing: a write during the listing moves it again
        with self._lock:
            listing = self._listing
            if listing is not None and (listing.marker == marker or (not now and time.monotonic() < self._next_at)):
                return listing
            started = time.monotonic()
            articles = self.store.articles()
            self._listing = Listing(marker, articles, stats_markdown(self.store, articles))
            self._next_at = time.monotonic() + _BUSY_SHARE * (time.monotonic() - started)
            return self._listing
