"""Shared fixtures: real Chroma (embedded in temp dirs, and a real `chroma run` server), the real
embedding model (loaded once per session)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from assistant.service import Assistant
from assistant.settings import AssistantSettings
from index.build import build_index
from index.encoders.loading import load_embeddings
from index.store import ArticleStore
from tests.web_server import WebServer

pytest_plugins = ["tests.postgres_server"]  # the postgres_server fixture

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def embeddings():
    """The default encoder, real and offline (wordllama, from its PyPI package)."""
    return load_embeddings(AssistantSettings().embedding_model)


def stop_process(process: subprocess.Popen, timeout: float = 20) -> None:
    """Terminate a server a test started; kill it if it does not stop in time."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def run_python(*args: str, env: dict[str, str] | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """``python ARGS`` as a user runs it, from the repository root by default (``env`` added to this one's)."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """A real Chroma server (the `chroma run` command chromadb ships) on a free loopback port,
    started for the session on first use and stopped at its end."""
    root = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    command = [str(Path(sys.executable).with_name("chroma")), "run", "--path", str(root / "data")]
    with (root / "server.log").open("w") as log:
        server = subprocess.Popen(
            [*command, "--host", "127.0.0.1", "--port", str(port)], stdout=log, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"chroma run did not start: {(root / 'server.log').read_text()[-2000:]}")
                time.sleep(0.2)
        yield "127.0.0.1", port
    finally:
        stop_process(server)


@pytest.fixture(params=["embedded", "server"])
def store_mode(request: pytest.FixtureRequest) -> dict[str, object]:
    """Every test using ``make_store`` runs twice: on an embedded Chroma and on a real Chroma server."""
    if request.param == "embedded":
        return {}
    host, port = request.getfixturevalue("chroma_server")
    return {"chroma_host": host, "chroma_port": port}


@pytest.fixture
def make_store(tmp_path: Path, embeddings, store_mode: dict[str, object]) -> Callable[..., ArticleStore]:
    """Open a real Chroma store in a fresh folder (or a fresh collection on the server); extra keyword
    arguments become settings."""
    collections: dict[str, str] = {}

    def _make(name: str = "db", **overrides: object) -> ArticleStore:
        if store_mode:  # one server for the session: a collection of its own per store name and test
            overrides.setdefault("collection", collections.setdefault(name, f"news-{uuid.uuid4().hex[:12]}"))
        settings = AssistantSettings(db_path=tmp_path / name, **{**store_mode, **overrides})
        chosen = load_embeddings(settings.embedding_model) if "embedding_model" in overrides else embeddings
        return ArticleStore.open(settings, embeddings=chosen)

    return _make


@pytest.fixture(scope="session")
def seed_db(tmp_path_factory: pytest.TempPathFactory, embeddings) -> Path:
    """An index of seeds/ built once for the session."""
    db = tmp_path_factory.mktemp("seed-db")
    store = ArticleStore.open(AssistantSettings(db_path=db), embeddings=embeddings)
    report = build_index(store, [SEEDS], show_progress=False)
    assert report.added == len(list(SEEDS.glob("*.txt"))) and not report.errors
    return db


@pytest.fixture(scope="session")
def seed_assistant(seed_db: Path, embeddings) -> Assistant:
    settings = AssistantSettings(db_path=seed_db)
    return Assistant(settings, store=ArticleStore.open(settings, embeddings=embeddings))


@pytest.fixture
def articles_dir(tmp_path: Path) -> Path:
    """A writable copy of seeds/ that a test may change."""
    target = tmp_path / "articles"
    shutil.copytree(SEEDS, target)
    return target


def assistant_over(root: Path, articles: list[dict[str, str]], embeddings) -> Assistant:
    """An assistant over ``articles`` written for a test (a JSON-lines file under ``root``), indexed
    with the real default encoder; each must be indexed."""
    feed = root / "in" / "news.jsonl"
    feed.parent.mkdir(parents=True)
    feed.write_text("\n".join(json.dumps(article) for article in articles), encoding="utf-8")
    settings = AssistantSettings(db_path=root / "db")
    store = ArticleStore.open(settings, embeddings=embeddings)
    assert build_index(store, [feed.parent], show_progress=False).added == len(articles)
    return Assistant(settings, store=store)


@pytest.fixture(scope="session")
def followup_assistant(tmp_path_factory: pytest.TempPathFactory, embeddings) -> Assistant:
    """The seeds plus an article about France that a follow-up must not drift to."""
    from tests.followup_corpus import write_followup_corpus  # noqa: PLC0415

    root = tmp_path_factory.mktemp("followup")
    settings = AssistantSettings(db_path=root / "db")
    store = ArticleStore.open(settings, embeddings=embeddings)
    report = build_index(store, [write_followup_corpus(root / "articles")], show_progress=False)
    assert report.added == 2 and not report.errors
    return Assistant(settings, store=store)


@contextmanager
def serving(db: Path, env: dict[str, str]) -> Iterator[str]:
    """``python app.py`` on a free loopback port with ``env`` added, stopped afterwards."""
    port = free_port()
    log = db.parent / f"app-{port}.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "app.py", "--port", str(port), "--db", str(db)],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 180
        while not _serves(url):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"app.py did not serve: {log.read_text()[-2000:]}")
            time.sleep(0.5)
        yield url
    finally:
        stop_process(server, timeout=30)


def _serves(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture
def web() -> Iterator[WebServer]:
    """A real web server on loopback whose routes the test sets (pages, feeds, hostile answers)."""
    with WebServer() as server:
        yield server


@pytest.fixture
def settings(tmp_path: Path, web: WebServer) -> AssistantSettings:
    """Settings for fetching and following from ``web``: its origin allowed and nothing else on loopback."""
    return AssistantSettings(
        db_path=tmp_path / "db",
        follow_file=tmp_path / "followed.json",
        fetch_allow_private=[web.origin],
        fetch_host_interval=0.0,
        fetch_timeout=5.0,
    )
