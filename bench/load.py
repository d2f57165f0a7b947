"""Many people chatting at once: simultaneous users against the real chat, on loopback, for a bounded time.

Usage::

    python bench/load.py --db DIR [--users 20] [--seconds 60] [--questions FILE] [--json OUT]

Starts ``app.py`` on a free loopback port with the index in ``--db`` (nothing else is contacted),
then runs ``--users`` threads, each with its own ``gradio_client.Client``, asking questions one
after another for ``--seconds`` (the seed questions by default; ``--questions`` takes a JSON Lines
file with a ``question`` field, such as the RealTimeQA dev questions). Reports answers, errors,
answers per second and latency p50/p95 (from sending a question to its final answer, queueing
included). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

from gradio_client import Client

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.app_server import serving  # noqa: E402 - the repository is on the path now

SEED_QUESTIONS = [
    "What does Turkey demand in Libya?",
    "What did Turkey say about France?",
    "Who is the head of the GNA?",
    "What is the boiling point of tungsten?",  # refused: not in the articles
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a built index")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--questions", type=Path, help="JSON Lines with a 'question' field (default: seed questions)")
    parser.add_argument("--limit", type=int, default=500, help="questions read from --questions")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    questions = _questions(args.questions, args.limit) if args.questions else SEED_QUESTIONS
    with serving(args.db, "bench-load") as url:
        figures = _load(url, questions, args.users, args.seconds)
    figures.update(users=args.users, seconds=args.seconds, db=str(args.db))
    print(
        f"{args.users} users for {args.seconds:.0f} s: {figures['answers']} answers "
        f"({figures['answered']} cited, {figures['refused']} 'not in the articles'), {figures['errors']} errors, "
        f"{figures['answers_per_s']:.2f} answers/s; latency p50 {figures['p50_s']:.2f} s, "
        f"p95 {figures['p95_s']:.2f} s, max {figures['max_s']:.2f} s"
    )
    for error in figures["error_samples"]:
        print(f"error: {error}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


def _questions(path: Path, limit: int) -> list[str]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line)["question"] for line in itertools.islice(lines, limit) if line.strip()]


def _load(url: str, questions: list[str], users: int, seconds: float) -> dict[str, Any]:
    latencies: list[float] = []
    outcomes = {"answered": 0, "refused": 0, "errors": 0}
    error_samples: list[str] = []
    lock = threading.Lock()
    clients = [Client(url, verbose=False) for _ in range(users)]  # connected before the clock starts
    started = time.monotonic()
    stop_at = started + seconds

    def user(number: int) -> None:
        for question in itertools.islice(itertools.cycle(questions), number, None):
            if time.monotonic() >= stop_at:
                return
            sent = time.monotonic()
            try:
                reply = clients[number].predict(question, api_name="/chat")
                outcome = "refused" if "not in the articles" in reply else "answered"
            except Exception as error:  # a load test counts failures instead of stopping at the first
                outcome = "errors"
                with lock:
                    if len(error_samples) < 5:
                        error_samples.append(f"{type(error).__name__}: {error}")
            with lock:
                outcomes[outcome] += 1
                if outcome != "errors":
                    latencies.append(time.monotonic() - sent)

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    answers = outcomes["answered"] + outcomes["refused"]
    ordered = sorted(latencies) or [float("nan")]
    return {
        "answers": answers,
        **outcomes,
        "elapsed_s": elapsed,
        "answers_per_s": answers / elapsed,
        "p50_s": statistics.median(ordered),
        "p95_s": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
        "max_s": ordered[-1],
        "error_samples": error_samples,
    }


if __name__ == "__main__":
    main()
