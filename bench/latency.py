"""Time to answer: cold start (model and store), first question, warm questions.

Usage: ``python bench/latency.py [--db DIR] [--repeat N]`` (build the index first: ``make index``).
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from assistant import Assistant
from assistant.settings import AssistantSettings

QUESTIONS = [
    "What does Turkey demand in Libya?",
    "What did Turkey say about France?",
    "Who is the head of the GNA?",
    "What is the boiling point of tungsten?",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    settings = AssistantSettings(db_path=args.db) if args.db else AssistantSettings()

    started = time.perf_counter()
    assistant = Assistant(settings)
    loaded = time.perf_counter() - started

    started = time.perf_counter()
    assistant.ask(QUESTIONS[0])
    first = time.perf_counter() - started

    warm = []
    for _ in range(args.repeat):
        for question in QUESTIONS:
            started = time.perf_counter()
            assistant.ask(question)
            warm.append(time.perf_counter() - started)
    warm.sort()
    print(f"chunks in index      {assistant.store.count()}")
    print(f"load model + store   {loaded:.2f} s")
    print(f"first answer         {first:.3f} s")
    print(f"warm answer p50      {statistics.median(warm):.3f} s")
    print(f"warm answer p95      {warm[int(0.95 * (len(warm) - 1))]:.3f} s")


if __name__ == "__main__":
    main()
