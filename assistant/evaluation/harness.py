"""Evaluation harness on real news QA (RealTimeQA), every retrieval mode on the same index.

    python -m assistant.eval --corpus ../shared/eval/realtimeqa_eval_corpus.jsonl.gz \\
        --questions ../shared/eval/realtimeqa_dev_questions.jsonl --db data/eval-chroma --json eval.json

Indexes the corpus into ``--db`` (incrementally: a second run embeds nothing), then asks every
question with its text only, once without a date and once with ``as_of`` = its question date, in
every mode, and reports hit@1/5/10 and MRR@10 (article level), the share of questions whose cited
passages or answer text contain the gold answer, the share whose short answer is the gold answer
(``short_answer_exact``, normalised), whether answers stay in the evidence's story
(:mod:`assistant.evaluation.story_metrics`), and p50/p95 seconds per question. ``--limit N``
takes the first N questions; ``--articles M`` indexes only their evidence plus M other articles,
for quick checks (figures from such runs are optimistic: fewer distractors).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from langchain_core.documents import Document
from tqdm import tqdm

from assistant.answerer import AnswerInput
from assistant.evaluation.metrics import (
    QuestionResult,
    article_ranking,
    by_tier,
    contains_answer,
    first_hit_rank,
    short_answer_matches,
)
from assistant.evaluation.story_metrics import StoriesOf, story_outcome
from assistant.extractive import extractive_answerer
from assistant.retrieval import MODES, PassageRetriever
from assistant.settings import AssistantSettings
from assistant.types import Answer, Filters
from index.articles import Article, parse_date
from index.build import build_index, text_digest
from index.errors import MissingInputError, UserError, run_command
from index.sources.files import iter_articles
from index.store import ArticleStore

logger = logging.getLogger(__name__)

RANK_DEPTH = 10  # articles needed for hit@10 / MRR@10


def with_english_originals(questions: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Questions asked in other languages (a ``lang`` field) plus, once per question, its English
    original (``question_en``) under ``lang: en``: the same questions, side by side."""
    if not any("lang" in q for q in questions):
        return list(questions)
    english = {
        q["question_id"]: {**q, "question": q["question_en"], "lang": "en"} for q in questions if q.get("question_en")
    }
    return [*questions, *english.values()]


def load_questions(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    questions = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                questions.append(json.loads(line))
            if limit is not None and len(questions) >= limit:
                break
    return questions


def _subset(questions: Sequence[dict[str, Any]], others: int) -> Any:
    """Keep every evidence article of ``questions`` plus the first ``others`` other articles."""
    evidence = {doc_id for q in questions for doc_id in q["evidence_doc_ids"]}
    kept_others = 0

    def keep(article: Article) -> bool:
        nonlocal kept_others
        if article.id in evidence:
            return True
        kept_others += 1
        return kept_others <= others

    return keep


def with_copies_as_evidence(questions: Sequence[dict[str, Any]], corpus: Path) -> list[dict[str, Any]]:
    """The questions with, beside each evidence article, the article whose very text it repeats.

    The build indexes a text once, under the first id that carries it (the corpus holds the same
    text under several ids), so that id is the evidence article as far as retrieval can tell.
    """
    first_with_text: dict[str, str] = {}
    same_as: dict[str, str] = {}
    for article in iter_articles([corpus], []):
        original = first_with_text.setdefault(text_digest(article), article.id)
        if original != article.id:
            same_as[article.id] = original
    widened = []
    for question in questions:
        evidence = question["evidence_doc_ids"]
        copies = [same_as[doc_id] for doc_id in evidence if doc_id in same_as]
        widened.append({**question, "evidence_doc_ids": list(dict.fromkeys([*evidence, *copies]))})
    return widened


def with_kept_stories_as_evidence(store: ArticleStore, questions: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The questions with, beside each evidence article the index holds as another's copy (the same
    story from another outlet, :mod:`index.stories.copies`), the article indexed in its place."""
    kept_for = store.stories.kept_for(sorted({d for q in questions for d in q["evidence_doc_ids"]}))
    return [
        {
            **q,
            "evidence_doc_ids": list(
                dict.fromkeys([*q["evidence_doc_ids"], *(kept_for[d] for d in q["evidence_doc_ids"] if d in kept_for)])
            ),
        }
        for q in questions
    ]


def _with_indexed_evidence(store: ArticleStore, questions: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The questions at least one of whose evidence articles is in the index."""
    kept = [q for q in questions if any(store.has_article(d) for d in q["evidence_doc_ids"])]
    print(f"{len(kept)} of {len(questions)} questions have evidence in the index", file=sys.stderr)
    return kept


def evaluate_mode(
    store: ArticleStore,
    settings: AssistantSettings,
    mode: str,
    questions: Sequence[dict[str, Any]],
    *,
    dated: bool,
    show_progress: bool = True,
) -> list[QuestionResult]:
    """Ask every question in one mode; with ``dated``, as of its question date."""
    depth = max(settings.top_k, RANK_DEPTH * settings.per_article)
    retriever = PassageRetriever.from_settings(store, settings, k=depth, retrieval_mode=mode)
    answerer = extractive_answerer(store, settings)
    results = []
    label = f"{mode}{'+asof' if dated else ''}"
    for question in tqdm(questions, desc=label, unit=" q", disable=not show_progress):
        asked = date.fromisoformat(parse_date(question["question_date"]) or "")
        as_of = asked if dated else None
        started = time.perf_counter()
        passages = retriever.search(question["question"], Filters(as_of=as_of))
        retrieved = time.perf_counter()
        answer = answerer.invoke(AnswerInput(question=question["question"], passages=passages[: settings.top_k]))
        finished = time.perf_counter()
        results.append(
            question_result(
                question,
                passages,
                answer,
                asked,
                store.story_groups.stories_of,
                seconds=finished - started,
                retrieval_seconds=retrieved - started,
            )
        )
    return results


def question_result(
    question: dict[str, Any],
    passages: Sequence[Document],
    answer: Answer,
    asked: date,
    stories_of: StoriesOf,
    *,
    seconds: float = 0.0,
    retrieval_seconds: float = 0.0,
) -> QuestionResult:
    """What one question scored, from the passages retrieved for it and the answer given (shared with
    ``bench/answer_replay.py``, which replays the answer over passages retrieved once)."""
    ranked = article_ranking(str(p.metadata.get("article_id")) for p in passages)
    cited = " ".join(c.passage for c in answer.citations)
    stories = story_outcome(answer, question["evidence_doc_ids"], asked, stories_of)
    return QuestionResult(
        tier=str(question.get("tier", "")),
        lang=str(question.get("lang", "")),
        rank=first_hit_rank(ranked[:RANK_DEPTH], question["evidence_doc_ids"]),
        answer_in_citations=contains_answer(cited, question["answer"]),
        answer_in_text=contains_answer(answer.text, question["answer"]),
        answer_in_top5=contains_answer(" ".join(p.page_content for p in passages[:5]), question["answer"]),
        short_answer_exact=short_answer_matches(answer.short_answer, question["answer"]),
        seconds=seconds,
        retrieval_seconds=retrieval_seconds,
        answered=answer.answered,
        first_sentence_in_story=stories.first_sentence_in_story,
        one_story=stories.one_story,
        older_story=stories.older_story,
    )


def run(
    store: ArticleStore,
    settings: AssistantSettings,
    questions: Sequence[dict[str, Any]],
    modes: Sequence[str],
    show_progress: bool = True,
) -> dict[str, Any]:
    """The report: every mode with and without dates, on the same index."""
    report: dict[str, Any] = {"modes": {}}
    for mode in modes:
        for dated in (False, True):
            name = f"{mode}+asof" if dated else mode
            results = evaluate_mode(store, settings, mode, questions, dated=dated, show_progress=show_progress)
            report["modes"][name] = by_tier(results)
    report["default_mode"] = f"{settings.retrieval_mode}+asof"
    report["no_date_mode"] = max(modes, key=lambda m: report["modes"][m]["all"]["mrr@10"])
    report["questions"] = len(questions)
    report["chunks"] = store.count()
    return report


COLUMNS = (
    "hit@1",
    "hit@5",
    "hit@10",
    "mrr@10",
    "answer_in_citations",
    "answer_in_top5",
    "answer_in_text",
    "answered",
    "first_sentence_in_story",
    "one_story",
    "older_story",
    "short_answer_exact",
    "p50_seconds",
    "p95_seconds",
)


def format_table(report: dict[str, Any]) -> str:
    """Mode by metric, per tier, for the terminal (and the README)."""
    header = "| mode | tier | n | " + " | ".join(COLUMNS) + " |"
    lines = [header, "|" + "---|" * (len(COLUMNS) + 3)]
    for name, tiers in report["modes"].items():
        for tier in ["all", "gold", "silver", *sorted(t for t in tiers if t.startswith("lang:"))]:
            row = tiers[tier]
            if not row.get("n"):
                continue
            values = " | ".join(f"{row[c]:.3f}" for c in COLUMNS)
            lines.append(f"| {name} | {tier} | {row['n']} | {values} |")
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m assistant.eval", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="articles (.jsonl.gz) to index")
    parser.add_argument("--questions", type=Path, required=True, help="questions (.jsonl)")
    parser.add_argument("--db", type=Path, default=Path("data/eval-chroma"), help="index folder (reused)")
    parser.add_argument("--modes", default=",".join(MODES), help=f"comma-separated, of: {', '.join(MODES)}")
    parser.add_argument("--limit", type=int, help="only the first N questions")
    parser.add_argument("--articles", type=int, help="index only the evidence plus this many other articles")
    parser.add_argument(
        "--no-build",
        action="store_true",
        help="measure the index as it is (e.g. while a long build is unfinished): only questions with indexed evidence",
    )
    parser.add_argument("--json", type=Path, help="write the report as JSON here")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """The command; errors meant for the user become one line and exit code 2 (:mod:`index.errors`)."""
    return run_command(_main, argv)


def _main(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = [m for m in modes if m not in MODES]
    if unknown:
        raise UserError(f"unknown mode(s) {', '.join(unknown)}; choose from {', '.join(MODES)}")
    missing = [str(path) for path in (args.corpus, args.questions) if not path.is_file()]
    if missing:
        raise MissingInputError(f"no such file: {', '.join(missing)} (the eval data is in ../shared/eval/)")
    settings = AssistantSettings(db_path=args.db)
    questions = with_english_originals(with_copies_as_evidence(load_questions(args.questions, args.limit), args.corpus))
    store = ArticleStore.open(settings)
    if args.no_build:
        questions = _with_indexed_evidence(store, questions)
    else:
        keep = _subset(questions, args.articles) if args.articles is not None else None
        build = build_index(store, [args.corpus], show_progress=not args.quiet, keep=keep)
        print(f"index: {build.summary()}", file=sys.stderr)
    questions = with_kept_stories_as_evidence(store, questions)
    report = run(store, settings, questions, modes, show_progress=not args.quiet)
    print(format_table(report))
    print(f"default mode: {report['default_mode']}; best without dates: {report['no_date_mode']}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
