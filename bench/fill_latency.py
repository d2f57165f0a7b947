"""Question latency beside a running fill of the better vectors (issue 28), in one process.

Usage::

    python bench/fill_latency.py --db DIR [--questions FILE] [--limit 100]

An embedded index belongs to one process, so a fill beside questions is the chat's own process
running it: the follower fills a share between two cycles (``fetch.follow_fill_chunks``). This copies
``--db`` to a temporary folder (the original is left as it is), then asks the questions (undated)
three times, each with a fresh answerer (no question embedding cached):

1. before any fill (nothing to fuse: today's latency),
2. while a background thread fills (:func:`index.improve.improve`, batches until stopped),
3. after stopping it, on the same partly filled index (what 2 would cost with no fill running).

Prints p50/p95 of the full answer for each and the ratio of 2 to 3; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

from assistant import Assistant
from assistant.settings import AssistantSettings
from index.improve import improve
from index.store import ArticleStore

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_QUESTIONS = ROOT.parent / "shared" / "eval" / "realtimeqa_dev_questions.jsonl"
FILL_SHARE = 256  # chunks per improve() call: ~15-30 s of work, so the fill stops soon after the questions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--limit", type=int, default=100)
    args = parser.parse_args()
    questions = [json.loads(line)["question"] for line in args.questions.read_text().splitlines() if line.strip()]
    questions = questions[: args.limit]
    with tempfile.TemporaryDirectory(prefix="fill-latency-") as folder:
        copy = Path(folder) / "db"
        shutil.copytree(args.db, copy)
        settings = AssistantSettings(db_path=copy)
        warm = Assistant(settings)
        warm.ask("warm-up question about the news")
        store = warm.store
        print(f"{store.count():,} chunks, {store.full_vectors.count():,} with full vectors, {len(questions)} questions")
        before = _pass(settings, store, questions)
        _report("1. no fill running, before it", before)

        stop = threading.Event()
        filled: list[int] = []
        filler = threading.Thread(target=_fill_until, args=(store, stop, filled), daemon=True)
        filler.start()
        while not filled:  # the first batch is written: the fill is under way
            time.sleep(0.1)
        during = _pass(settings, store, questions)
        stop.set()
        filler.join()
        _report(f"2. fill running ({sum(filled):,} chunks filled meanwhile)", during)
        after = _pass(settings, store, questions)
        _report(f"3. no fill running, {store.full_vectors.count():,} chunks filled", after)
        print(f"p95 with a running fill / without on the same index: {_p95(during) / _p95(after):.2f}x")


def _fill_until(store: ArticleStore, stop: threading.Event, filled: list[int]) -> None:
    """Fill batch after batch at the lowest priority this thread can have, as the follower does."""
    os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    while not stop.is_set():
        report = improve(store, limit=FILL_SHARE)
        filled.append(report.filled)
        if not report.filled:
            return


def _pass(settings: AssistantSettings, store: ArticleStore, questions: list[str]) -> list[float]:
    fresh = ArticleStore.open(settings, embeddings=store.embeddings)
    assistant = Assistant(settings, store=fresh)
    seconds = []
    for question in questions:
        started = time.perf_counter()
        assistant.ask(question)
        seconds.append(time.perf_counter() - started)
    return seconds


def _p95(seconds: list[float]) -> float:
    return statistics.quantiles(seconds, n=100, method="inclusive")[94]


def _report(label: str, seconds: list[float]) -> None:
    print(f"{label}: full answer p50 {statistics.median(seconds) * 1000:.0f} ms, p95 {_p95(seconds) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
