"""The sentences an extractive answer may quote: each distinct sentence once, with where it stands.

Kept apart from the scoring (:mod:`assistant.extractive`) because both the answer and the focused
passages handed to a model read them, and the rules here are about the articles, not the question:
overlapping chunks repeat sentences, two outlets running one wire story say the same thing, and an
answer reads best in the order its article tells it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from langchain_core.documents import Document

from index.chunking import quotable_sentences

# The same sentence in another article is cited beside the first, up to this many extra sources.
CORROBORATE = True
MAX_CORROBORATING = 2


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
