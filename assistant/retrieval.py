"""Find the passages that answer a question: dense, keyword, fused, dated, capped per article.

Modes (``ASSISTANT_RETRIEVAL_MODE``):

- ``dense``: Chroma similarity of the question to each passage's (title + passage) embedding.
- ``bm25``: tantivy keyword search over the same chunks (``index.keyword``).
- ``hybrid``: both lists fused by reciprocal rank fusion (RRF), which needs no score calibration.
- ``hybrid-rerank``: hybrid, then the top candidates re-scored by how well their best sentence
  and their title match the question (or by a CrossEncoder when one is configured).

Every mode then applies the date prior (articles near the reference date first, those after it
last) and keeps at most ``per_article`` passages per article, so one long article doesn't fill
every slot. Each returned ``Document`` carries ``metadata["similarity"]`` (cosine to the
question, what the answerer's relevance gate reads) and ``metadata["score"]`` (the final rank
score).

>>> retriever = PassageRetriever.from_settings(store, settings)  # doctest: +SKIP
>>> retriever.invoke("what does Turkey demand in Libya", as_of=date(2020, 6, 30))  # doctest: +SKIP
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, get_args

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.dates import DateWindow, parse_iso, recency_prior, window_from_question
from assistant.rerank import Reranker
from index.articles import date_as_int
from index.settings import RetrievalMode, Settings
from index.store import ArticleStore

logger = logging.getLogger(__name__)

MODES: tuple[RetrievalMode, ...] = get_args(RetrievalMode)
_RRF_K = 60
_POST_FILTER_FACTOR = 4


@dataclass
class _Candidate:
    chunk_id: str
    fused: float = 0.0
    similarity: float | None = None
    document: Document | None = None
    ranks: dict[str, int] = field(default_factory=dict)


class PassageRetriever(BaseRetriever):
    """The retriever of the assistant chain; ``invoke(question, as_of=, since=, until=, sources=)``."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: ArticleStore
    settings: Settings
    k: int
    reranker: Reranker | None = None

    @classmethod
    def from_settings(
        cls, store: ArticleStore, settings: Settings, *, k: int | None = None, **overrides: Any
    ) -> PassageRetriever:
        """A retriever returning ``k`` passages (default ``top_k``); ``overrides`` are settings fields,
        validated like the environment's (``retrieval_mode="bm25"``, ``per_article=2``)."""
        if overrides:
            settings = type(settings)(**{**settings.model_dump(), **overrides})
        reranker = Reranker(settings.cross_encoder) if settings.retrieval_mode == "hybrid-rerank" else None
        return cls(store=store, settings=settings, k=k or settings.top_k, reranker=reranker)

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        as_of: date | None = None,
        since: date | None = None,
        until: date | None = None,
        sources: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> list[Document]:
        return self.search(query, as_of=as_of, since=since, until=until, sources=sources)

    def search(
        self,
        question: str,
        *,
        as_of: date | None = None,
        since: date | None = None,
        until: date | None = None,
        sources: Sequence[str] | None = None,
        today: date | None = None,
    ) -> list[Document]:
        """Ranked passages for ``question`` (see the module docstring for the stages)."""
        reference = as_of or today or date.today()
        # "As of" that day: nothing published after it (beyond a few days' grace). Applied after the
        # search, not as a Chroma filter: that filter added ~0.5 s to each dense query here.
        not_after = as_of + timedelta(days=self.settings.future_grace_days) if as_of else None
        explicit = DateWindow(since, until) if (since or until) else None
        asked = window_from_question(question, reference)
        return self._ranked(
            question, reference, not_after is not None, explicit, sources=sources, asked=asked, not_after=not_after
        )

    def _ranked(
        self,
        question: str,
        reference: date,
        dated: bool,
        window: DateWindow | None,
        *,
        sources: Sequence[str] | None,
        asked: DateWindow | None,
        not_after: date | None = None,
    ) -> list[Document]:
        """Candidates from each search (hard ``window`` and ``sources`` filters), fused, dated, capped.

        ``asked`` (a window the question itself names) only boosts what falls in it: measured on
        RealTimeQA, filtering on it lost questions like "73 monuments were removed in 2021. How
        many remain?", answered by an article of 2022.
        """
        options = self.settings
        query_vector = self.store.query_vector(question)
        candidates: dict[str, _Candidate] = {}
        # Over-fetch when later articles will be dropped, so as many candidates remain.
        fetch = options.candidates * (2 if not_after else 1)
        if options.retrieval_mode != "bm25":
            for rank, (document, similarity) in enumerate(
                self._dense_search(query_vector, fetch, window, sources), start=1
            ):
                candidate = candidates.setdefault(str(document.id), _Candidate(str(document.id)))
                candidate.document, candidate.similarity = document, similarity
                candidate.ranks["dense"] = rank
        if options.retrieval_mode != "dense":
            self.store.keep_keyword_index_current()
            date_range = _int_range(window)
            for rank, (chunk_id, _score) in enumerate(
                self.store.keyword_index.search(question, fetch, date_range=date_range, sources=sources),
                start=1,
            ):
                candidates.setdefault(chunk_id, _Candidate(chunk_id)).ranks["bm25"] = rank
        if not candidates:
            return []
        self._complete(candidates, query_vector)
        if not_after is not None:
            for chunk_id in [c.chunk_id for c in candidates.values() if _published_after(c, not_after)]:
                del candidates[chunk_id]
        weight = options.date_weight if dated else options.today_date_weight
        for candidate in candidates.values():
            fused = sum(1.0 / (_RRF_K + rank) for rank in candidate.ranks.values())
            assert candidate.document is not None
            prior = recency_prior(
                parse_iso(candidate.document.metadata.get("date")),
                reference,
                half_life_days=options.recency_days,
                grace_days=options.future_grace_days,
            )
            candidate.fused = fused * max(0.0, 1.0 + weight * prior)
            if asked is not None and asked.contains(parse_iso(candidate.document.metadata.get("date"))):
                candidate.fused *= options.question_date_boost
        ranked = sorted(candidates.values(), key=lambda c: c.fused, reverse=True)
        if self.reranker is not None:
            ranked = self.reranker.rerank(question, ranked)
        return _capped(ranked, options.per_article, self.k)

    def _dense_search(
        self, query_vector: np.ndarray, fetch: int, window: DateWindow | None, sources: Sequence[str] | None
    ) -> list[tuple[Document, float]]:
        """The ``fetch`` nearest passages inside the date window and sources.

        Chroma's metadata filter is slow at scale (measured: a date-range filter took a query from
        ~20 ms to ~2.2 s on 200,000 chunks), so the filter is applied to an unfiltered search of
        ``_POST_FILTER_FACTOR`` times as many passages, and Chroma filters only when that leaves
        too few (a narrow window or a rare source).
        """
        where = _chroma_where(window, sources)
        if where is None:
            return self.store.search_by_vector(query_vector, fetch)
        wide = self.store.search_by_vector(query_vector, fetch * _POST_FILTER_FACTOR)
        kept = [(d, s) for d, s in wide if _inside(d, window, sources)]
        if len(kept) >= fetch or len(wide) < fetch * _POST_FILTER_FACTOR:
            return kept[:fetch]  # enough, or the whole collection was searched
        return self.store.search_by_vector(query_vector, fetch, where)

    def _complete(self, candidates: dict[str, _Candidate], query_vector: np.ndarray) -> None:
        """Fetch passages found only by keywords, with their vectors for the cosine similarity."""
        missing = [c.chunk_id for c in candidates.values() if c.document is None]
        if missing:
            got = self.store.collection.get(ids=missing, include=["documents", "metadatas", "embeddings"])
            for chunk_id, text, metadata, vector in zip(
                got["ids"], got["documents"] or [], got["metadatas"] or [], got["embeddings"], strict=True
            ):
                candidate = candidates[chunk_id]
                candidate.document = Document(id=chunk_id, page_content=text, metadata=dict(metadata or {}))
                candidate.similarity = float(np.asarray(vector) @ query_vector)
        for chunk_id in [c.chunk_id for c in candidates.values() if c.document is None]:
            del candidates[chunk_id]  # in the keyword index but not (yet) in Chroma: never shown


def _inside(document: Document, window: DateWindow | None, sources: Sequence[str] | None) -> bool:
    """The Chroma filter of ``_chroma_where``, applied to a found passage."""
    metadata = document.metadata
    if sources and metadata.get("source") not in sources:
        return False
    if window is None:
        return True
    low, high = _int_range(window) or (1, 99991231)
    return low <= int(metadata.get("date_int") or 0) <= high


def _published_after(candidate: _Candidate, day: date) -> bool:
    published = parse_iso(candidate.document.metadata.get("date")) if candidate.document else None
    return published is not None and published > day


def _capped(ranked: Sequence[Any], per_article: int, k: int) -> list[Document]:
    """The first ``k`` passages, at most ``per_article`` from any one article."""
    taken: dict[str, int] = defaultdict(int)
    results = []
    for candidate in ranked:
        document = candidate.document
        article = str(document.metadata.get("article_id"))
        if taken[article] >= per_article:
            continue
        taken[article] += 1
        document.metadata["similarity"] = float(candidate.similarity or 0.0)
        document.metadata["score"] = float(candidate.fused)
        results.append(document)
        if len(results) == k:
            break
    return results


def _int_range(window: DateWindow | None) -> tuple[int, int] | None:
    if window is None:
        return None
    low = date_as_int(window.since.isoformat()) if window.since else 1
    high = date_as_int(window.until.isoformat()) if window.until else 99991231
    return low, high


def _chroma_where(window: DateWindow | None, sources: Sequence[str] | None) -> dict[str, Any] | None:
    clauses: list[dict[str, Any]] = []
    if window is not None:
        low, high = _int_range(window) or (1, 99991231)
        clauses += [{"date_int": {"$gte": low}}, {"date_int": {"$lte": high}}]
    if sources:
        clauses.append({"source": {"$in": list(sources)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}
