"""Many programs calling the HTTP API at once: simultaneous clients against ``POST /api/ask`` on loopback.

Usage::

    python bench/api_load.py --db DIR [--clients 20] [--seconds 60] [--json OUT]
    python bench/api_load.py --url http://127.0.0.1:7860 [--clients 20] [--seconds 60]

With ``--db``, starts ``app.py`` on a free loopback port serving that index (nothing else is
contacted) and stops it afterwards; with ``--url``, calls a chat already running (add ``--password``
when it has a login). Each of ``--clients`` threads has its own ``httpx.Client`` and asks the seed
questions one after another for ``--seconds``. Reports requests, errors (anything but HTTP 200, or
no answer at all), requests per second and latency p50/p95/max (from sending to the whole JSON
answer received, waiting for a free answering slot included). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.app_server import serving  # noqa: E402 - the repository is on the path now

QUESTIONS = [
    "What does Turkey demand in Libya?",
    "What did Turkey say about France?",
    "Who is the head of the GNA?",
    "What is the boiling point of tungsten?",  # refused: not in the articles
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--db", type=Path, help="a built index: app.py is started on it")
    target.add_argument("--url", help="a running chat, e.g. http://127.0.0.1:7860")
    parser.add_argument("--password", help="the chat's password, when it has a login (sent as a Bearer token)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    headers = {"Authorization": f"Bearer {args.password}"} if args.password else {}
    with serving(args.db, "bench-api-load") if args.db else _running(args.url) as url:
        figures = _load(url, headers, args.clients, args.seconds)
    figures.update(clients=args.clients, seconds=args.seconds, target=str(args.db or args.url))
    print(
        f"{args.clients} clients for {args.seconds:.0f} s on POST /api/ask: {figures['requests']} requests "
        f"({figures['answered']} answered, {figures['refused']} 'not in the articles'), {figures['errors']} errors, "
        f"{figures['requests_per_s']:.2f} requests/s; latency p50 {figures['p50_s'] * 1000:.0f} ms, "
        f"p95 {figures['p95_s'] * 1000:.0f} ms, max {figures['max_s'] * 1000:.0f} ms"
    )
    for error in figures["error_samples"]:
        print(f"error: {error}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


@contextmanager
def _running(url: str) -> Iterator[str]:
    yield url.rstrip("/")


def _load(url: str, headers: dict[str, str], clients: int, seconds: float) -> dict[str, Any]:
    latencies: list[float] = []
    outcomes = {"answered": 0, "refused": 0, "errors": 0}
    error_samples: list[str] = []
    lock = threading.Lock()
    sessions = [httpx.Client(base_url=url, headers=headers, timeout=120) for _ in range(clients)]
    sessions[0].post("/api/ask", json={"question": QUESTIONS[0]})  # warm: the first answer loads caches
    started = time.monotonic()
    stop_at = started + seconds

    def client(number: int) -> None:
        for question in itertools.islice(itertools.cycle(QUESTIONS), number, None):
            if time.monotonic() >= stop_at:
                return
            sent = time.monotonic()
            try:
                response = sessions[number].post("/api/ask", json={"question": question})
                if response.status_code != 200:
                    raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")
                outcome = "answered" if response.json()["answered"] else "refused"
            except Exception as error:  # a load test counts failures instead of stopping at the first
                outcome = "errors"
                with lock:
                    if len(error_samples) < 5:
                        error_samples.append(f"{type(error).__name__}: {error}")
            with lock:
                outcomes[outcome] += 1
                if outcome != "errors":
                    latencies.append(time.monotonic() - sent)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    for session in sessions:
        session.close()
    requests = sum(outcomes.values())
    ordered = sorted(latencies) or [float("nan")]
    return {
        "requests": requests,
        **outcomes,
        "elapsed_s": elapsed,
        "requests_per_s": requests / elapsed,
        "p50_s": statistics.median(ordered),
        "p95_s": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
        "max_s": ordered[-1],
        "error_samples": error_samples,
    }


if __name__ == "__main__":
    main()
