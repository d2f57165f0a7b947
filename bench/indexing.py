"""Indexing speed against the machine's limit and against the naive LangChain pipeline.

Usage::

    python bench/indexing.py [--corpus FILE] [--sizes 1000,5000] [--json OUT] [--pipelines ours,encode,naive]

For each size, the first N articles of the corpus (default: the RealTimeQA full corpus in
``../shared/eval/``, read at run time) are indexed into fresh temporary stores, each pipeline in a
child process of its own so that its peak resident memory is its own:

- ``ours``: ``index.build.build_index`` (sentence-aware chunks, title + passage embedded, keyword
  index), then a re-index with nothing changed, then one with 1% of the articles changed.
- ``encode``: ``SentenceTransformer.encode`` alone on exactly the texts ``ours`` embedded, with the
  same batch size: the limit of this machine for this model.
- ``naive``: ``RecursiveCharacterTextSplitter(1000, 200)`` + ``Chroma.from_documents``.

Prints a table and figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "eval" / "realtimeqa_full_corpus.jsonl.gz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--sizes", default="1000", help="comma-separated article counts")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    parser.add_argument(
        "--pipelines",
        default="ours,encode,naive",
        help="which to run (each costs about the same: at large sizes, ours alone fits where three do not)",
    )
    parser.add_argument("--child", nargs=3, metavar=("PIPELINE", "ARTICLES", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        pipeline, articles, db = args.child
        print(json.dumps(CHILDREN[pipeline](Path(articles), Path(db))))
        return

    results: dict[str, dict[str, Any]] = {}
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix="bench-index-") as scratch:
            articles = Path(scratch) / "articles.jsonl.gz"
            _first_articles(args.corpus, articles, size)
            row: dict[str, Any] = {
                pipeline: _run_child(pipeline, articles, Path(scratch) / pipeline)
                for pipeline in args.pipelines.split(",")
            }
            results[str(size)] = row
            _print_row(size, row)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


def _first_articles(corpus: Path, target: Path, count: int) -> None:
    """Stream the first ``count`` lines of the corpus into a file of their own."""
    with gzip.open(corpus, "rt", encoding="utf-8") as source, gzip.open(target, "wt", encoding="utf-8") as out:
        out.writelines(itertools.islice(source, count))


def _run_child(pipeline: str, articles: Path, db: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", pipeline, str(articles), str(db)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _ours(articles: Path, db: Path) -> dict[str, Any]:
    from index.build import build_index  # noqa: PLC0415 - imported in the child only
    from index.settings import IndexSettings  # noqa: PLC0415
    from index.store import ArticleStore  # noqa: PLC0415

    store = ArticleStore.open(IndexSettings(db_path=db))
    store.embeddings.embed_documents(["warm-up"])  # model load is not indexing
    first = build_index(store, [articles], show_progress=False)
    peak = _peak_mb()
    again = build_index(store, [articles], show_progress=False)
    changed_file = db.parent / "changed.jsonl.gz"
    changed_count = _write_changed(articles, changed_file, share=0.01)
    changed = build_index(store, [changed_file], show_progress=False)
    total_articles = first.added + first.updated + first.unchanged
    return {
        "articles": total_articles,
        "chunks": first.chunks_embedded,
        "seconds": first.seconds,
        "articles_per_s": total_articles / first.seconds,
        "chunks_per_s": first.chunks_embedded / first.seconds,
        "peak_mb": peak,
        "noop_seconds": again.seconds,
        "noop_ms_per_article": 1000 * again.seconds / max(1, again.unchanged),
        "noop_chunks_embedded": again.chunks_embedded,
        "changed_articles": changed_count,
        "changed_seconds": changed.seconds,
        "changed_chunks_embedded": changed.chunks_embedded,
        "changed_reported_updated": changed.updated,
    }


def _write_changed(articles: Path, target: Path, share: float) -> int:
    """A copy of the articles with every 1/share-th one given one more sentence."""
    step = round(1 / share)
    count = 0
    with gzip.open(articles, "rt", encoding="utf-8") as source, gzip.open(target, "wt", encoding="utf-8") as out:
        for number, line in enumerate(source):
            if number % step == 0:
                item = json.loads(line)
                item["text"] = f"{item['text']}\n\nThis article was updated after publication."
                out.write(json.dumps(item) + "\n")
                count += 1
            else:
                out.write(line)
    return count


def _encode(articles: Path, db: Path) -> dict[str, Any]:
    """The bare model on the very texts ``ours`` embedded (title + passage), same batch size."""
    from index.chunking import article_documents  # noqa: PLC0415
    from index.encoders.loading import load_embeddings  # noqa: PLC0415
    from index.settings import IndexSettings  # noqa: PLC0415
    from index.sources.files import iter_articles  # noqa: PLC0415
    from index.store import embedding_text  # noqa: PLC0415

    settings = IndexSettings(db_path=db)
    errors: list = []
    texts = [
        embedding_text(d.page_content, d.metadata)
        for a in iter_articles([articles], errors)
        for d in article_documents(a, settings.chunk_size, settings.chunk_overlap)
    ]
    model = load_embeddings(settings.embedding_model, settings.embedding_batch_size)._client
    model.encode(["warm-up"])
    started = time.perf_counter()
    model.encode(texts, batch_size=settings.embedding_batch_size, normalize_embeddings=True)
    seconds = time.perf_counter() - started
    return {"chunks": len(texts), "seconds": seconds, "chunks_per_s": len(texts) / seconds, "peak_mb": _peak_mb()}


def _naive(articles: Path, db: Path) -> dict[str, Any]:
    """The pipeline a LangChain tutorial builds: character splitter, Chroma.from_documents."""
    import chromadb  # noqa: PLC0415
    from langchain_chroma import Chroma  # noqa: PLC0415
    from langchain_core.documents import Document  # noqa: PLC0415
    from langchain_text_splitters import RecursiveCharacterTextSplitter  # noqa: PLC0415

    from index.encoders.loading import load_embeddings  # noqa: PLC0415
    from index.settings import IndexSettings  # noqa: PLC0415

    settings = IndexSettings(db_path=db)
    embeddings = load_embeddings(settings.embedding_model, settings.embedding_batch_size)
    embeddings.embed_documents(["warm-up"])
    started = time.perf_counter()
    with gzip.open(articles, "rt", encoding="utf-8") as source:
        items = [json.loads(line) for line in source]
    documents = [Document(page_content=i["text"], metadata={"doc_id": i["doc_id"]}) for i in items]
    chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(documents)
    client = chromadb.PersistentClient(path=str(db), settings=chromadb.config.Settings(anonymized_telemetry=False))
    Chroma.from_documents(chunks, embeddings, client=client, collection_name="naive")
    seconds = time.perf_counter() - started
    return {
        "articles": len(items),
        "chunks": len(chunks),
        "seconds": seconds,
        "articles_per_s": len(items) / seconds,
        "chunks_per_s": len(chunks) / seconds,
        "peak_mb": _peak_mb(),
    }


CHILDREN = {"ours": _ours, "encode": _encode, "naive": _naive}


def _print_row(size: int, row: dict[str, dict[str, Any]]) -> None:
    ours, encode, naive = row.get("ours"), row.get("encode"), row.get("naive")
    print(f"\n{size} articles")
    print(f"{'pipeline':10s} {'chunks':>7s} {'seconds':>8s} {'art/s':>7s} {'chunks/s':>9s} {'peak MB':>8s}")
    for name, figures in (("ours", ours), ("encode", encode), ("naive", naive)):
        if figures:
            print(
                f"{name:10s} {figures['chunks']:7d} {figures['seconds']:8.1f} "
                f"{figures.get('articles_per_s', float('nan')):7.2f} {figures['chunks_per_s']:9.2f} "
                f"{figures['peak_mb']:8.0f}"
            )
    if not ours:
        return
    if encode:
        print(f"ours / bare encode (chunks/s): {ours['chunks_per_s'] / encode['chunks_per_s']:.2f}")
    if naive:
        print(f"ours / naive (articles/s): {ours['articles_per_s'] / naive['articles_per_s']:.2f}")
    print(
        f"re-index, nothing changed: {ours['noop_seconds']:.2f} s ({ours['noop_ms_per_article']:.2f} ms/article, "
        f"{ours['noop_chunks_embedded']} chunks embedded); {ours['changed_articles']} articles changed: "
        f"{ours['changed_seconds']:.1f} s, {ours['changed_chunks_embedded']} chunks embedded"
    )


if __name__ == "__main__":
    main()
