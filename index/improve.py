"""The fill behind the index: better vectors for the chunks that have only fast ones (``python -m index improve``).

What is missing is worked out afresh each time from the two collections (the main one's chunk ids
less the second one's), so the fill keeps no state of its own: killed at any point, it resumes
with what is still missing, and a chunk whose article was removed meanwhile is simply no longer
there to fill. Full vectors of chunks the main collection no longer has (a crash between the two
deletes) are removed first. Every article's first chunk (its title's and lede's passage) is filled
before any other, so the better ranking reaches the whole archive in a tenth of the fill (measured in
docs/lab-notes.md); within each, the newest article first (undated ones last, ties in id order): most
questions are about recent news, and the follower's bounded share between two cycles then goes to
what it has just fetched rather than to a random slice of the archive. On a Chroma
server several fill processes share the work, each chunk embedded by one (:mod:`index.store.fill_claims`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from index.errors import SettingsError
from index.store import ArticleStore
from index.store.fill_claims import fill_claims

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (chunks filled, chunks in the index)


@dataclass(frozen=True, slots=True)
class FillReport:
    """What one run of the fill did."""

    filled: int  # chunks embedded and written by this run
    removed: int  # full vectors of chunks no longer indexed, removed
    done: int  # chunks filled at the end
    total: int  # chunks in the index at the start
    sentences: bool = False  # whether filled means the answerer's sentence vectors too

    def summary(self) -> str:
        removed = f", {self.removed:,} stale removed" if self.removed else ""
        what = "full vectors and sentence vectors" if self.sentences else "full vectors"
        return f"filled {self.filled:,} chunks{removed}: {self.done:,} of {self.total:,} chunks have {what}"


def improve(
    store: ArticleStore,
    *,
    batch_size: int | None = None,
    on_progress: Progress | None = None,
    limit: int | None = None,
) -> FillReport:
    """Fill the full vectors the store's chunks lack, in batches; ``on_progress`` after each batch;
    at most ``limit`` chunks (the follower fills a share between two cycles)."""
    full = store.full_vectors
    if not full.enabled:
        raise SettingsError(
            "There is no second speed to fill: ASSISTANT_FULL_EMBEDDING_MODEL is empty or names the index's own "
            f"encoder ({store.settings.embedding_model}); set it to a better encoder (e.g. minilm-int8)"
        )
    chunk_ids = store.chunk_ids()
    have, stale_ids = full.fill_state(chunk_ids)
    stale = sorted(stale_ids)
    full.delete(stale)
    missing = _leads_then_newest_first(store, sorted(chunk_ids - have))
    total, done = len(chunk_ids), len(chunk_ids) - len(missing)
    missing = missing[:limit] if limit is not None else missing
    logger.info("%d of %d chunks filled; filling %d", done, total, len(missing))
    if on_progress is not None:
        on_progress(done, total)
    size = batch_size or store.max_batch_size
    filled = position = 0
    with fill_claims(store.settings) as claims:
        while position < len(missing):
            mine, looked = claims.claim(missing[position : position + 4 * size], size, full.written)
            position += looked
            try:
                written = full.fill(mine) if mine else 0
            finally:
                claims.release(mine)
            filled, done = filled + written, done + written
            if on_progress is not None and mine:
                on_progress(done, total)
    if filled < len(missing):  # some were another filler's (a Chroma server): count what is there now
        done = len(chunk_ids & full.fill_state(chunk_ids)[0])
    return FillReport(filled=filled, removed=len(stale), done=done, total=total, sentences=full.sentences is not None)


def _leads_then_newest_first(store: ArticleStore, ids: list[str]) -> list[str]:
    """These chunk ids, every article's first chunk before any other chunk, and within each of the two
    its article's date descending (ISO dates sort as text), undated last, ties in id order."""
    dates: dict[str, str] = {}
    leads: set[str] = set()
    page = store.max_batch_size
    for start in range(0, len(ids), page):
        got = store.collection.get(ids=ids[start : start + page], include=["metadatas"])
        for chunk_id, metadata in zip(got["ids"], got["metadatas"] or [], strict=True):
            dates[chunk_id] = str((metadata or {}).get("date") or "")
            if (metadata or {}).get("chunk", 0) == 0:
                leads.add(chunk_id)
    newest = sorted(ids, key=lambda chunk_id: dates.get(chunk_id, ""), reverse=True)  # stable: id order within a date
    return sorted(newest, key=lambda chunk_id: (chunk_id not in leads, not dates.get(chunk_id)))
