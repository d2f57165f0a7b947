"""The default answerer: the sentences of the retrieved passages that best answer the question.

No language model is involved, so nothing can be invented: every sentence of the answer is a
sentence of an article, followed by the number of the passage it comes from. Sentences are
ranked against the question with the same embedding model as retrieval, plus a small bonus for
sharing the question's content words and for coming from a highly ranked passage.

It is a LangChain ``Runnable`` taking ``{"question": str, "passages": list[Document]}`` and
returning an :class:`~assistant.types.Answer`: any other answerer (an LLM, later) plugs into the
same seam.
"""

from __future__ import annotations

import dataclasses
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.runnables import Runnable, RunnableConfig

from assistant.answerer import AnswerInput
from assistant.citations import cite_sentences
from assistant.settings import AssistantSettings
from assistant.text import content_words, question_focus
from assistant.types import Answer, AnswerUpdate, not_in_articles
from index.chunking import split_sentences
from index.encoders.floors import answer_encoder as answer_encoder_for
from index.encoders.floors import floors
from index.encoders.loading import load_embeddings
from index.encoders.registry import canonical_encoder_name
from index.store import ArticleStore

# Weights of the sentence score: meaning first, shared words and passage rank as tie-breakers.
_LEXICAL_WEIGHT = 0.25
_PASSAGE_WEIGHT = 0.15
# Quiz-like questions ask for something they do not name ("Which country...?", "How much...?"): a
# sentence naming a person, place or number the question doesn't is likelier to be the answer.
# Kept because it helped on the RealTimeQA dev questions (same retrieved passages); figures in
# docs/lab-notes.md, "assistant/extractive.py: _NEW_NAME_BONUS".
_NEW_NAME_BONUS = 0.1
_NAME_OR_NUMBER = re.compile(r"\b(?:[A-Z][a-zA-Z]+|\d[\d,.]*)\b")
# A sentence opening with a pronoun ("They are also ...") means little out of its article.
_DANGLING_START = re.compile(r"^[\"'“‘]?(he|she|they|it|this|that|these|those|his|her|their|its)\b", re.IGNORECASE)
_DANGLING_PENALTY = 0.08
# A further sentence must come close to the best one, and must not repeat a chosen one; a repeat
# from another article is cited beside the chosen sentence instead (two sources for one claim).
_CORROBORATE = True
_MAX_CORROBORATING = 2
_FOLLOWER_MARGIN = 0.15
_DUPLICATE_SIMILARITY = 0.88
_MIN_SENTENCE_CHARS = 25
_SENTENCE_CACHE_SIZE = 50_000
# Embedding the shortlisted sentences is most of an answer's time, so the shortlist is short: chosen
# by measurement on the RealTimeQA dev questions, where a longer one bought no measurable quality;
# figures in docs/lab-notes.md, "assistant/extractive.py: _MAX_EMBEDDED_SENTENCES".
_MAX_EMBEDDED_SENTENCES = 8
_SENTENCES_PER_CALL = 4
# How much the asking sentence of a multi-sentence question counts against its context.
_FOCUS_WEIGHT = 0.6


@dataclass(frozen=True, slots=True)
class _Candidate:
    sentence: str
    passage: Document
    offset: int  # where the sentence starts in its article: answers read in article order
    corroborating: tuple[Document, ...] = ()  # passages of other articles saying the same


class ExtractiveAnswerer(Runnable[AnswerInput, Answer]):
    """Answer with one to ``max_sentences`` article sentences, each followed by its ``[n]``."""

    def __init__(
        self,
        embeddings: Embeddings,
        *,
        min_relevance: float = 0.2,
        min_answer_score: float = 0.4,
        max_sentences: int = 3,
        query_vector: Callable[[str], np.ndarray] | None = None,
    ) -> None:
        self.embeddings = embeddings
        self.query_vector = query_vector or (lambda text: np.asarray(embeddings.embed_query(text)))
        self.min_relevance = min_relevance
        self.min_answer_score = min_answer_score
        self.max_sentences = max_sentences
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()

    def invoke(self, input: AnswerInput, config: RunnableConfig | None = None, **kwargs: Any) -> Answer:
        question: str = input["question"]
        passages: list[Document] = input["passages"]
        relevant = [p for p in passages if p.metadata.get("similarity", 0.0) >= self.min_relevance]
        if not relevant:
            return not_in_articles(question)
        candidates = _candidates(relevant)
        if not candidates:
            return not_in_articles(question)
        chosen = self._choose(question, candidates)
        if not chosen:
            return not_in_articles(question)
        text, citations = cite_sentences([(c.sentence, [c.passage, *c.corroborating]) for c in chosen])
        return Answer(question=question, text=text, answered=True, citations=citations, backend="extractive")

    def updates(self, input: AnswerInput, config: RunnableConfig | None = None) -> Iterator[AnswerUpdate]:
        """The streaming seam shared with model answerers: the answer sentence by sentence, then whole."""
        answer = self.invoke(input, config)
        pieces = re.split(r"(?<=\])\s+(?=[^\[])", answer.text) if answer.answered else []
        for count in range(1, len(pieces)):
            yield " ".join(pieces[:count])
        yield answer

    def sentence_vectors(self, sentences: list[str]) -> np.ndarray:
        """Embeddings of ``sentences``, computing only those not seen lately.

        Embedding the candidate sentences is most of the time of an answer, and a conversation keeps
        retrieving the same passages, so recent sentence vectors are kept (bounded, thread-safe).
        """
        with self._cache_lock:
            known = {s: self._cache[s] for s in sentences if s in self._cache}
            for sentence in known:
                self._cache.move_to_end(sentence)
        missing = sorted((s for s in dict.fromkeys(sentences) if s not in known), key=len)
        if missing:
            # Alike lengths in small groups: a batch is padded to its longest sentence, and padding a
            # 30-token sentence to 130 costs as much as embedding a long one.
            fresh = [
                vector
                for start in range(0, len(missing), _SENTENCES_PER_CALL)
                for vector in self.embeddings.embed_documents(missing[start : start + _SENTENCES_PER_CALL])
            ]
            known.update((s, np.asarray(v, dtype=np.float32)) for s, v in zip(missing, fresh, strict=True))
            with self._cache_lock:
                self._cache.update((s, known[s]) for s in missing)
                while len(self._cache) > _SENTENCE_CACHE_SIZE:
                    self._cache.popitem(last=False)
        return np.stack([known[s] for s in sentences])

    def _scored(self, question: str, candidates: list[_Candidate]) -> tuple[list[_Candidate], list[float], np.ndarray]:
        """The shortlisted candidates, their scores against ``question``, and their vectors."""
        focus = question_focus(question)
        overlaps = [_overlap(question, focus, content_words(c.sentence)) for c in candidates]
        # Only the sentences sharing most words with the question are embedded: that is most of the
        # cost of an answer, and a sentence sharing none rarely wins.
        shortlist = sorted(range(len(candidates)), key=lambda i: -overlaps[i])[:_MAX_EMBEDDED_SENTENCES]
        candidates = [candidates[i] for i in sorted(shortlist)]
        overlaps = [overlaps[i] for i in sorted(shortlist)]
        sentence_vectors = self.sentence_vectors([c.sentence for c in candidates])
        semantic = sentence_vectors @ self.query_vector(question)
        if focus != question:
            semantic = (1 - _FOCUS_WEIGHT) * semantic + _FOCUS_WEIGHT * (sentence_vectors @ self.query_vector(focus))
        question_names = _names_and_numbers(question)
        scores = []
        for candidate, similarity, overlap in zip(candidates, semantic, overlaps, strict=True):
            passage_score = float(candidate.passage.metadata.get("similarity", 0.0))
            penalty = _DANGLING_PENALTY if _DANGLING_START.match(candidate.sentence) else 0.0
            bonus = _NEW_NAME_BONUS if _names_something_new(candidate.sentence, question_names) else 0.0
            scores.append(
                float(similarity) + _LEXICAL_WEIGHT * overlap + _PASSAGE_WEIGHT * passage_score + bonus - penalty
            )
        return candidates, scores, sentence_vectors

    def focused_passages(
        self, question: str, passages: list[Document], per_passage: int = 3
    ) -> list[tuple[Document, Document]]:
        """Each passage cut to its ``per_passage`` sentences that best answer ``question``, in article order.

        A small model reads a few sentences far better than four whole passages, and faster; the
        result pairs each passage with its focused copy; passages with no such sentence are left out.
        """
        candidates, scores, _ = self._scored(question, _candidates(passages))
        kept: dict[int, list[tuple[float, _Candidate]]] = {}
        for candidate, score in zip(candidates, scores, strict=True):
            kept.setdefault(id(candidate.passage), []).append((score, candidate))
        focused = []
        for passage in passages:
            best = sorted(kept.get(id(passage), []), key=lambda pair: -pair[0])[:per_passage]
            if best:
                text = " ".join(c.sentence for _, c in sorted(best, key=lambda pair: pair[1].offset))
                focused.append((passage, Document(page_content=text, metadata=passage.metadata)))
        return focused

    def _choose(self, question: str, candidates: list[_Candidate]) -> list[_Candidate]:
        candidates, scores, sentence_vectors = self._scored(question, candidates)
        order = np.argsort(scores)[::-1]
        best = scores[order[0]]
        if best < self.min_answer_score:
            return []
        picked: list[int] = []
        corroborating: dict[int, list[Document]] = {}
        for index in order:
            if scores[index] < best - _FOLLOWER_MARGIN:
                break
            twin = next(
                (j for j in picked if float(sentence_vectors[index] @ sentence_vectors[j]) > _DUPLICATE_SIMILARITY),
                None,
            )
            if twin is None:
                if len(picked) < self.max_sentences:
                    picked.append(int(index))
                continue
            # The same statement in another article: not repeated, but cited beside the first.
            also = corroborating.setdefault(twin, list(candidates[twin].corroborating))
            if (
                _CORROBORATE
                and _article(candidates[index]) != _article(candidates[twin])
                and len(also) < _MAX_CORROBORATING
            ):
                also.append(candidates[index].passage)
        chosen = [
            dataclasses.replace(candidates[i], corroborating=tuple(corroborating.get(i, candidates[i].corroborating)))
            for i in picked
        ]
        return _in_reading_order(chosen)


def _overlap(question: str, focus: str, sentence_words: set[str]) -> float:
    """Share of the question's words in a sentence, the asking part's words counting most."""
    question_words = content_words(question)
    whole = len(question_words & sentence_words) / max(1, len(question_words))
    if focus == question:
        return whole
    focus_words = content_words(focus)
    return (1 - _FOCUS_WEIGHT) * whole + _FOCUS_WEIGHT * len(focus_words & sentence_words) / max(1, len(focus_words))


def _names_and_numbers(text: str) -> set[str]:
    return {word.lower() for word in _NAME_OR_NUMBER.findall(text)}


def _names_something_new(sentence: str, question_names: set[str]) -> bool:
    """Whether the sentence names a person or place the question doesn't, or a number while keeping
    every number the question names (its first word, capitalised anyway, does not count).

    A question about "shipment QR-1107" is not answered by a look-alike sentence about QR-1177:
    a different number where the question gave one is a mismatch, not news.
    """
    new = _names_and_numbers(sentence[1:].split(" ", 1)[-1]) - question_names
    if any(not word[0].isdigit() for word in new):
        return True
    question_numbers = {word for word in question_names if word[0].isdigit()}
    return bool(new) and question_numbers <= _names_and_numbers(sentence)


def _article(candidate: _Candidate) -> str:
    return str(candidate.passage.metadata.get("article_id"))


def _in_reading_order(chosen: list[_Candidate]) -> list[_Candidate]:
    """Best article first; within an article, sentences in the order the article tells them."""
    article_rank: dict[str, int] = {}
    for candidate in chosen:
        article_rank.setdefault(str(candidate.passage.metadata.get("article_id")), len(article_rank))
    return sorted(chosen, key=lambda c: (article_rank[str(c.passage.metadata.get("article_id"))], c.offset))


def _candidates(passages: list[Document]) -> list[_Candidate]:
    """Each distinct sentence once, credited to the best-ranked passage that holds it whole.

    Overlapping chunks repeat sentences; the answer must not. The same sentence in another article
    (a wire story run by two outlets) is kept as a corroborating source of the first.
    """
    first: dict[str, int] = {}
    candidates: list[_Candidate] = []
    for passage in passages:
        text = passage.page_content
        for start, end in split_sentences(text):
            sentence = " ".join(text[start:end].split())
            key = sentence.lower()
            if len(sentence) < _MIN_SENTENCE_CHARS:
                continue
            if key in first:
                earlier = candidates[first[key]]
                other_article = str(passage.metadata.get("article_id")) != _article(earlier)
                if _CORROBORATE and other_article and len(earlier.corroborating) < _MAX_CORROBORATING:
                    candidates[first[key]] = dataclasses.replace(
                        earlier, corroborating=(*earlier.corroborating, passage)
                    )
                continue
            first[key] = len(candidates)
            candidates.append(_Candidate(sentence, passage, int(passage.metadata.get("start", 0)) + start))
    return candidates


def extractive_answerer(store: ArticleStore, settings: AssistantSettings) -> ExtractiveAnswerer:
    """The extractive answerer the settings describe, scoring sentences with
    ``answer_embedding_model`` when it names another encoder than retrieval's (else the store's),
    unless retrieval's reads languages it does not (:func:`index.encoders.floors.answer_encoder`)."""
    retrieval_encoder = store.settings.embedding_model  # the index's own when the setting was left unset
    answer_encoder = answer_encoder_for(retrieval_encoder, settings.answer_embedding_model)
    if canonical_encoder_name(answer_encoder) != canonical_encoder_name(retrieval_encoder):
        embeddings: Embeddings = load_embeddings(answer_encoder, settings.embedding_batch_size)
        query_vector = None  # the question in the answerer's own vector space
    else:
        embeddings, query_vector = store.embeddings, store.query_vector
    calibrated_relevance, calibrated_answer = floors(retrieval_encoder, answer_encoder)
    return ExtractiveAnswerer(
        embeddings,
        min_relevance=_setting_or(settings.min_relevance, calibrated_relevance),
        min_answer_score=_setting_or(settings.min_answer_score, calibrated_answer),
        max_sentences=settings.max_answer_sentences,
        query_vector=query_vector,
    )


def _setting_or(value: float | None, calibrated: float) -> float:
    return calibrated if value is None else value
