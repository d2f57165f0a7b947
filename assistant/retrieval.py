"""Find the passages that answer a question: dense, keyword, fused, dated, capped per article.

Modes (``ASSISTANT_RETRIEVAL_MODE``):

- ``dense``: Chroma similarity of the question to each passage's (title + passage) embedding; where
  the better encoder's vectors have been filled in (``python -m index improve``), their list too.
- ``bm25``: tantivy keyword search over the same chunks (``index.store.keyword.tantivy``).
- ``hybrid``: both lists fused by reciprocal rank fusion (RRF), which needs no score calibration.
- ``hybrid-rerank``: hybrid, then the top candidates re-scored by how well their best sentence
  and their title match the question (or by a CrossEncoder when one is configured).

Every mode then applies the date prior (articles near the reference date first, those after it
last) and keeps at most ``per_article`` passages per article, so one long article doesn't fill
every slot. Each returned ``Document`` carries ``metadata["similarity"]`` (cosine to the
question, what the answerer's relevance gate reads), ``metadata["score"]`` (the final rank
score) and ``metadata["story_id"]`` (its article's story, what the answerer keeps to).

>>> retriever = PassageRetriever.from_settings(store, settings)  # doctest: +SKIP
>>> retriever.invoke("what does Turkey demand in Libya", filters=Filters(as_of=date(2020, 6, 30)))  # doctest: +SKIP
"""

from __future__ import annotations

import functools
import logging
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any, get_args

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.dates import DateWindow, last_day_as_of, parse_iso, recency_prior, window_from_question
from assistant.lead_story import ASKED_AS_OF, IN_ASKED_PERIOD, with_story_ids
from assistant.rerank import Candidate, Reranker
from assistant.settings import AssistantSettings, RetrievalMode
from assistant.types import Filters
from index.store import ArticleStore, ChunkFilter

logger = logging.getLogger(__name__)

MODES: tuple[RetrievalMode, ...] = get_args(RetrievalMode)
_RRF_K = 60
_LEAST_SHARE = 0.01  # a fill just begun: its few chunks' ranks are not scaled beyond 100x


class PassageRetriever(BaseRetriever):
    """The retriever of the assistant chain; ``invoke(question, filters=Filters(...))``."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: ArticleStore
    settings: AssistantSettings
    k: int
    reranker: Reranker | None = None

    @classmethod
    def from_settings(
        cls, store: ArticleStore, settings: AssistantSettings, *, k: int | None = None, **overrides: Any
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
        filters: Filters | None = None,
        **kwargs: Any,
    ) -> list[Document]:
        return self.search(query, filters)

    def search(self, question: str, filters: Filters | None = None, *, today: date | None = None) -> list[Document]:
        """Ranked passages for ``question`` (see the module docstring for the stages)."""
        filters = filters or Filters()
        reference = filters.as_of or today or date.today()
        # "As of" that day: nothing published after it (beyond a few days' grace). Applied after the
        # search, not as a Chroma filter, which is much slower per query (docs/lab-notes.md).
        grace = self.settings.future_grace_days
        not_after = last_day_as_of(filters.as_of, grace) if filters.as_of else None
        asked = window_from_question(question, reference)
        ranked = self._ranked(question, reference, filters.chunk_filter(), asked=asked, not_after=not_after)
        return with_story_ids(ranked, self.store.story_groups.stories_of)

    def _ranked(
        self,
        question: str,
        reference: date,
        chunk_filter: ChunkFilter,
        *,
        asked: DateWindow | None,
        not_after: date | None = None,
    ) -> list[Document]:
        """Candidates from each search (hard date and source filters), fused, dated, capped.

        ``asked`` (a window the question itself names) only boosts what falls in it: filtering on it
        lost questions whose event year differs from the article's publication year (RealTimeQA).
        """
        options = self.settings
        query_vector = self.store.query_vector(question)
        candidates: dict[str, Candidate] = {}
        # Over-fetch when later articles will be dropped, so as many candidates remain.
        fetch = options.candidates * (2 if not_after else 1)
        share = self.store.full_vectors.filled_share() if options.retrieval_mode != "bm25" else 0.0
        dense, full, keyword = self._searched(question, query_vector, fetch, chunk_filter)
        for rank, (document, similarity) in enumerate(dense, start=1):
            candidate = candidates.setdefault(str(document.id), Candidate(str(document.id)))
            candidate.document, candidate.similarity = document, similarity
            candidate.ranks["dense"] = rank
        # The second speed (index.store.full_vectors): the same chunks by the better encoder, empty
        # (nothing embedded) until a fill has begun. It ranks only the filled share of the index, so its
        # rank r is read as r / share in the whole: the 10th of a tenth filled stands near the 100th.
        for rank, chunk_id in enumerate(full, start=1):
            candidates.setdefault(chunk_id, Candidate(chunk_id)).ranks["full"] = rank / max(share, _LEAST_SHARE)
        for rank, chunk_id in enumerate(keyword, start=1):
            candidates.setdefault(chunk_id, Candidate(chunk_id)).ranks["bm25"] = rank
        if not candidates:
            return []
        # Which candidates have full vectors (SQL) is read while their passages are fetched (Chroma).
        filled = options.retrieval_mode != "bm25"
        having = _search_pool().submit(self.store.full_vectors.having, list(candidates)) if filled else None
        self._complete(candidates, query_vector)
        with_full = having.result() if having else set()
        if not_after is not None:
            for chunk_id in [c.chunk_id for c in candidates.values() if _published_after(c, not_after)]:
                del candidates[chunk_id]
        weight = options.date_weight if not_after is not None else options.today_date_weight
        for candidate in candidates.values():
            fused = _fused(candidate, candidate.chunk_id in with_full, share)
            published = parse_iso(candidate.passage.metadata.get("date"))
            prior = recency_prior(
                published, reference, half_life_days=options.recency_days, grace_days=options.future_grace_days
            )
            candidate.fused = fused * max(0.0, 1.0 + weight * prior)
            in_window = asked is not None and asked.contains(published)
            candidate.passage.metadata[IN_ASKED_PERIOD] = in_window
            if not_after is not None:
                candidate.passage.metadata[ASKED_AS_OF] = reference.isoformat()
            if in_window:
                candidate.fused *= options.question_date_boost
        ranked = sorted(candidates.values(), key=lambda c: c.fused, reverse=True)
        if self.reranker is not None:
            ranked = self.reranker.rerank(question, ranked)
        return _capped(ranked, options.per_article, self.k)

    def _searched(
        self, question: str, query_vector: np.ndarray, fetch: int, chunk_filter: ChunkFilter
    ) -> tuple[list[tuple[Document, float]], list[str], list[str]]:
        """The three searches' lists (dense, full vectors, keywords; empty where the mode skips one).

        Run side by side: each waits in Chroma's, ONNX Runtime's or tantivy's native code with the
        GIL released, so a question waits for the slowest search, not for their sum (docs/lab-notes.md,
        "A dated answer under 150 ms").
        """
        mode = self.settings.retrieval_mode
        if mode != "dense":
            self.store.keep_keyword_index_current()  # before the threads: it may reopen the index
        pool = _search_pool()
        dense = pool.submit(self.store.search_by_vector, query_vector, fetch, chunk_filter) if mode != "bm25" else None
        full = pool.submit(self.store.full_vectors.search, question, fetch, chunk_filter) if mode != "bm25" else None
        keyword = (
            pool.submit(
                self.store.keyword_index.search,
                question,
                fetch,
                date_range=chunk_filter.day_range(),
                sources=chunk_filter.sources or None,
            )
            if mode != "dense"
            else None
        )
        return (
            dense.result() if dense else [],
            full.result() if full else [],
            [chunk_id for chunk_id, _score in keyword.result()] if keyword else [],
        )

    def _complete(self, candidates: dict[str, Candidate], query_vector: np.ndarray) -> None:
        """Fetch passages found only by keywords (or only by full vectors), with their fast vectors for the
        cosine similarity: the relevance floors are calibrated on the index's own encoder."""
        missing = [c.chunk_id for c in candidates.values() if c.document is None]
        for chunk in self.store.chunks(missing):
            candidate = candidates[str(chunk.document.id)]
            candidate.document = chunk.document
            candidate.similarity = float(chunk.vector @ query_vector)
        for chunk_id in [c.chunk_id for c in candidates.values() if c.document is None]:
            del candidates[chunk_id]  # in the keyword index but not (yet) in Chroma: never shown


@functools.cache
def _search_pool() -> ThreadPoolExecutor:
    """One pool per process for the searches of a question (three at most run at once)."""
    return ThreadPoolExecutor(max_workers=3, thread_name_prefix="search")


def _fused(candidate: Candidate, has_full_vector: bool, share: float) -> float:
    """Reciprocal rank fusion of the candidate's lists, its two vector lists counted as one where it has both.

    A chunk with a full vector is ranked by both encoders, one without by the fast one alone: its two
    vector terms are weighted into one (a chunk absent from a list it could be in scores 0 there), so a
    partial fill favours no chunk for being filled. Counted as lists of their own, a third of the dev
    index filled lowered undated MRR@10 from 0.823 to 0.787. The better encoder's weight grows with the
    ``share`` filled, from half (its ranks over a small sample are rough) to all of it once the whole
    index is filled, where MiniLM alone ranked better than the two averaged (docs/lab-notes.md, "Two speeds").
    """
    terms = {name: 1.0 / (_RRF_K + rank) for name, rank in candidate.ranks.items()}
    if has_full_vector:
        weight = (1.0 + share) / 2
        terms["dense"] = (1.0 - weight) * terms.get("dense", 0.0) + weight * terms.pop("full", 0.0)
    return sum(terms.values())


def _published_after(candidate: Candidate, day: date) -> bool:
    published = parse_iso(candidate.document.metadata.get("date")) if candidate.document else None
    return published is not None and published > day


def _capped(ranked: Sequence[Candidate], per_article: int, k: int) -> list[Document]:
    """The first ``k`` passages, at most ``per_article`` from any one article."""
    taken: dict[str, int] = defaultdict(int)
    results = []
    for candidate in ranked:
        document = candidate.passage
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
