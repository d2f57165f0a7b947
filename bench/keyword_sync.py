"""Shared keyword search at scale: a new replica's first correct search, and the cost of staying current.

Usage::

    python bench/keyword_sync.py --url postgresql://postgres@127.0.0.1:55432/postgres --chunks 100000 [1000000]
    python bench/keyword_sync.py --tantivy-with-chroma HOST:PORT --chunks 100000   # the old design

SYNTHETIC chunks: passages of the eval corpus (``../shared/eval/realtimeqa_eval_corpus.jsonl.gz``,
read at run time), reused round-robin under new ids, with made-up dates and sources; vectors (old
design only) are random. One chunk carries a marker word found nowhere else, so "a correct keyword
search" is checked, not assumed. Prints figures; asserts nothing.

PostgreSQL (the shared design): a new replica connects and searches (there is nothing to pull);
staying current is no work (every replica reads the same table), so the "sync cycle" measured is
what makes 100 changes visible: the indexer's write of 50 new chunks and 50 deletions, then the
first search on another connection that sees them. Query latency is measured too.

Tantivy fed from Chroma (the old design): a new replica pages every id out of the Chroma server,
fetches every chunk's text and indexes it; a sync cycle compares counts and, when they differ,
compares every id.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import chromadb
import numpy as np
from sqlalchemy import text

from index.store.keyword.postgres import PostgresKeywordIndex, postgres_engine
from index.store.keyword.tantivy import KeywordIndex

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "eval" / "realtimeqa_eval_corpus.jsonl.gz"
MARKER = "zyqvexmarker"
SOURCES = ("apnews.com", "bbc.com", "cnn.com", "reuters.com", "usatoday.com", "npr.org")
QUESTIONS = (
    "What does Turkey demand in Libya?",
    "Which company announced layoffs this week?",
    "Who won the election in Brazil?",
    "What did the Federal Reserve decide about interest rates?",
    "Which volcano erupted in Iceland?",
    "How many people died in the earthquake?",
)


def passages(limit: int = 60_000) -> list[tuple[str, str]]:
    """(title, passage of ~1,000 characters) from the eval corpus."""
    found: list[tuple[str, str]] = []
    with gzip.open(CORPUS, "rt") as lines:
        for line in lines:
            article = json.loads(line)
            body = article.get("text") or ""
            for start in range(0, len(body), 800):
                found.append((article.get("title") or "", body[start : start + 1000]))
            if len(found) >= limit:
                break
    return found


def synthetic(count: int, start: int = 0, tag: str = "syn") -> Iterator[tuple[list[str], list[str], list[dict]]]:
    """Batches of (ids, texts, metadatas) of synthetic chunks, 1,000 at a time."""
    source = passages()
    rng = random.Random(start)
    for first in range(start, start + count, 1000):
        ids, texts, metadatas = [], [], []
        for n in range(first, min(first + 1000, start + count)):
            title, text = source[n % len(source)]
            ids.append(f"{tag}-{n}")
            texts.append(text)
            day = 20220101 + rng.randrange(0, 1200)  # not all real dates: only their order matters
            metadatas.append({"title": title, "source": rng.choice(SOURCES), "date_int": day})
        yield ids, texts, metadatas


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def bench_postgres(url: str, chunks: int) -> dict[str, float]:
    namespace = f"bench-{chunks}"
    writer = PostgresKeywordIndex(postgres_engine(url), namespace)
    figures: dict[str, float] = {}
    if writer.count() < chunks * 0.99:  # loaded before (the change rounds below add and delete a few)
        writer.clear()
        started = time.perf_counter()
        for n, (ids, texts, metadatas) in enumerate(synthetic(chunks)):
            writer.add(ids, texts, metadatas)
            if n % 100 == 0:
                print(f"  loaded {n * 1000:,} chunks ({time.perf_counter() - started:.0f} s)", flush=True)
        writer.add([f"{namespace}-marker"], [f"The {MARKER} appeared once."], [{"title": "Marker"}])
        figures["load_seconds"] = time.perf_counter() - started
        with writer.engine.begin() as connection:
            connection.execute(text("ANALYZE keyword_chunks"))

    # A new replica: a new process would do exactly this (a new engine, the schema check, one search).
    started = time.perf_counter()
    replica = PostgresKeywordIndex(postgres_engine(url), namespace)
    found = replica.search(f"Where did the {MARKER} appear?", k=5)
    figures["new_replica_seconds"] = time.perf_counter() - started
    figures["new_replica_correct"] = float(bool(found) and found[0][0] == f"{namespace}-marker")

    latencies = []
    for question in QUESTIONS * 5:
        started = time.perf_counter()
        replica.search(question, k=60)
        latencies.append(time.perf_counter() - started)
    dated = []
    for question in QUESTIONS * 5:
        started = time.perf_counter()
        replica.search(question, k=60, date_range=(20220501, 20220531))
        dated.append(time.perf_counter() - started)
    figures |= {
        "query_p50_ms": 1000 * statistics.median(latencies),
        "query_p95_ms": 1000 * percentile(latencies, 0.95),
        "dated_query_p95_ms": 1000 * percentile(dated, 0.95),
    }

    # 100 changes by an indexer: 50 new chunks (one with a new marker), 50 deleted; then a replica sees them.
    cycles, visible = [], []
    for round_ in range(5):
        marker = f"{MARKER}{round_}x{uuid.uuid4().hex[:6]}"
        ids, texts, metadatas = next(synthetic(49, start=10_000_000 + round_ * 100, tag=f"chg{uuid.uuid4().hex[:6]}"))
        ids.append(f"new-{marker}")
        texts.append(f"Only this chunk says {marker}.")
        metadatas.append({"title": "New"})
        gone = [f"syn-{n}" for n in random.sample(range(chunks), 50)]  # most still there, whatever ran before
        started = time.perf_counter()
        writer.add(ids, texts, metadatas)
        writer.delete(gone)
        cycles.append(time.perf_counter() - started)
        started = time.perf_counter()
        seen = replica.search(marker, k=1)
        visible.append(time.perf_counter() - started)
        assert seen and seen[0][0] == f"new-{marker}", "a replica did not see an indexer's write"
    figures["write_100_changes_ms"] = 1000 * statistics.median(cycles)
    figures["replica_sees_them_ms"] = 1000 * statistics.median(visible)
    figures["sync_cycle_ms"] = 0.0  # nothing runs: every replica reads the table the indexer wrote
    return figures


def bench_tantivy_with_chroma(address: str, chunks: int) -> dict[str, float]:
    """The old design at ``chunks``: the same synthetic chunks in a Chroma server, a replica's tantivy fed from it."""
    host, port = address.rsplit(":", 1)
    client = chromadb.HttpClient(host=host, port=int(port))
    collection = client.get_or_create_collection(f"bench-keyword-{chunks}", metadata={"hnsw:space": "cosine"})
    rng = np.random.default_rng(0)
    figures: dict[str, float] = {}
    if collection.count() < chunks:
        started = time.perf_counter()
        for n, (ids, texts, metadatas) in enumerate(synthetic(chunks)):
            vectors = rng.standard_normal((len(ids), 384)).astype(np.float32)
            collection.upsert(ids=ids, documents=texts, metadatas=metadatas, embeddings=vectors)  # type: ignore[arg-type]
            if n % 20 == 0:
                print(f"  loaded {n * 1000:,} chunks into Chroma ({time.perf_counter() - started:.0f} s)", flush=True)
    page = client.get_max_batch_size()
    with tempfile.TemporaryDirectory() as folder:
        keywords = KeywordIndex(Path(folder) / "keyword")
        started = time.perf_counter()
        ids: set[str] = set()
        for offset in range(0, collection.count(), page):
            ids.update(collection.get(include=[], limit=page, offset=offset)["ids"])
        figures["page_all_ids_seconds"] = time.perf_counter() - started
        ordered = sorted(ids)
        for first in range(0, len(ordered), 2000):
            got = collection.get(ids=ordered[first : first + 2000], include=["documents", "metadatas"])
            keywords.add(got["ids"], got["documents"] or [], [dict(m or {}) for m in got["metadatas"] or []])
        figures["new_replica_seconds"] = time.perf_counter() - started
        started = time.perf_counter()
        keywords.count() == collection.count()  # noqa: B015 - the cycle's check when nothing changed
        figures["sync_nothing_changed_ms"] = 1000 * (time.perf_counter() - started)
        started = time.perf_counter()
        chroma_ids: set[str] = set()
        for offset in range(0, collection.count(), page):
            chroma_ids.update(collection.get(include=[], limit=page, offset=offset)["ids"])
        _ = chroma_ids - keywords.all_ids()
        figures["sync_some_changed_seconds"] = time.perf_counter() - started
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="SQLAlchemy URL of a PostgreSQL database (the shared design)")
    parser.add_argument("--tantivy-with-chroma", metavar="HOST:PORT", help="a Chroma server (the old design)")
    parser.add_argument("--chunks", type=int, nargs="+", default=[100_000])
    args = parser.parse_args()
    for chunks in args.chunks:
        if args.url:
            figures = bench_postgres(args.url, chunks)
            print(f"PostgreSQL full-text search, {chunks:,} SYNTHETIC chunks:", json.dumps(figures))
        if args.tantivy_with_chroma:
            figures = bench_tantivy_with_chroma(args.tantivy_with_chroma, chunks)
            print(f"tantivy per replica, fed from Chroma, {chunks:,} SYNTHETIC chunks:", json.dumps(figures))


if __name__ == "__main__":
    main()
