"""Per-encoder floors of "not in the articles": sweep both floors, on answerable and off-topic questions.

    python bench/thresholds.py --encoders minilm,wordllama,minilm-int8 --dev 80 --others 80 [--json out.json]

Two floors decide when the extractive answerer says "not in the articles": ``min_relevance`` (the
cosine a passage needs to be read at all, in the *retrieval* encoder's space) and
``min_answer_score`` (the best sentence's score, whose main term is a cosine in the *answerer's*
space). Cosines of different encoders are not on one scale (static wordllama vectors of unrelated
texts are closer than MiniLM's), so a floor calibrated for MiniLM means something else for another.

Per encoder (retrieval and answerer alike, or ``--answer-encoder`` for the answerer), over an index
of the first ``--dev`` RealTimeQA dev questions' evidence plus ``--others`` articles:
- answerable: those dev questions, asked as of their date (their evidence is indexed);
- off-topic: questions about other things (cooking, science, sport, places far from the news).
Retrieval runs once per question; the answerer then runs for every pair of floors in the grid.
Printed: at each encoder's registered floors and at MiniLM's, the share of dev questions answered,
answered with the gold answer, and off-topic questions refused; and the pair that refuses at least
as many off-topic questions as MiniLM at its floors while answering the most dev questions (ties:
the lower floors). Asserts nothing.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from assistant import Filters
from assistant.evaluation.harness import _subset, load_questions
from assistant.evaluation.metrics import contains_answer
from assistant.extractive import ExtractiveAnswerer, extractive_answerer
from assistant.retrieval import PassageRetriever
from assistant.settings import AssistantSettings
from index.articles import parse_date
from index.build import build_index
from index.encoders.registry import answer_floor, relevance_floor
from index.store import ArticleStore

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
OFF_TOPIC = [
    "Who won the 2022 football World Cup?",
    "What is the capital of France?",
    "How do I bake sourdough bread?",
    "What is the boiling point of tungsten?",
    "Who is the chief executive of Apple?",
    "How many legs does a spider have?",
    "What is the recipe for a classic margherita pizza?",
    "How do I change a flat bicycle tyre?",
    "Who wrote the novel Pride and Prejudice?",
    "What is the speed of light in a vacuum?",
    "How tall is Mount Kilimanjaro?",
    "What is the best way to learn to play the violin?",
    "Which planet has the most moons?",
    "How long should I boil an egg for a soft yolk?",
    "What language is spoken in Brazil?",
    "Who painted the ceiling of the Sistine Chapel?",
    "How do photosynthesis and respiration differ?",
    "What is the chemical formula of table salt?",
    "How do I reset the password of my home router?",
    "What are the rules of cricket's leg before wicket?",
]
RELEVANCE_GRID = [round(x, 2) for x in np.arange(0.0, 0.75, 0.05)]
ANSWER_GRID = [round(x, 2) for x in np.arange(0.2, 1.25, 0.05)]


def _outcomes(answerer: ExtractiveAnswerer, question: str, passages: list[Any], gold: str | None) -> np.ndarray:
    """For every (relevance floor, answer floor): 0 refused, 1 answered, 2 answered with the gold answer."""
    grid = np.zeros((len(RELEVANCE_GRID), len(ANSWER_GRID)), dtype=np.int8)
    for i, relevance in enumerate(RELEVANCE_GRID):
        for j, score in enumerate(ANSWER_GRID):
            answerer.min_relevance, answerer.min_answer_score = relevance, score
            answer = answerer.invoke({"question": question, "passages": passages})
            if answer.answered:
                grid[i, j] = 2 if gold and contains_answer(answer.text, gold) else 1
    return grid


def measure(encoder: str, answer_encoder: str | None, dev: list[dict[str, Any]], others: int, work: Path) -> dict:
    settings = AssistantSettings(db_path=work / encoder, embedding_model=encoder, answer_embedding_model=answer_encoder)
    store = ArticleStore.open(settings)
    print(f"{encoder}: indexing…", file=sys.stderr)
    build_index(store, [EVAL / "realtimeqa_eval_corpus.jsonl.gz"], keep=_subset(dev, others), show_progress=False)
    retriever = PassageRetriever.from_settings(store, settings)
    answerer = extractive_answerer(store, settings)
    answerer.query_vector = functools.lru_cache(maxsize=4096)(answerer.query_vector)
    print(f"{encoder}: asking {len(dev)} dev and {len(OFF_TOPIC)} off-topic questions…", file=sys.stderr)
    answerable = []
    for q in dev:
        as_of = date.fromisoformat(parse_date(q["question_date"]) or "")
        passages = retriever.search(q["question"], Filters(as_of=as_of))
        answerable.append(_outcomes(answerer, q["question"], passages, str(q["answer"])))
    refused = []
    for question in OFF_TOPIC:
        passages = retriever.search(question, Filters())
        refused.append(_outcomes(answerer, question, passages, None) == 0)
    answered = np.mean([g > 0 for g in answerable], axis=0)
    gold = np.mean([g == 2 for g in answerable], axis=0)
    refusal = np.mean(refused, axis=0)
    return {"answered": answered, "gold": gold, "refused": refusal}


def _at(result: dict, relevance: float, score: float) -> dict[str, float]:
    i = int(np.argmin(np.abs(np.array(RELEVANCE_GRID) - relevance)))
    j = int(np.argmin(np.abs(np.array(ANSWER_GRID) - score)))
    return {
        "min_relevance": RELEVANCE_GRID[i],
        "min_answer_score": ANSWER_GRID[j],
        **{k: float(result[k][i, j]) for k in ("answered", "gold", "refused")},
    }


def _best(result: dict, refusal_needed: float) -> dict[str, float]:
    """The lowest floors that refuse at least ``refusal_needed`` and answer the most dev questions."""
    best: tuple[float, float, float] | None = None
    for i, relevance in enumerate(RELEVANCE_GRID):
        for j, score in enumerate(ANSWER_GRID):
            if result["refused"][i, j] + 1e-9 < refusal_needed:
                continue
            key = (float(result["answered"][i, j]), -relevance, -score)
            if best is None or key > best:
                best = key
    if best is None:
        return {}
    return _at(result, -best[1], -best[2])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoders", default="minilm,wordllama")
    parser.add_argument("--answer-encoder", default=None, help="score sentences with this encoder for all")
    parser.add_argument("--dev", type=int, default=80)
    parser.add_argument("--others", type=int, default=80)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    dev = load_questions(EVAL / "realtimeqa_dev_questions.jsonl", args.dev)
    work = Path(tempfile.mkdtemp(prefix="bench-thresholds-"))
    results = {name: measure(name, args.answer_encoder, dev, args.others, work) for name in args.encoders.split(",")}
    minilm = _at(results["minilm"], 0.2, 0.4) if "minilm" in results else None
    report: dict[str, Any] = {}
    print("| encoder | floors | min_relevance | min_answer_score | dev answered | dev gold | off-topic refused |")
    print("|---|---|---|---|---|---|---|")
    for name, result in results.items():
        answer_name = args.answer_encoder or name
        rows = {
            "registered": _at(result, relevance_floor(name), answer_floor(answer_name)),
            "minilm's": _at(result, 0.2, 0.4),
        }
        if minilm is not None:
            rows["calibrated"] = _best(result, minilm["refused"])
        report[name] = rows
        for label, row in rows.items():
            if row:
                print(
                    f"| {name} / {answer_name} | {label} | {row['min_relevance']:.2f} | {row['min_answer_score']:.2f} "
                    f"| {row['answered']:.3f} | {row['gold']:.3f} | {row['refused']:.2f} |"
                )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
