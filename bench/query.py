"""Query time on a built index: retrieval alone and the full default answer, p50/p95.

Usage::

    python bench/query.py --db DIR [--questions FILE] [--limit 300] [--json OUT]

The questions (default: the RealTimeQA dev questions in ``../shared/eval/``, read at run time) are
asked with their text only, then with ``as_of`` = their question date: first the full answer
(question embedding included), then the retrieval alone (the embedding then cached).
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from assistant import Assistant, Filters
from assistant.retrieval import PassageRetriever
from assistant.settings import AssistantSettings
from index.articles import parse_date
from index.store import ArticleStore

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_QUESTIONS = ROOT.parent / "shared" / "eval" / "realtimeqa_dev_questions.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--limit", type=int, default=300)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    questions = [json.loads(line) for line in args.questions.read_text().splitlines() if line.strip()][: args.limit]
    settings = AssistantSettings(db_path=args.db)
    warm = Assistant(settings)
    warm.ask("warm-up question about the news")
    figures: dict[str, Any] = {"chunks": warm.store.count(), "questions": len(questions)}
    for dated in (False, True):
        # A fresh store and answerer per pass: no question embedding or sentence vector cached yet.
        store = ArticleStore.open(settings, embeddings=warm.store.embeddings)
        assistant = Assistant(settings, store=store)
        retriever = PassageRetriever.from_settings(store, settings)
        as_of = [date.fromisoformat(parse_date(q["question_date"]) or "") if dated else None for q in questions]
        full = _timed(assistant.ask, questions, as_of)
        # The embeddings are now cached: this times the search alone.
        retrieval = _timed(retriever.search, questions, as_of)
        label = "as_of" if dated else "no date"
        figures[label] = {"retrieval": _percentiles(retrieval), "answer": _percentiles(full)}
        print(
            f"{figures['chunks']} chunks, {len(questions)} questions, {label}: "
            f"retrieval p50 {figures[label]['retrieval']['p50'] * 1000:.0f} ms, "
            f"p95 {figures[label]['retrieval']['p95'] * 1000:.0f} ms; "
            f"full answer p50 {figures[label]['answer']['p50'] * 1000:.0f} ms, "
            f"p95 {figures[label]['answer']['p95'] * 1000:.0f} ms"
        )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


def _timed(call: Callable[..., object], questions: list[dict], days: list[date | None]) -> list[float]:
    seconds = []
    for item, day in zip(questions, days, strict=True):
        started = time.perf_counter()
        call(item["question"], filters=Filters(as_of=day))
        seconds.append(time.perf_counter() - started)
    return seconds


def _percentiles(seconds: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return {"p50": statistics.median(seconds), "p95": cuts[94]}


if __name__ == "__main__":
    main()
