"""Re-score the top fused candidates more carefully than the first-stage searches can.

No cross-encoder can be had offline here, so the default reranker is lexical and cheap (no model
call): a passage is re-scored by how much of the question its *best sentence* covers (a whole
passage's vector dilutes the one sentence that answers), by how much of the question its
article's *title* covers, and by how many of the question's *phrases* (neighbouring content words)
its title and text repeat. A sentence-transformers ``CrossEncoder`` named in
``ASSISTANT_CROSS_ENCODER`` (a path on disk, since nothing is downloaded) replaces it when set.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from langchain_core.documents import Document

from assistant.text import content_phrases, content_words, sentence_words
from index.encoders.torch_models import require_torch_extra

logger = logging.getLogger(__name__)

TOP_N = 20
# Chosen by measurement on the RealTimeQA dev questions, paired question by question against the
# previous weights without phrases; figures in docs/lab-notes.md, "assistant/rerank.py: weights".
SENTENCE_WEIGHT = 1.2
TITLE_WEIGHT = 0.8
PHRASE_WEIGHT = 0.5


@dataclass
class Candidate:
    """A passage on its way through ranking: its ranks in each search, fused score, similarity."""

    chunk_id: str
    fused: float = 0.0
    similarity: float | None = None
    document: Document | None = None
    ranks: dict[str, float] = field(default_factory=dict)  # 1 is first; full vectors' scaled (retrieval)

    @property
    def passage(self) -> Document:
        """The passage; every candidate that reaches ranking has one (those without are dropped first)."""
        if self.document is None:
            raise ValueError(f"candidate {self.chunk_id} has no passage yet")
        return self.document


class Reranker:
    """Reorders the first ``TOP_N`` candidates; the rest keep their order below them."""

    def __init__(self, cross_encoder: str | None = None, top_n: int = TOP_N) -> None:
        self.top_n = top_n
        self.cross_encoder = _load_cross_encoder(cross_encoder) if cross_encoder else None

    def rerank(self, question: str, ranked: list[Candidate]) -> list[Candidate]:
        head, tail = ranked[: self.top_n], ranked[self.top_n :]
        if not head:
            return ranked
        if self.cross_encoder is not None:
            scores = self.cross_encoder.predict([(question, c.passage.page_content) for c in head])
            for candidate, score in zip(head, scores, strict=True):
                candidate.fused = float(score)
        else:
            words, phrases = content_words(question), content_phrases(question)
            for candidate in head:
                document = candidate.passage
                candidate.fused *= 1.0 + lexical_boost(words, document) + phrase_boost(phrases, document)
        head.sort(key=lambda c: c.fused, reverse=True)
        return head + tail


def lexical_boost(question_words: set[str], document: Document) -> float:
    """Share of the question's words in the passage's best sentence and in its title, weighted."""
    if not question_words:
        return 0.0
    best_sentence = max((len(question_words & words) for words in sentence_words(document.page_content)), default=0)
    title = len(question_words & content_words(str(document.metadata.get("title", ""))))
    return (SENTENCE_WEIGHT * best_sentence + TITLE_WEIGHT * title) / len(question_words)


def phrase_boost(question_phrases: set[tuple[str, str]], document: Document) -> float:
    """Share of the question's phrases in the title (in full) and in the passage (half), weighted."""
    if not question_phrases:
        return 0.0
    in_title = len(question_phrases & content_phrases(str(document.metadata.get("title", ""))))
    in_text = len(question_phrases & content_phrases(document.page_content))
    return PHRASE_WEIGHT * (in_title + 0.5 * in_text) / len(question_phrases)


def _load_cross_encoder(name: str) -> Any:
    require_torch_extra(
        f"The cross-encoder {name!r} (ASSISTANT_CROSS_ENCODER)", "unset it: the default reranker needs no model"
    )
    from sentence_transformers import CrossEncoder  # noqa: PLC0415 - only when configured, the extra "torch"

    logger.info("loading cross-encoder %s", name)
    return CrossEncoder(name, device="cpu")
