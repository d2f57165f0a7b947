"""Answer quality by backend, side by side: gold-answer rate, supported sentences, refusals, seconds.

    python bench/answers.py --backends extractive,smollm2 --dev 40 [--json out.json]

Two question sets:
- ``seeds``: a fixed set over ``seeds/`` (indexed into a temporary folder), each with a word the
  answer must contain, plus off-topic questions that must be refused;
- ``dev``: the first ``--dev`` RealTimeQA dev questions from ``../shared/eval/`` (read at run time),
  over an index of their evidence articles plus ``--others`` other articles, asked ``as_of`` their date.

Per backend: ``gold`` (share of answers containing the expected answer), ``raw_supported`` (share of
the model's own sentences that the grounding check found supported by a shown passage, before any
removal; extractive sentences are article sentences, so 1.0), ``fallback`` (share of answers where
the extractive answer replaced the model's), ``refused_off_topic`` (share of off-topic questions
refused), p50/p95 seconds per answer. Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from assistant import Answer, Assistant, Filters
from assistant.evaluation.harness import _subset, load_questions
from assistant.evaluation.metrics import contains_answer
from assistant.llm.grounding import claim_sentences
from assistant.settings import AssistantSettings
from index.articles import parse_date
from index.build import build_index
from index.store import ArticleStore

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
SEED_QUESTIONS = [
    ("What does Turkey demand in Libya?", "Sirte"),
    ("What did Turkey say about France?", "NATO"),
    ("Who is the head of the GNA?", "Sarraj"),
    ("Who is Turkey's presidential spokesman?", "Kalın"),
    ("What did Turkey send to help the GNA?", "drones"),
    ("To which positions must everybody go back for a cease-fire, according to Kalın?", "2015"),
    ("When did the uprising that toppled Gadhafi take place?", "2011"),
]
OFF_TOPIC = [
    "Who won the 2022 football World Cup?",
    "What is the capital of France?",
    "How do I bake sourdough bread?",
    "What is the boiling point of tungsten?",
    "Who is the chief executive of Apple?",
]


@dataclasses.dataclass
class Tally:
    asked: int = 0
    gold: int = 0
    raw_sentences: int = 0
    raw_supported: int = 0
    fallbacks: int = 0
    off_topic: int = 0
    refused: int = 0
    seconds: list[float] = dataclasses.field(default_factory=list)

    def row(self) -> dict[str, float]:
        ordered = sorted(self.seconds) or [0.0]
        return {
            "questions": self.asked,
            "gold": self.gold / max(1, self.asked),
            "raw_supported": self.raw_supported / max(1, self.raw_sentences),
            "fallback": self.fallbacks / max(1, self.asked),
            "refused_off_topic": self.refused / max(1, self.off_topic),
            "p50_seconds": statistics.median(ordered),
            "p95_seconds": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
        }


def _timed(bot: Assistant, question: str, as_of: date | None) -> tuple[Answer, str, float]:
    """The final answer, the model's raw draft (empty for extractive), and seconds."""
    started = time.perf_counter()
    draft = ""
    final: Answer | None = None
    for update in bot.stream(question, filters=Filters(as_of=as_of)):
        if isinstance(update, Answer):
            final = update
        else:
            draft = update
    assert final is not None
    return final, draft, time.perf_counter() - started


def _count_raw_support(final: Answer, draft: str, tally: Tally) -> None:
    """How many of the model's own sentences the check kept: those it did not list in ``removed``.

    Derived from the answer the check already produced, so nothing is retrieved or checked twice.
    """
    claims = len(claim_sentences(draft)) if draft else 0
    tally.raw_sentences += claims
    tally.raw_supported += claims - len(final.removed) if final.answered else 0


def measure(bot: Assistant, questions: list[tuple[str, str, date | None]], off_topic: list[str]) -> Tally:
    tally = Tally()
    for question, gold, as_of in questions:
        final, draft, seconds = _timed(bot, question, as_of)
        tally.asked += 1
        tally.seconds.append(seconds)
        tally.gold += contains_answer(final.text, gold) if final.answered else 0
        tally.fallbacks += final.fallback
        if bot.chat_model is None and final.answered:
            sentences = len(claim_sentences(final.text))
            tally.raw_sentences += sentences
            tally.raw_supported += sentences
        else:
            _count_raw_support(final, draft, tally)
    for question in off_topic:
        final, _, seconds = _timed(bot, question, None)
        tally.off_topic += 1
        tally.refused += not final.answered
        tally.seconds.append(seconds)
    return tally


def _dev_questions(count: int) -> list[dict[str, Any]]:
    return load_questions(EVAL / "realtimeqa_dev_questions.jsonl", count)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="extractive,smollm2")
    parser.add_argument("--dev", type=int, default=40, help="RealTimeQA dev questions (0: none)")
    parser.add_argument("--others", type=int, default=100, help="other articles indexed beside the evidence")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-answers-"))
    report: dict[str, Any] = {}
    sets: dict[str, tuple[Path, list[tuple[str, str, date | None]], list[str]]] = {}

    seeds_db = work / "seeds"
    build_index(ArticleStore.open(AssistantSettings(db_path=seeds_db)), [ROOT / "seeds"], show_progress=False)
    sets["seeds"] = (seeds_db, [(q, a, None) for q, a in SEED_QUESTIONS], OFF_TOPIC)
    if args.dev:
        dev = _dev_questions(args.dev)
        dev_db = work / "dev"
        print(f"indexing the evidence of {len(dev)} dev questions plus {args.others} articles…", file=sys.stderr)
        keep = _subset(dev, args.others)
        build_index(
            ArticleStore.open(AssistantSettings(db_path=dev_db)), [EVAL / "realtimeqa_eval_corpus.jsonl.gz"], keep=keep
        )
        asked = [
            (q["question"], str(q["answer"]), date.fromisoformat(parse_date(q["question_date"]) or "")) for q in dev
        ]
        sets["dev"] = (dev_db, asked, [])

    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        for name, (db, questions, off_topic) in sets.items():
            bot = Assistant(AssistantSettings(db_path=db, llm=backend))
            print(f"{backend} on {name}…", file=sys.stderr)
            report.setdefault(backend, {})[name] = measure(bot, questions, off_topic).row()

    columns = ("questions", "gold", "raw_supported", "fallback", "refused_off_topic", "p50_seconds", "p95_seconds")
    print("| backend | set | " + " | ".join(columns) + " |")
    print("|" + "---|" * (len(columns) + 2))
    for backend, by_set in report.items():
        for name, row in by_set.items():
            values = " | ".join(f"{row[c]:.0f}" if c == "questions" else f"{row[c]:.2f}" for c in columns)
            print(f"| {backend} | {name} | {values} |")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
