"""The sentences an extractive answer may quote: each distinct sentence once, with where it stands.

Kept apart from the scoring (:mod:`assistant.extractive`) because both the answer and the focused
passages handed to a model read them, and the rules here are about the articles, not the question:
overlapping chunks repeat sentences, two outlets running one wire story say the same thing, and an
answer reads best in the order its article tells it, unless its best sentence is well ahead.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from langchain_core.documents import Document

from assistant.answer_kind import lead_sentence
from index.chunking import quotable_sentences

# The same sentence in another article is cited beside the first, up to this many extra sources.
CORROBORATE = True
MAX_CORROBORATING = 2
# An answer keeps its article's order unless its best sentence scores this much above the one that
# order puts first: then the best opens ("Kalın also said France was…" asked who jeopardised NATO
# security, not the article's earlier "…told AFP that Turkey supports…"). 0.2 of 0.05 / 0.1 / 0.2 on
# the even dev questions; the odd ones, answer in the first sentence: dated 0.506 → 0.506, undated
# 0.407 → 0.413 (docs/lab-notes.md, "The best sentence well ahead opens").
LEAD_MARGIN = 0.2


@dataclass(frozen=True, slots=True)
class Candidate:
    sentence: str
    passage: Document
    offset: int  # where the sentence starts in its article: answers read in article order
    corroborating: tuple[Document, ...] = ()  # passages of other articles saying the same


def article_of(candidate: Candidate) -> str:
    return str(candidate.passage.metadata.get("article_id"))


def reading_order(chosen: list[Candidate]) -> list[int]:
    """Best article first; within an article, sentences in the order the article tells them."""
    article_rank: dict[str, int] = {}
    for candidate in chosen:
        article_rank.setdefault(article_of(candidate), len(article_rank))
    return sorted(range(len(chosen)), key=lambda i: (article_rank[article_of(chosen[i])], chosen[i].offset))


def in_reading_order(chosen: list[Candidate], lead: int | None = None) -> list[Candidate]:
    """``chosen`` in reading order, the ``lead`` (the sentence that answers) before them all."""
    order = reading_order(chosen)
    return [chosen[i] for i in ([] if lead is None else [lead]) + [i for i in order if i != lead]]


def opening_sentence(question: str, chosen: list[Candidate], as_read: list[str], scores: list[float]) -> int | None:
    """Which of ``chosen`` (best first; ``as_read`` their text as quoted, ``scores`` their scores) opens
    the answer, None for reading order. The best is more than :data:`LEAD_MARGIN` above reading order's
    first: the best naming what is asked (answer_kind.lead_sentence), else the best. Otherwise reading
    order, unless its first names nothing asked and another chosen one does."""
    first = reading_order(chosen)[0]
    if scores[0] - scores[first] > LEAD_MARGIN:
        lead = lead_sentence(question, as_read, 0)
        return 0 if lead is None else lead
    return lead_sentence(question, as_read, first)


def candidates_of(passages: list[Document]) -> list[Candidate]:
    """Each distinct sentence once, credited to the best-ranked passage that holds it whole.

    Overlapping chunks repeat sentences; the answer must not. The same sentence in another article
    (a wire story run by two outlets) is kept as a corroborating source of the first.
    """
    first: dict[str, int] = {}
    candidates: list[Candidate] = []
    for passage in passages:
        for start, sentence in quotable_sentences(passage.page_content):
            key = sentence.lower()
            if key in first:
                earlier = candidates[first[key]]
                other_article = str(passage.metadata.get("article_id")) != article_of(earlier)
                if CORROBORATE and other_article and len(earlier.corroborating) < MAX_CORROBORATING:
                    candidates[first[key]] = dataclasses.replace(
                        earlier, corroborating=(*earlier.corroborating, passage)
                    )
                continue
            first[key] = len(candidates)
            candidates.append(Candidate(sentence, passage, int(passage.metadata.get("start", 0)) + start))
    return candidates
