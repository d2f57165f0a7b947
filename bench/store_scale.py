"""How the store's query time grows with its size: 200k, 500k, 1M chunks.

Usage::

    python bench/store_scale.py [--sizes 200000,500000,1000000] [--queries 200] [--db DIR] [--json OUT]

SYNTHETIC VECTORS: embedding a million real chunks would take a day on this machine, so the
collection holds random unit vectors of the model's dimension (384), labelled ``synthetic`` in
their metadata, with date-like integers and a source like real chunks.. The timings are of the store alone
(Chroma's HNSW search with k = the retriever's candidates, with and without a date filter), not
of the model. The collection grows in place from one size to the next. Prints figures; asserts
nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings
from tqdm import tqdm

from assistant.settings import AssistantSettings

DIMENSION = 384


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="200000,500000,1000000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--filtered-queries", type=int, default=20, help="queries with a date filter (~2 s each at 200k chunks)"
    )
    parser.add_argument("--db", type=Path, default=None, help="where to build (default: a temporary folder)")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    settings = AssistantSettings()
    with tempfile.TemporaryDirectory(prefix="bench-store-") as scratch:
        client = chromadb.PersistentClient(
            path=str(args.db or Path(scratch)), settings=ChromaSettings(anonymized_telemetry=False)
        )
        collection = client.get_or_create_collection(
            "synthetic", configuration={"hnsw": {"space": "cosine"}}, metadata={"synthetic": True}
        )
        rng = np.random.default_rng(7)
        queries = _unit(rng.standard_normal((args.queries, DIMENSION), dtype=np.float32))
        figures: dict[str, Any] = {}
        for size in (int(s) for s in args.sizes.split(",")):
            started = time.perf_counter()
            _grow(collection, size, rng, client.get_max_batch_size())
            insert_seconds = time.perf_counter() - started
            plain = _query_times(collection, queries, settings.candidates, where=None)
            before_2023 = {"date_int": {"$lte": 20230101}}
            dated = _query_times(collection, queries[: args.filtered_queries], settings.candidates, where=before_2023)
            figures[str(size)] = {"insert_seconds": insert_seconds, "query": plain, "query_date_filter": dated}
            print(
                f"{size:>9,d} synthetic chunks (+{insert_seconds:.0f} s to insert): query k={settings.candidates} "
                f"p50 {plain['p50'] * 1000:.1f} ms, p95 {plain['p95'] * 1000:.1f} ms; with a date filter "
                f"p50 {dated['p50'] * 1000:.1f} ms, p95 {dated['p95'] * 1000:.1f} ms",
                flush=True,
            )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


def _unit(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _grow(collection: Any, size: int, rng: np.random.Generator, batch: int) -> None:
    """Add synthetic chunks until the collection holds ``size``."""
    have = collection.count()
    with tqdm(total=size - have, desc=f"inserting up to {size:,d}", unit=" chunks") as progress:
        for start in range(have, size, batch):
            count = min(batch, size - start)
            ids = [f"synthetic-{n}" for n in range(start, start + count)]
            days = rng.integers(0, 3650, count)
            metadatas = [
                {"synthetic": True, "article_id": f"a{n // 10}", "date_int": int(20160101 + d), "source": "bench"}
                for n, d in zip(range(start, start + count), days, strict=True)
            ]
            vectors = _unit(rng.standard_normal((count, DIMENSION), dtype=np.float32))
            collection.add(ids=ids, embeddings=vectors, metadatas=metadatas, documents=["synthetic chunk"] * count)
            progress.update(count)


def _query_times(collection: Any, queries: np.ndarray, k: int, where: dict | None) -> dict[str, float]:
    seconds = []
    for vector in queries:
        started = time.perf_counter()
        collection.query(query_embeddings=[vector], n_results=k, where=where, include=["metadatas", "distances"])
        seconds.append(time.perf_counter() - started)
    return {"p50": statistics.median(seconds), "p95": statistics.quantiles(seconds, n=100, method="inclusive")[94]}


if __name__ == "__main__":
    main()
