"""The default answerer: the sentences of the retrieved passages that best answer the question.

No language model is involved, so nothing can be invented: every sentence of the answer is a
sentence of an article, followed by the number of the passage it comes from. Sentences are
ranked against the question with the same embedding model as retrieval, plus a small bonus for
sharing the question's content words and for coming from a highly ranked passage.

It is a LangChain ``Runnable`` taking ``{"question": str, "passages": list[Document]}`` and
returning an :class:`~assistant.types.Answer`: any other answerer (an LLM, later) plugs into the same seam.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.runnables import Runnable, RunnableConfig

from assistant.answer_kind import asked_kind
from assistant.answerer import AnswerInput
from assistant.apposition import role_sentence
from assistant.candidates import (
    CORROBORATE,
    MAX_CORROBORATING,
    Candidate,
    article_of,
    candidates_of,
    in_reading_order,
    opening_sentence,
)
from assistant.citations import cite_sentences
from assistant.lead_story import lead_stories, several_stories_notice, story_of
from assistant.sentence_bonus import names_and_numbers, sentence_bonus
from assistant.sentence_context import quoted_sentences, read_with_antecedent
from assistant.settings import AssistantSettings
from assistant.shared_words import FOCUS_WEIGHT, names_met, read_across_languages, sentence_overlap
from assistant.short_answer import short_answer
from assistant.text import asks_the_question, names_all, question_focus, question_names, words_all
from assistant.types import Answer, AnswerUpdate, not_in_articles
from index.encoders.floors import across_languages_allowance, floors
from index.encoders.floors import answer_encoder as answer_encoder_for
from index.encoders.loading import load_embeddings
from index.encoders.registry import canonical_encoder_name
from index.store import ArticleStore

# Weights of the sentence score: meaning first, shared words and passage rank as tie-breakers.
_LEXICAL_WEIGHT = 0.25
_PASSAGE_WEIGHT = 0.15
# A sentence opening with a pronoun ("They are also ...") means little out of its article.
_DANGLING_START = re.compile(r"^[\"'“‘]?(he|she|they|it|this|that|these|those|his|her|their|its)\b", re.IGNORECASE)
_DANGLING_PENALTY = 0.08
# A further sentence must come close to the best one, and must not repeat a chosen one; a repeat
# from another article is cited beside the chosen sentence instead (two sources for one claim,
# up to MAX_CORROBORATING, counted in assistant/candidates.py).
# Wider since answers keep to one story (a follower cannot bring in another event): 0.25 over 0.15
# cited the gold answer for +1.1 points of the even dev questions, +0.8 of the odd (lab notes).
_FOLLOWER_MARGIN = 0.25
_DUPLICATE_SIMILARITY = 0.88
_SENTENCE_CACHE_SIZE = 50_000
# Embedding the shortlisted sentences is most of an answer's time, so the shortlist is short: chosen
# by measurement on the RealTimeQA dev questions, where a longer one bought no measurable quality;
# figures in docs/lab-notes.md, "assistant/extractive.py: _MAX_EMBEDDED_SENTENCES".
_MAX_EMBEDDED_SENTENCES = 8
_SENTENCES_PER_CALL = 4
# The answer first (issue 27; tuned on the even-numbered dev questions, checked on the odd ones,
# figures in docs/lab-notes.md "The answer first"): the best chosen sentence naming what the question
# asks for (assistant.answer_kind) opens the answer when reading order would not put one first; the
# shortlist counts that sentence's bonus beside the shared words; a news lede (the article's first
# ~300 characters) usually holds the who/where/how many; a sentence that asks is never the answer.
_SHORTLIST_BONUS_WEIGHT = 1.0
_LEDE_WEIGHT = 0.1
_LEDE_CHARS = 300
_ASKING_PENALTY = 0.3


def _answering(question: str, passages: list[Document]) -> list[Candidate]:
    """The passages' sentences that may answer: not the question itself, as a quiz page asks it."""
    return [c for c in candidates_of(passages) if not asks_the_question(c.sentence, question)]


class ExtractiveAnswerer(Runnable[AnswerInput, Answer]):
    """Answer with one to ``max_sentences`` article sentences, each followed by its ``[n]``."""

    def __init__(
        self,
        embeddings: Embeddings,
        *,
        min_relevance: float = 0.2,
        min_answer_score: float = 0.4,
        max_sentences: int = 3,
        period_factor: float = 1.0,
        across_languages: float = 0.0,
        query_vector: Callable[[str], np.ndarray] | None = None,
        stored_vectors: Callable[[Mapping[str, str]], dict[str, np.ndarray]] | None = None,
    ) -> None:
        self.embeddings = embeddings
        # The fill's vectors of the passages' sentences (index.store.sentence_vectors), by this encoder.
        self.stored_vectors = stored_vectors
        # Cached: an answer scores sentences twice (to pick the lead story, then within it).
        self.query_vector = functools.lru_cache(maxsize=256)(
            query_vector or (lambda text: np.asarray(embeddings.embed_query(text)))
        )
        self.min_relevance = min_relevance
        self.min_answer_score = min_answer_score
        # How much lower the best sentence scores a question asked in another language than its
        # article's: the floor is that much lower for it (index.encoders.floors.across_languages_allowance).
        self.across_languages = across_languages
        self.max_sentences = max_sentences
        self.period_factor = period_factor  # a story in the period the question names (lead_story)
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()

    def invoke(self, input: AnswerInput, config: RunnableConfig | None = None, **kwargs: Any) -> Answer:
        question: str = input["question"]
        passages: list[Document] = input["passages"]
        # A passage naming every name the question names is relevant whatever its cosine: static vectors
        # hardly tell "Who is Ibrahim Kalin?" (0.126 to the seed article) from an unrelated question
        # (0.132); the sentence score below still judges the answer. Where none is, one holding all
        # the asking words is ("Who is the president's spokesman?", 0.09): only then, as a quiz page
        # quoting the question word for word would otherwise lead the answer with it.
        names = question_names(question)
        relevant = [
            p for p in passages if p.metadata.get("similarity", 0.0) >= self.min_relevance or names_all(names, p)
        ] or [p for p in passages if words_all(question, p)]
        if not relevant:
            return not_in_articles(question)
        # Told from the lead story only: when it has no sentence good enough, the answer is a
        # refusal, not a neighbouring story's sentence (assistant/lead_story.py).
        candidates = _answering(question, relevant)
        if not candidates:
            return not_in_articles(question)
        best: dict[str, float] = {}
        for candidate, score in zip(*self._scored(question, candidates)[:2], strict=True):
            best[story_of(candidate.passage)] = max(score, best.get(story_of(candidate.passage), score))
        told = lead_stories(question, relevant, input.get("stories", ()), best, self.period_factor)
        told_candidates = _answering(question, told.passages)
        chosen = self._choose(question, told_candidates) if told_candidates else []
        if not chosen:
            return not_in_articles(question)
        # "The company announced…" is quoted after the sentence naming the company, a teaser lede before
        # the sentence giving what was asked (assistant/sentence_context.py).
        quoted = quoted_sentences(question, chosen, told_candidates)
        text, citations = cite_sentences([(c.sentence, [c.passage, *c.corroborating]) for c in quoted])
        stories = len({story_of(c.passage) for c in quoted})
        notice = several_stories_notice(stories) if stories > 1 else ""
        lead = quoted.index(chosen[0])
        opening = (chosen[0], *quoted[:lead])
        short = next(filter(None, (short_answer(question, c.sentence, c.passage.page_content) for c in opening)), None)
        return Answer(
            question, text, answered=True, citations=citations, backend="extractive", notice=notice, short_answer=short
        )

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

    def _read_stored(self, passages: list[Document], sentences: list[str]) -> None:
        """Put the fill's vectors of these passages' sentences in the cache, when some are not there:
        one query instead of embedding them (the whole chunk's: the lead story's turn reads its others)."""
        if self.stored_vectors is None:
            return
        with self._cache_lock:
            if all(sentence in self._cache for sentence in sentences):
                return
        chunks = {str(p.id): p.page_content for p in passages if p.id}
        found = self.stored_vectors(chunks) if chunks else {}
        with self._cache_lock:
            self._cache.update(found)
            while len(self._cache) > _SENTENCE_CACHE_SIZE:
                self._cache.popitem(last=False)

    def _scored(self, question: str, candidates: list[Candidate]) -> tuple[list[Candidate], list[float], np.ndarray]:
        """The shortlisted candidates, their scores against ``question``, and their vectors."""
        focus = question_focus(question)
        overlaps = [sentence_overlap(question, focus, c.sentence, c.passage.page_content) for c in candidates]
        kind, question_names = asked_kind(question, other_languages=True), names_and_numbers(question)
        bonuses = [sentence_bonus(c.sentence, question, kind, question_names) for c in candidates]
        # Only the sentences sharing most words with the question (or naming what it asks for) are
        # embedded: that is most of the cost of an answer, and a sentence sharing none rarely wins.
        shortlist = sorted(range(len(candidates)), key=lambda i: -(overlaps[i] + _SHORTLIST_BONUS_WEIGHT * bonuses[i]))[
            :_MAX_EMBEDDED_SENTENCES
        ]
        candidates, overlaps, bonuses = (
            [candidates[i] for i in sorted(shortlist)],
            [overlaps[i] for i in sorted(shortlist)],
            [bonuses[i] for i in sorted(shortlist)],
        )
        self._read_stored([c.passage for c in candidates], [c.sentence for c in candidates])
        sentence_vectors = self.sentence_vectors([c.sentence for c in candidates])
        semantic = sentence_vectors @ self.query_vector(question)
        if focus != question:
            semantic = (1 - FOCUS_WEIGHT) * semantic + FOCUS_WEIGHT * (sentence_vectors @ self.query_vector(focus))
        scores = []
        for candidate, similarity, shared, kind_bonus in zip(candidates, semantic, overlaps, bonuses, strict=True):
            passage_score = float(candidate.passage.metadata.get("similarity", 0.0))
            penalty = _DANGLING_PENALTY if _DANGLING_START.match(candidate.sentence) else 0.0
            penalty += _ASKING_PENALTY if candidate.sentence.rstrip("\"'”’ ").endswith("?") else 0.0
            bonus = kind_bonus + (_LEDE_WEIGHT if candidate.offset < _LEDE_CHARS else 0.0)
            scores.append(
                float(similarity) + _LEXICAL_WEIGHT * shared + _PASSAGE_WEIGHT * passage_score + bonus - penalty
            )
        return candidates, scores, sentence_vectors

    def focused_passages(
        self, question: str, passages: list[Document], per_passage: int = 3
    ) -> list[tuple[Document, Document]]:
        """Each passage cut to its ``per_passage`` sentences that best answer ``question``, in article order.

        A small model reads a few sentences far better than four whole passages, and faster; the
        result pairs each passage with its focused copy; passages with no such sentence are left out.
        """
        answering = _answering(question, passages)
        if not answering:
            return []
        candidates, scores, _ = self._scored(question, answering)
        kept: dict[int, list[tuple[float, Candidate]]] = {}
        for candidate, score in zip(candidates, scores, strict=True):
            kept.setdefault(id(candidate.passage), []).append((score, candidate))
        focused = []
        for passage in passages:
            best = sorted(kept.get(id(passage), []), key=lambda pair: -pair[0])[:per_passage]
            if best:
                text = " ".join(c.sentence for _, c in sorted(best, key=lambda pair: pair[1].offset))
                focused.append((passage, Document(page_content=text, metadata=passage.metadata)))
        return focused

    def _choose(self, question: str, told: list[Candidate]) -> list[Candidate]:
        candidates, scores, sentence_vectors = self._scored(question, told)
        order = np.argsort(scores)[::-1]
        best = scores[order[0]]
        # Lowered across languages only where the story names what the question names: a question naming
        # nothing, or a name no article holds, may be about anything (assistant.shared_words.names_met).
        across = read_across_languages(question, candidates[order[0]].passage.page_content) and names_met(
            question, " ".join(dict.fromkeys(c.passage.page_content for c in told))
        )
        if best < self.min_answer_score - (self.across_languages if across else 0.0):
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
                CORROBORATE
                and article_of(candidates[index]) != article_of(candidates[twin])
                and len(also) < MAX_CORROBORATING
            ):
                also.append(candidates[index].passage)
        chosen = [
            dataclasses.replace(candidates[i], corroborating=tuple(corroborating.get(i, candidates[i].corroborating)))
            for i in picked
        ]
        # Read as the reader will: "The company announced…" names the company its antecedent names.
        as_read = [read_with_antecedent(c, told) for c in chosen]
        # The holder of the office asked about opens ("Who is the president's spokesman?": "Ibrahim Kalın,
        # the presidential spokesman, …"), else the best naming what is asked (assistant/apposition.py).
        lead = role_sentence(question, as_read)
        if lead is None:
            lead = opening_sentence(question, chosen, as_read, [float(scores[i]) for i in picked])
        return in_reading_order(chosen, lead)


def extractive_answerer(store: ArticleStore, settings: AssistantSettings) -> ExtractiveAnswerer:
    """The extractive answerer the settings describe, scoring sentences with
    ``answer_embedding_model`` when it names another encoder than retrieval's (else the store's),
    unless retrieval's reads languages it does not (:func:`index.encoders.floors.answer_encoder`)."""
    retrieval_encoder = store.settings.embedding_model  # the index's own when the setting was left unset
    answer_encoder = answer_encoder_for(retrieval_encoder, settings.answer_embedding_model)
    full = store.full_vectors
    query_vector: Callable[[str], np.ndarray] | None
    if canonical_encoder_name(answer_encoder) != canonical_encoder_name(retrieval_encoder):
        embeddings: Embeddings = load_embeddings(answer_encoder, settings.embedding_batch_size)
        query_vector = None  # the question in the answerer's own vector space
        if full.encoder and canonical_encoder_name(full.encoder) == canonical_encoder_name(answer_encoder):
            query_vector = full.query_vector  # the second speed's search embeds the same question: once
    else:
        embeddings, query_vector = store.embeddings, store.query_vector
    sentences = full.sentences
    stored = sentences.read if sentences and sentences.model == canonical_encoder_name(answer_encoder) else None
    calibrated_relevance, calibrated_answer = floors(retrieval_encoder, answer_encoder)
    return ExtractiveAnswerer(
        embeddings,
        min_relevance=_setting_or(settings.min_relevance, calibrated_relevance),
        min_answer_score=_setting_or(settings.min_answer_score, calibrated_answer),
        max_sentences=settings.max_answer_sentences,
        period_factor=settings.question_date_boost,
        across_languages=across_languages_allowance(answer_encoder),
        query_vector=query_vector,
        stored_vectors=stored,
    )


def _setting_or(value: float | None, calibrated: float) -> float:
    return calibrated if value is None else value
