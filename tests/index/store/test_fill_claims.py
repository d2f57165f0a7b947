"""Several fill processes on one Chroma server: each chunk embedded by one of them.

Real things: a real ``chroma run`` server, a real PostgreSQL record manager (a fresh database), the
real encoders, and ``python -m index improve`` run as a machine would, beside another filler's claims.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from index.build import build_index
from index.settings import IndexSettings
from index.store import ArticleStore
from index.store.fill_claims import fill_claims
from tests.conftest import run_python
from tests.index.test_improve import _write_corpus
from tests.postgres_server import fresh_postgres_database

_SUMMARY = re.compile(r"^filled ([\d,]+) chunks: ([\d,]+) of ([\d,]+) chunks have full vectors and sentence vectors$")


def _server_settings(tmp_path: Path, chroma_server: tuple[str, int], postgres_server: str) -> IndexSettings:
    host, port = chroma_server
    return IndexSettings(
        db_path=tmp_path / "db",
        chroma_host=host,
        chroma_port=port,
        collection=f"news_{uuid.uuid4().hex[:8]}",
        record_manager_url=fresh_postgres_database(postgres_server),
    )


def _built(settings: IndexSettings, tmp_path: Path) -> ArticleStore:
    store = ArticleStore.open(settings)
    build_index(store, [_write_corpus(tmp_path / "news.jsonl")], show_progress=False)
    return store


def test_a_chunk_claimed_by_one_filler_is_passed_over_by_another_and_not_redone_after(
    tmp_path: Path, chroma_server: tuple[str, int], postgres_server: str
) -> None:
    settings = _server_settings(tmp_path, chroma_server, postgres_server)
    store = _built(settings, tmp_path)
    candidates = sorted(store.chunk_ids())[:12]
    full = store.full_vectors
    with fill_claims(settings) as first, fill_claims(settings) as second:
        mine, looked = first.claim(candidates, 8, full.written)
        assert (mine, looked) == (candidates[:8], 8)
        theirs, looked = second.claim(candidates, 8, full.written)
        assert (theirs, looked) == (candidates[8:], 12), "the first filler's chunks are passed over"
        assert full.fill(mine) == 8
        first.release(mine)
        again, _ = second.claim(candidates[:8], 8, full.written)
        assert again == [], "chunks written by the first filler are not embedded again"


def test_an_improve_process_leaves_the_chunks_another_filler_holds_and_a_later_run_fills_them(
    tmp_path: Path, chroma_server: tuple[str, int], postgres_server: str
) -> None:
    settings = _server_settings(tmp_path, chroma_server, postgres_server)
    store = _built(settings, tmp_path)
    chunks = store.count()
    env = {
        "ASSISTANT_CHROMA_HOST": str(settings.chroma_host),
        "ASSISTANT_CHROMA_PORT": str(settings.chroma_port),
        "ASSISTANT_COLLECTION": settings.collection,
        "ASSISTANT_RECORD_MANAGER_URL": str(settings.record_manager_url),
    }
    command = ("-m", "index", "improve", "--db", str(settings.db_path), "--quiet")
    with fill_claims(settings) as other_machine:  # another filler, mid-batch on 10 chunks
        held, _ = other_machine.claim(sorted(store.chunk_ids())[:10], 10, store.full_vectors.written)
        first = run_python(*command, env=env)
        assert first.returncode == 0, first.stderr
        assert _summary(first.stdout) == (chunks - 10, chunks - 10, chunks)
        assert store.full_vectors.written(held) == set(), "the held chunks were passed over"
    then = run_python(*command, env=env)  # the other machine died: its claims went with its session
    assert _summary(then.stdout) == (10, chunks, chunks)
    assert store.full_vectors.all_ids() == store.chunk_ids()
    sentences = store.full_vectors.sentences  # in the shared PostgreSQL, beside the record manager
    assert sentences is not None and sentences.all_ids() == store.chunk_ids()


def _summary(output: str) -> tuple[int, int, int]:
    """(filled, done, total) from improve's last line."""
    match = _SUMMARY.match(output.splitlines()[-1])
    assert match, output
    filled, done, total = (int(group.replace(",", "")) for group in match.groups())
    return filled, done, total
