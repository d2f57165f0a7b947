"""``python app.py`` started for a benchmark: a free loopback port, its output in a log file, stopped on exit.

Used by ``bench/load.py`` (many chat users, or many HTTP API clients with ``--via api``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 180  # loading the models and opening the index on a busy machine


@contextmanager
def serving(db: Path, log_name: str) -> Iterator[str]:
    """The URL (no trailing slash) of ``app.py`` serving the index at ``db`` until the block ends."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = Path(tempfile.gettempdir()) / f"{log_name}-{port}.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "app.py", "--host", "127.0.0.1", "--port", str(port), "--db", str(db)],
            cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not serves(url):
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"app.py did not serve; see {log}")
            time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        print(f"(server log: {log})")


def serves(url: str) -> bool:
    """Whether the chat's page answers at ``url``."""
    try:
        return httpx.get(f"{url}/", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
