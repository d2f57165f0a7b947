"""Encoders side by side: passages per second, load time, peak memory, question latency.

Usage::

    python bench/encoders.py [--corpus FILE] [--chunks 400] [--encoders minilm,minilm-int8,...] [--json OUT]

Why: ASSISTANT_EMBEDDING_MODEL chooses among encoders (index/encoders/registry.py) whose costs differ by
orders of magnitude, and indexing time and the chat's memory follow from that choice. Each encoder
runs in a child process of its own, so that its peak resident memory (``ru_maxrss``) and its load
time are its own and not those of a model loaded before it.

The passages are real news: article texts from the RealTimeQA eval corpus in ``../shared/eval/``
(read at run time, nothing copied), cut into pieces of about 1,000 characters at a space, the size
the index's chunks have. Each encoder embeds the same N pieces through ``embed_documents`` with the
default batch size, after one warm-up call, then 50 questions one at a time through
``embed_query`` (what the chat does per message). Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "eval" / "realtimeqa_eval_corpus.jsonl.gz"
DEFAULT_ENCODERS = "minilm,minilm-int8,e5-multilingual,wordllama"
PIECE_CHARS = 1000
QUESTIONS = 50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--chunks", type=int, default=400, help="passages each encoder embeds")
    parser.add_argument("--encoders", default=DEFAULT_ENCODERS, help="comma-separated names")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    parser.add_argument("--child", metavar="ENCODER", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, pieces(args.corpus, args.chunks))))
        return

    results: dict[str, dict[str, Any]] = {}
    for name in args.encoders.split(","):
        command = [sys.executable, __file__, "--child", name, "--corpus", str(args.corpus)]
        command += ["--chunks", str(args.chunks)]
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, check=False)
        if done.returncode:
            results[name] = {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
        else:
            results[name] = json.loads(done.stdout.strip().splitlines()[-1])
        print(row(name, results[name]), flush=True)
    if args.json:
        args.json.write_text(json.dumps({"chunks": args.chunks, "encoders": results}, indent=2) + "\n")


def pieces(corpus: Path, count: int) -> list[str]:
    """The first ``count`` pieces of about ``PIECE_CHARS`` characters, cut at a space, article by article."""
    out: list[str] = []
    with gzip.open(corpus, "rt", encoding="utf-8") as lines:
        for line in lines:
            text = " ".join(str(json.loads(line).get("text") or "").split())
            while len(text) > PIECE_CHARS // 4 and len(out) < count:
                cut = text.rfind(" ", 0, PIECE_CHARS) if len(text) > PIECE_CHARS else len(text)
                cut = cut if cut > 0 else PIECE_CHARS
                out.append(text[:cut])
                text = text[cut:].lstrip()
            if len(out) >= count:
                return out
    return out


def measure(name: str, passages: list[str]) -> dict[str, Any]:
    """In the child: load, embed the passages, then questions one by one; memory as the kernel saw it."""
    sys.path.insert(0, str(ROOT))
    from index.encoders.loading import embedding_dimension, load_embeddings  # noqa: PLC0415 - after the offline switch

    baseline = _peak_mb()
    started = time.perf_counter()
    encoder = load_embeddings(name)
    loaded = time.perf_counter() - started
    after_load = _peak_mb()
    encoder.embed_documents(passages[:1])  # first call: lazy pages, thread pools
    started = time.perf_counter()
    vectors = encoder.embed_documents(passages)
    embedded = time.perf_counter() - started
    questions = [f"What happened next in the story about {p.split('.')[0][:80]}?" for p in passages[:QUESTIONS]]
    started = time.perf_counter()
    for question in questions:
        encoder.embed_query(question)
    per_question = (time.perf_counter() - started) / max(1, len(questions))
    return {
        "dimension": embedding_dimension(encoder),  # type: ignore[arg-type]
        "chunks": len(vectors),
        "mean_chars": round(sum(map(len, passages)) / max(1, len(passages))),
        "load_seconds": round(loaded, 2),
        "chunks_per_second": round(len(vectors) / embedded, 1),
        "query_ms": round(per_question * 1000, 1),
        "peak_rss_mb": round(_peak_mb()),
        "rss_before_load_mb": round(baseline),
        "peak_rss_after_load_mb": round(after_load),
        "cpus": os.cpu_count(),
    }


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def row(name: str, figures: dict[str, Any]) -> str:
    if "error" in figures:
        return f"{name:<16} error: {figures['error']}"
    return (
        f"{name:<16} {figures['dimension']:>4} dims  {figures['chunks_per_second']:>7.1f} chunks/s  "
        f"load {figures['load_seconds']:>5.2f} s  query {figures['query_ms']:>6.1f} ms  "
        f"peak RSS {figures['peak_rss_mb']:>5} MB (before load {figures['rss_before_load_mb']} MB)"
    )


if __name__ == "__main__":
    main()
