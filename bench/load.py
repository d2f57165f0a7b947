"""Many people at once: simultaneous chat users or HTTP API clients, on loopback, for a bounded time.

Usage::

    python bench/load.py --db DIR [--via chat] [--users 20] [--seconds 60] [--questions FILE] [--json OUT]
    python bench/load.py --db DIR --via api [--clients 20] [--seconds 60] [--json OUT]
    python bench/load.py --url http://127.0.0.1:7860 --via api [--password P] [--clients 20]

With ``--db``, starts ``app.py`` on a free loopback port serving that index (nothing else is
contacted) and stops it afterwards; with ``--url``, calls a chat already running (``--password``
when it has a login: sent as a Bearer token, so ``--via api`` only). Then runs ``--users`` threads
(``--clients`` is the same option), each asking questions one after another for ``--seconds`` (the
seed questions by default; ``--questions`` takes a JSON Lines file with a ``question`` field, such
as the RealTimeQA dev questions), each with its own connection:

- ``--via chat`` (default): a ``gradio_client.Client`` per user, through the chat's ``/chat`` event
  (Gradio's queue and event stream included). Reports answers, errors, answers per second and
  latency p50/p95/max in seconds, from sending a question to its final answer.
- ``--via api``: an ``httpx.Client`` per client on ``POST /api/ask``, after one warm-up request (the
  first answer loads caches). Reports requests (errors included: anything but HTTP 200, or no answer
  at all), requests per second and latency in milliseconds, waiting for a free answering slot included.

One driver for both, so the two rows of docs/benchmarks.md are measured the same way (threads,
clock, percentiles) and differ only in the door they knock at. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
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
Ask = Callable[[str], str]  # a question to its outcome: "answered" or "refused" (an exception: an error)


@dataclass(frozen=True)
class Via:
    """A door into the assistant: how one caller connects and asks, and how its figures read."""

    connect: Callable[[str, dict[str, str]], tuple[Ask, Callable[[], None]]]  # (url, headers) -> (ask, close)
    log_name: str  # of app.py's log when started here
    noun: str  # what is counted: "answers" (errors apart) or "requests" (errors included)
    who: str  # "users" or "clients"
    where: str  # printed after the duration
    warm: bool  # one request before the clock starts
    unit: tuple[str, float]  # latency printed in this unit, times this factor


def _chat(url: str, headers: dict[str, str]) -> tuple[Ask, Callable[[], None]]:
    client = Client(url, verbose=False)  # connected before the clock starts

    def ask(question: str) -> str:
        return "refused" if "not in the articles" in client.predict(question, api_name="/chat") else "answered"

    return ask, lambda: None


def _api(url: str, headers: dict[str, str]) -> tuple[Ask, Callable[[], None]]:
    session = httpx.Client(base_url=url, headers=headers, timeout=120)

    def ask(question: str) -> str:
        response = session.post("/api/ask", json={"question": question})
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")
        return "answered" if response.json()["answered"] else "refused"

    return ask, session.close


VIAS = {
    "chat": Via(_chat, "bench-load", "answers", "users", "", False, ("s", 1.0)),
    "api": Via(_api, "bench-api-load", "requests", "clients", " on POST /api/ask", True, ("ms", 1000.0)),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--db", type=Path, help="a built index: app.py is started on it")
    target.add_argument("--url", help="a running chat, e.g. http://127.0.0.1:7860")
    parser.add_argument("--via", choices=sorted(VIAS), default="chat", help="the chat (gradio_client) or the HTTP API")
    parser.add_argument("--password", help="the chat's password, when it has a login (--via api: a Bearer token)")
    parser.add_argument("--users", "--clients", dest="users", type=int, default=20, help="callers at once")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--questions", type=Path, help="JSON Lines with a 'question' field (default: seed questions)")
    parser.add_argument("--limit", type=int, default=500, help="questions read from --questions")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if args.password and args.via != "api":
        parser.error("--password is sent as a Bearer token: use it with --via api")
    via = VIAS[args.via]
    headers = {"Authorization": f"Bearer {args.password}"} if args.password else {}
    questions = _questions(args.questions, args.limit) if args.questions else SEED_QUESTIONS
    with serving(args.db, via.log_name) if args.db else _running(args.url) as url:
        figures = _load(via, url, headers, questions, users=args.users, seconds=args.seconds)
    figures.update({"via": args.via, via.who: args.users, "seconds": args.seconds, "target": str(args.db or args.url)})
    unit, factor = via.unit
    digits = 2 if unit == "s" else 0
    latency = ", ".join(f"{name} {figures[f'{name}_s'] * factor:.{digits}f} {unit}" for name in ("p50", "p95", "max"))
    print(
        f"{args.users} {via.who} for {args.seconds:.0f} s{via.where}: {figures[via.noun]} {via.noun} "
        f"({figures['answered']} cited, {figures['refused']} 'not in the articles'), {figures['errors']} errors, "
        f"{figures[f'{via.noun}_per_s']:.2f} {via.noun}/s; latency {latency}"
    )
    for error in figures["error_samples"]:
        print(f"error: {error}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


@contextmanager
def _running(url: str) -> Iterator[str]:
    yield url.rstrip("/")


def _questions(path: Path, limit: int) -> list[str]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line)["question"] for line in itertools.islice(lines, limit) if line.strip()]


def _load(
    via: Via, url: str, headers: dict[str, str], questions: list[str], *, users: int, seconds: float
) -> dict[str, Any]:
    latencies: list[float] = []
    outcomes = {"answered": 0, "refused": 0, "errors": 0}
    error_samples: list[str] = []
    lock = threading.Lock()
    callers = [via.connect(url, headers) for _ in range(users)]
    if via.warm:
        try:
            callers[0][0](questions[0])
        except Exception as error:  # counted in the run if it persists; the warm-up only loads caches
            print(f"warm-up: {type(error).__name__}: {error}")
    started = time.monotonic()
    stop_at = started + seconds

    def caller(number: int) -> None:
        ask = callers[number][0]
        for question in itertools.islice(itertools.cycle(questions), number, None):
            if time.monotonic() >= stop_at:
                return
            sent = time.monotonic()
            try:
                outcome = ask(question)
            except Exception as error:  # a load test counts failures instead of stopping at the first
                outcome = "errors"
                with lock:
                    if len(error_samples) < 5:
                        error_samples.append(f"{type(error).__name__}: {error}")
            with lock:
                outcomes[outcome] += 1
                if outcome != "errors":
                    latencies.append(time.monotonic() - sent)

    threads = [threading.Thread(target=caller, args=(n,)) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    for _, close in callers:
        close()
    counted = sum(outcomes.values()) if via.noun == "requests" else outcomes["answered"] + outcomes["refused"]
    ordered = sorted(latencies) or [float("nan")]
    return {
        via.noun: counted,
        **outcomes,
        "elapsed_s": elapsed,
        f"{via.noun}_per_s": counted / elapsed,
        "p50_s": statistics.median(ordered),
        "p95_s": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
        "max_s": ordered[-1],
        "error_samples": error_samples,
    }


if __name__ == "__main__":
    main()
