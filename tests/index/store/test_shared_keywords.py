"""Keyword search shared in PostgreSQL (``ASSISTANT_KEYWORD_INDEX=postgres``) by several replicas and
indexers of one Chroma server: real servers throughout (``chroma run`` and Debian's PostgreSQL, both
started by the test session), real encoders, real ``python -m index build`` processes."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.retrieval import PassageRetriever
from assistant.settings import AssistantSettings
from index.build import build_index
from index.encoders.loading import load_embeddings
from index.store import ArticleStore, reset_store
from tests.conftest import ROOT, run_python

TOWNS = ["harbour", "bridge", "council", "budget", "school", "railway", "market", "hospital", "library", "tunnel"]


def article(n: int, tag: str) -> dict[str, str]:
    """A short article whose one rare word ``{tag}{n}q`` no other article has."""
    rng = random.Random(f"{tag}{n}")
    topic = " ".join(rng.sample(TOWNS, 4))
    text = (
        f"The {topic} committee of the district met on day {n}. Its chair, known as {tag}{n}q, said the "
        f"{rng.choice(TOWNS)} plan would cost {rng.randrange(2, 90)} million and take {rng.randrange(2, 9)} years."
    )
    return {"doc_id": f"{tag}-{n}", "title": f"District {tag} report {n}", "text": text, "date": "2024-03-05"}


def write_feed(path: Path, tag: str, count: int) -> Path:
    path.write_text("".join(json.dumps(article(n, tag)) + "\n" for n in range(count)))
    return path


def shared_settings(chroma_server: tuple[str, int], postgres_server: str, **extra: object) -> dict[str, object]:
    host, port = chroma_server
    return {
        "chroma_host": host,
        "chroma_port": port,
        "collection": f"news-{uuid.uuid4().hex[:12]}",
        "record_manager_url": postgres_server,
        "keyword_index": "postgres",
        **extra,
    }


def environment(shared: dict[str, object]) -> dict[str, str]:
    return {**os.environ, **{f"ASSISTANT_{key.upper()}": str(value) for key, value in shared.items()}}


def build_command(feed: Path, folder: Path) -> list[str]:
    return [sys.executable, "-m", "index", "build", str(feed), "--db", str(folder), "--quiet"]


def keyword_article(store: ArticleStore, word: str) -> str | None:
    """The article the best keyword match for ``word`` belongs to (None: no match)."""
    hits = PassageRetriever.from_settings(store, store.settings, retrieval_mode="bm25").search(word)
    return str(hits[0].metadata["article_id"]) if hits else None


def test_two_indexers_and_two_replicas_share_one_keyword_index_and_deletions_reach_every_replica(
    chroma_server: tuple[str, int], postgres_server: str, tmp_path: Path, embeddings
) -> None:
    shared = shared_settings(chroma_server, postgres_server, index_batch_size=4)
    replicas = [
        Assistant(settings, store=ArticleStore.open(settings, embeddings=embeddings))
        for settings in (AssistantSettings(db_path=tmp_path / f"replica-{n}", **shared) for n in (1, 2))
    ]
    indexers = [
        subprocess.Popen(
            [*build_command(write_feed(tmp_path / f"{tag}.jsonl", tag, 12), tmp_path / f"indexer-{tag}")],
            cwd=ROOT,
            env=environment(shared),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("alpha", "beta")
    ]
    found_during: list[str | None] = []
    while any(indexer.poll() is None for indexer in indexers):  # both replicas search while both index
        found_during += [keyword_article(replica.store, "district committee chair") for replica in replicas]
    assert found_during and set(found_during) <= {None} | {f"{t}-{n}" for t in ("alpha", "beta") for n in range(12)}
    for indexer in indexers:
        out, err = indexer.communicate(timeout=60)
        assert indexer.returncode == 0, err
        assert "12 added" in out, out

    for replica in replicas:  # every article of both indexers, on both replicas, at once (no sync wait)
        for tag in ("alpha", "beta"):
            for n in range(12):
                assert keyword_article(replica.store, f"{tag}{n}q") == f"{tag}-{n}"
    answer = replicas[1].ask("Who is alpha7q?")
    assert answer.answered and answer.citations[0].article_id == "alpha-7"
    assert not any(Path(tmp_path / f"replica-{n}" / "keyword").exists() for n in (1, 2)), "nothing kept locally"

    remover = ArticleStore.open(AssistantSettings(db_path=tmp_path / "remover", **shared), embeddings=embeddings)
    assert remover.remove_articles(["alpha-7"]) > 0
    for replica in replicas:
        assert keyword_article(replica.store, "alpha7q") != "alpha-7", "a removed article is gone everywhere"
        assert all(c.article_id != "alpha-7" for c in replica.ask("Who is alpha7q?").citations)


def test_an_indexer_killed_mid_build_resumes_with_keyword_search_exactly_in_step(
    chroma_server: tuple[str, int], postgres_server: str, tmp_path: Path, embeddings
) -> None:
    shared = shared_settings(chroma_server, postgres_server, index_batch_size=2)
    feed = write_feed(tmp_path / "gamma.jsonl", "gamma", 40)
    command = build_command(feed, tmp_path / "indexer")
    watcher = ArticleStore.open(AssistantSettings(db_path=tmp_path / "watcher", **shared), embeddings=embeddings)
    indexer = subprocess.Popen(command, cwd=ROOT, env=environment(shared), stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    while watcher.keyword_index.count() < 6 and indexer.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    indexer.send_signal(signal.SIGKILL)
    indexer.wait(timeout=30)
    assert 0 < watcher.count() < 40, "killed mid-build"

    finished = subprocess.run(
        command, cwd=ROOT, env=environment(shared), capture_output=True, text=True, timeout=300, check=False
    )
    assert finished.returncode == 0, finished.stderr
    chroma_ids = set(watcher.collection.get(include=[])["ids"])
    assert watcher.keyword_index.all_ids() == chroma_ids and len(chroma_ids) == 40, "no chunk missing or left over"
    assert all(keyword_article(watcher, f"gamma{n}q") == f"gamma-{n}" for n in range(40))


def test_a_replica_started_after_a_thousand_articles_were_indexed_elsewhere_serves_keyword_search_at_once(
    chroma_server: tuple[str, int], postgres_server: str, tmp_path: Path
) -> None:
    """wordllama, a real encoder fast enough to index 1,000 articles within a test."""
    shared = shared_settings(chroma_server, postgres_server, embedding_model="wordllama")
    wordllama = load_embeddings("wordllama")
    indexer = ArticleStore.open(AssistantSettings(db_path=tmp_path / "indexer", **shared), embeddings=wordllama)
    report = build_index(indexer, [write_feed(tmp_path / "delta.jsonl", "delta", 1000)], show_progress=False)
    assert report.added == 1000, report.summary()

    settings = AssistantSettings(db_path=tmp_path / "late-replica", **shared)
    replica = Assistant(settings, store=ArticleStore.open(settings, embeddings=wordllama))
    assert keyword_article(replica.store, "delta777q") == "delta-777"
    answer = replica.ask("What did delta512q say about the plan?")
    assert answer.answered and answer.citations[0].article_id == "delta-512"
    assert not (tmp_path / "late-replica" / "keyword").exists(), "the replica pulled no chunk to serve"

    reset_store(settings)  # a rebuild empties the shared keyword index too
    assert ArticleStore.open(settings, embeddings=wordllama).keyword_index.count() == 0


def test_shared_keyword_search_ranks_rare_words_first_and_filters_by_date_and_source(
    chroma_server: tuple[str, int], postgres_server: str, tmp_path: Path, embeddings
) -> None:
    shared = shared_settings(chroma_server, postgres_server)
    store = ArticleStore.open(AssistantSettings(db_path=tmp_path / "db", **shared), embeddings=embeddings)
    keywords = store.keyword_index
    common = "The minister said the government would act."
    keywords.add(
        ["c1", "c2", "c3", "rare"],
        [common, common + " The minister said it again.", common, "The minister said Sirte talks resume."],
        [
            {"title": "Politics", "source": "a.com", "date_int": 20240301},
            {"title": "Politics", "source": "b.com", "date_int": 20240302},
            {"title": "Politics", "source": "a.com", "date_int": 20240303},
            {"title": "Libya", "source": "b.com", "date_int": 20240310},
        ],
    )
    keywords.add(["rare"], ["The minister said Sirte talks resume."], [{"title": "Libya"}])  # no duplicate
    assert keywords.count() == 4
    assert keywords.search("What did the minister say about Sirte?", k=4)[0][0] == "rare"
    assert [i for i, _ in keywords.search("minister", k=9, date_range=(20240302, 20240303))] in (
        ["c2", "c3"],
        ["c3", "c2"],
    )
    assert {i for i, _ in keywords.search("minister", k=9, sources=["b.com"])} == {"c2", "rare"}
    assert keywords.search("' & | ! :* (", k=5) == [], "punctuation is no query syntax"
    assert keywords.search("", k=5) == []


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({}, "ASSISTANT_KEYWORD_INDEX=postgres needs a PostgreSQL database"),
        ({"ASSISTANT_KEYWORD_DATABASE_URL": "postgresql://nobody@127.0.0.1:9/none"}, "cannot be used"),
    ],
)
def test_a_shared_keyword_index_that_cannot_be_used_is_one_line_and_exit_2(
    tmp_path: Path, extra: dict[str, str], expected: str
) -> None:
    result = run_python(
        "-m", "index", "build", "--db", str(tmp_path / "db"), env={"ASSISTANT_KEYWORD_INDEX": "postgres", **extra}
    )
    assert result.returncode == 2, result.stderr
    assert expected in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_a_deployment_switched_to_the_shared_keyword_index_fills_it_once_from_chroma(
    chroma_server: tuple[str, int], postgres_server: str, tmp_path: Path, embeddings
) -> None:
    local = shared_settings(chroma_server, postgres_server, keyword_index="tantivy")
    before = ArticleStore.open(AssistantSettings(db_path=tmp_path / "before", **local), embeddings=embeddings)
    build_index(before, [write_feed(tmp_path / "eps.jsonl", "eps", 6)], show_progress=False)

    switched = AssistantSettings(db_path=tmp_path / "after", **{**local, "keyword_index": "postgres"})
    store = ArticleStore.open(switched, embeddings=embeddings)
    assert store.keyword_index.shared and store.keyword_index.all_ids() == set(store.collection.get(include=[])["ids"])
    assert keyword_article(store, "eps4q") == "eps-4"
