"""Which chunks a search may return: a publication-date range and a set of sources.

The one place that writes Chroma's ``where`` clause for them, and applies the same test to a
found passage's metadata (so a filter can run after an unfiltered search, which is faster) and to
an article known only by its date and source (a story's member, :mod:`index.stories.groups`): the
answer path and the news path (briefings, timelines, comparisons) narrow articles the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from langchain_core.documents import Document

from index.articles import date_as_int

# How much wider an unfiltered search goes before a filtered one falls back on Chroma's filter.
_POST_FILTER_FACTOR = 4
_FIRST_DAY = 1
_LAST_DAY = 99991231


@dataclass(frozen=True, slots=True)
class ChunkFilter:
    """Published between ``since`` and ``until`` (either may be open) and from one of ``sources``."""

    since: date | None = None
    until: date | None = None
    sources: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return self.since is None and self.until is None and not self.sources

    @property
    def has_dates(self) -> bool:
        return self.since is not None or self.until is not None

    def day_range(self) -> tuple[int, int] | None:
        """The dates as ``(YYYYMMDD, YYYYMMDD)`` numbers, as chunks store them; None without dates."""
        return self._day_range() if self.has_dates else None

    def _day_range(self) -> tuple[int, int]:
        low = date_as_int(self.since.isoformat()) if self.since else _FIRST_DAY
        high = date_as_int(self.until.isoformat()) if self.until else _LAST_DAY
        return low or _FIRST_DAY, high or _LAST_DAY

    def matches(self, metadata: Mapping[str, Any]) -> bool:
        """The test Chroma's ``where`` makes, applied to one chunk's metadata."""
        if self.sources and metadata.get("source") not in self.sources:
            return False
        if not self.has_dates:
            return True
        low, high = self._day_range()
        return low <= int(metadata.get("date_int") or 0) <= high

    def admits(self, day: str, source: str) -> bool:
        """:meth:`matches` for an article known by its ISO date ("" when undated) and source."""
        return self.matches({"source": source, "date_int": date_as_int(day)})

    def where(self) -> dict[str, Any] | None:
        """Chroma's ``where`` clause for this filter (None when it lets everything through)."""
        clauses: list[dict[str, Any]] = []
        if self.has_dates:
            low, high = self._day_range()
            clauses += [{"date_int": {"$gte": low}}, {"date_int": {"$lte": high}}]
        if self.sources:
            clauses.append({"source": {"$in": list(self.sources)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


Nearest = Callable[[int, dict[str, Any] | None], list[tuple[Document, float]]]


def filtered_nearest(nearest: Nearest, k: int, chunk_filter: ChunkFilter | None) -> list[tuple[Document, float]]:
    """The ``k`` nearest passages ``chunk_filter`` lets through; ``nearest(n, where)`` searches a collection.

    Chroma's metadata filter is slow at scale, so a filtered search first searches unfiltered
    ``_POST_FILTER_FACTOR`` times as wide and filters here; Chroma filters only when that leaves
    too few (a narrow window or a rare source). Both vector collections search this way.
    """
    if chunk_filter is None or chunk_filter.is_empty:
        return nearest(k, None)
    wide = nearest(k * _POST_FILTER_FACTOR, None)
    kept = [(document, score) for document, score in wide if chunk_filter.matches(document.metadata)]
    if len(kept) >= k or len(wide) < k * _POST_FILTER_FACTOR:
        return kept[:k]  # enough, or the whole collection was searched
    return nearest(k, chunk_filter.where())
