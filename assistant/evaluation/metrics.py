"""Retrieval and answer metrics of the evaluation harness, as small pure functions.

Article-level ranks: the passages are walked in order and each article is counted once, at its
best (first) passage, as the RealTimeQA README defines hits.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    """Lower case, punctuation to spaces, whitespace collapsed: "U.S. $1,000" → "u s 1 000"."""
    return " ".join(_NON_WORD.sub(" ", text.lower()).split())


def contains_answer(text: str, answer: str) -> bool:
    """Whether ``answer`` occurs in ``text`` as whole words, after normalising both."""
    needle = normalise(answer)
    return bool(needle) and f" {needle} " in f" {normalise(text)} "


def short_answer_matches(short_answer: str | None, answer: str) -> bool:
    """Whether the answer's ``short_answer`` is the gold ``answer`` itself, after normalising both."""
    return bool(short_answer) and normalise(short_answer or "") == normalise(answer) != ""


def article_ranking(article_ids: Iterable[str]) -> list[str]:
    """Distinct articles in the order of their best passage."""
    return list(dict.fromkeys(article_ids))


def first_hit_rank(ranked_articles: Sequence[str], evidence: Iterable[str]) -> int | None:
    """1-based rank of the first evidence article, or None when none was retrieved."""
    wanted = set(evidence)
    for rank, article in enumerate(ranked_articles, start=1):
        if article in wanted:
            return rank
    return None


@dataclass(frozen=True, slots=True)
class QuestionResult:
    """What one question scored in one mode."""

    tier: str
    rank: int | None
    answer_in_citations: bool
    answer_in_text: bool
    seconds: float
    retrieval_seconds: float
    answer_in_top5: bool = False  # in the top 5 retrieved passages, cited or not: the citations' ceiling
    lang: str = ""  # the language the question was asked in, when the questions say (multilingual runs)
    # Stories (assistant.evaluation.story_metrics): one_story is None for a refusal, judged on answers only.
    answered: bool = False
    first_sentence_in_story: bool = False
    one_story: bool | None = None
    older_story: bool = False
    short_answer_exact: bool = False  # the answer's short_answer is the gold answer (normalised)


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))]


def summarise(results: Sequence[QuestionResult]) -> dict[str, float]:
    """hit@1/5/10, MRR@10, answer and story shares and p50/p95 seconds over ``results``.

    Story shares: ``first_sentence_in_story`` and ``older_story`` over every question (a refusal
    is neither), ``one_story`` over the answered ones only (``answered``: their share).
    """
    count = len(results)
    if count == 0:
        return {"n": 0}

    def share(predicate: Iterable[bool]) -> float:
        return round(sum(predicate) / count, 4)

    ranks = [r.rank for r in results]
    seconds = [r.seconds for r in results]
    retrieval = [r.retrieval_seconds for r in results]
    return {
        "n": count,
        "hit@1": share(rank is not None and rank <= 1 for rank in ranks),
        "hit@5": share(rank is not None and rank <= 5 for rank in ranks),
        "hit@10": share(rank is not None and rank <= 10 for rank in ranks),
        "mrr@10": round(statistics.fmean(1.0 / rank if rank and rank <= 10 else 0.0 for rank in ranks), 4),
        "answer_in_citations": share(r.answer_in_citations for r in results),
        "answer_in_text": share(r.answer_in_text for r in results),
        "answer_in_top5": share(r.answer_in_top5 for r in results),
        "answered": share(r.answered for r in results),
        "first_sentence_in_story": share(r.first_sentence_in_story for r in results),
        "one_story": _share_of_judged([r.one_story for r in results]),
        "older_story": share(r.older_story for r in results),
        "short_answer_exact": share(r.short_answer_exact for r in results),
        "p50_seconds": round(percentile(seconds, 0.5), 4),
        "p95_seconds": round(percentile(seconds, 0.95), 4),
        "retrieval_p50_seconds": round(percentile(retrieval, 0.5), 4),
        "retrieval_p95_seconds": round(percentile(retrieval, 0.95), 4),
    }


def _share_of_judged(values: Sequence[bool | None]) -> float:
    """The share of True among the values that are not None (0 when none is)."""
    judged = [value for value in values if value is not None]
    return round(sum(judged) / len(judged), 4) if judged else 0.0


def by_tier(results: Sequence[QuestionResult]) -> dict[str, dict[str, float]]:
    """The summary over all questions, per tier (gold, silver) and, when asked in several, per language."""
    groups = {
        "all": summarise(results),
        "gold": summarise([r for r in results if r.tier == "gold"]),
        "silver": summarise([r for r in results if r.tier == "silver"]),
    }
    for lang in sorted({r.lang for r in results if r.lang}):
        groups[f"lang:{lang}"] = summarise([r for r in results if r.lang == lang])
    return groups
