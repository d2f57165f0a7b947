"""The answerer alone, replayed over one cached retrieval: answer metrics in minutes, not a full eval.

    python bench/answer_replay.py retrieve --db data/eval --cache /tmp/replay.pkl
    python bench/answer_replay.py answer --db data/eval --cache /tmp/replay.pkl --json after.json [--before before.json]

``retrieve`` asks every dev question once with its date and once without (the default mode,
``hybrid-rerank``), the way ``python -m assistant.eval`` does, and keeps the passages it got (pickled;
~25 min for the 712 English dev questions on 2 cores). ``answer`` runs the extractive answerer on those
passages and prints the harness's answer metrics (:mod:`assistant.evaluation.metrics`), dated and
undated; with ``--json`` every question's answer is written, and ``--before`` lists the questions
whose answer-in-text, -citations or short-answer changed against an earlier ``--json``. The retrieval
is fixed, so a change to the answerer is measured on its own (~2.5 min per replay). Questions asked in
several languages (``--questions`` the multilingual file, over an index of a multilingual encoder) are
also summarised per language. Figures agree with
the harness's when the index and settings are the same; retrieval metrics are the harness's own.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from datetime import date
from pathlib import Path
from typing import Any

from tqdm import tqdm

from assistant.answerer import AnswerInput
from assistant.evaluation.harness import (
    RANK_DEPTH,
    load_questions,
    question_result,
    with_copies_as_evidence,
    with_english_originals,
    with_kept_stories_as_evidence,
)
from assistant.evaluation.metrics import by_tier
from assistant.extractive import extractive_answerer
from assistant.retrieval import PassageRetriever
from assistant.settings import AssistantSettings
from assistant.types import Filters
from index.articles import parse_date
from index.store import ArticleStore

EVAL = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"
SHOWN = (
    "answer_in_text",
    "answer_in_citations",
    "answered",
    "first_sentence_in_story",
    "older_story",
    "short_answer_exact",
    "mrr@10",
)
LISTED = 8  # worse questions listed per metric


def _asked(question: dict[str, Any]) -> date:
    return date.fromisoformat(parse_date(question["question_date"]) or "")


def retrieve(args: argparse.Namespace) -> None:
    settings = AssistantSettings(db_path=args.db)
    store = ArticleStore.open(settings)
    questions = with_english_originals(with_copies_as_evidence(load_questions(args.questions), args.corpus))
    questions = [q for q in questions if any(store.has_article(d) for d in q["evidence_doc_ids"])]
    questions = with_kept_stories_as_evidence(store, questions)
    depth = max(settings.top_k, RANK_DEPTH * settings.per_article)
    retriever = PassageRetriever.from_settings(store, settings, k=depth, retrieval_mode=args.mode)
    cached: dict[str, Any] = {"questions": questions, "dated": [], "undated": []}
    for dated in (True, False):
        label = "dated" if dated else "undated"
        for question in tqdm(questions, desc=label, unit=" q"):
            as_of = _asked(question) if dated else None
            cached[label].append(retriever.search(question["question"], Filters(as_of=as_of)))
    args.cache.write_bytes(pickle.dumps(cached))
    print(f"{len(questions)} questions retrieved dated and undated into {args.cache}", file=sys.stderr)


def answer(args: argparse.Namespace) -> None:
    settings = AssistantSettings(db_path=args.db)
    store = ArticleStore.open(settings)
    cached = pickle.loads(args.cache.read_bytes())
    answerer = extractive_answerer(store, settings)
    records: dict[str, list[dict[str, Any]]] = {}
    for label in ("dated", "undated"):
        results, records[label] = [], []
        for question, passages in tqdm(zip(cached["questions"], cached[label], strict=True), desc=label, unit=" q"):
            got = answerer.invoke(AnswerInput(question=question["question"], passages=passages[: settings.top_k]))
            result = question_result(question, passages, got, _asked(question), store.story_groups.stories_of)
            results.append(result)
            records[label].append(
                {
                    "question": question["question"],
                    "gold": question["answer"],
                    "text": got.text,
                    "short": got.short_answer,
                    "intext": result.answer_in_text,
                    "cit": result.answer_in_citations,
                    "sx": result.short_answer_exact,
                    "rank": result.rank,
                }
            )
        for tier, summary in by_tier(results).items():
            if tier == "all" or tier.startswith("lang:"):
                print(f"{label:8} {tier:7} n={summary['n']} " + " ".join(f"{k}={summary[k]:.4f}" for k in SHOWN))
    if args.json:
        args.json.write_text(json.dumps(records, indent=1, ensure_ascii=False))
    if args.before:
        _changes(json.loads(args.before.read_text()), records)


def _changes(before: dict[str, list[dict[str, Any]]], after: dict[str, list[dict[str, Any]]]) -> None:
    """The questions whose in-text, in-citations or short-answer outcome changed, better and worse."""
    for label in ("dated", "undated"):
        for key in ("intext", "cit", "sx"):
            pairs = list(zip(before[label], after[label], strict=True))
            better = [a for b, a in pairs if a[key] and not b[key]]
            worse = [a for b, a in pairs if b[key] and not a[key]]
            print(f"{label} {key}: +{len(better)} -{len(worse)}")
            for record in worse[:LISTED]:
                print(f"   - {record['question']} [{record['gold']}] → {record['text'][:160]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("retrieve", "answer"):
        command = sub.add_parser(name)
        command.add_argument("--db", type=Path, default=Path("data/eval"))
        command.add_argument("--cache", type=Path, required=True, help="the pickled retrieval")
    retrieving = sub.choices["retrieve"]
    retrieving.add_argument("--questions", type=Path, default=EVAL / "realtimeqa_dev_questions.jsonl")
    retrieving.add_argument("--corpus", type=Path, default=EVAL / "realtimeqa_eval_corpus.jsonl.gz")
    retrieving.add_argument("--mode", default="hybrid-rerank")
    answering = sub.choices["answer"]
    answering.add_argument("--json", type=Path, help="every question's answer, for --before next time")
    answering.add_argument("--before", type=Path, help="an earlier --json: list what changed")
    args = parser.parse_args()
    retrieve(args) if args.command == "retrieve" else answer(args)


if __name__ == "__main__":
    main()
