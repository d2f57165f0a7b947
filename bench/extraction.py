"""Article extraction on 121 real news pages: the old ``.html`` loader, trafilatura, ``extract_article``.

Usage::

    python bench/extraction.py [--data DIR] [--only SUBSTRING] [--part all|tune|held-out] [--json OUT]

Reads the pages (``html/<key>.html.gz``) and the article bodies people marked in them
(``ground-truth.json``) from ``../shared/eval/article-extraction/`` at run time: no page, and no
piece of one, belongs in this repository. Scores each extractor with the benchmark's own metric
(see that folder's README): 4-token shingles of ``\\w+`` tokens; per page TP/FP/FN divided by their
sum; precision the mean per-page precision over pages where something was extracted, recall the
mean per-page recall, F1 the harmonic mean of the two means.

Parts: ``tune`` is the pages whose key (a SHA-256 in hex) ends in 0-7, ``held-out`` those ending in
8-f (62 and 59 of the 121). Rules for ``extract_article`` are tried on ``tune`` only; ``held-out`` is
measured once a choice is made, so its figure is one for pages not looked at (issue 27).

Extractors: the loader as it was before ``index/sources/extract.py`` (all visible text; a copy lives here,
for comparison only), trafilatura with its defaults and with the options tried, and
``extract_article`` with its chosen options and the variants tried. Every extractor is given the
page's bytes and no URL, as the loader does for a file. Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

import trafilatura

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.sources.extract import DEFAULT_OPTIONS, ExtractionOptions, extract_article  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "eval" / "article-extraction"
_TOKEN = re.compile(r"\w+")
_SHINGLE = 4
_HELD_OUT_ENDINGS = frozenset("89abcdef")

Extractor = Callable[[bytes], str]


# --- the old loader's reader, as it was (index/sources/files.py before extract.py), for comparison only ---


class _OldHtmlText(HTMLParser):
    """Collects visible text (no scripts, styles or head) plus ``<title>`` and date metadata."""

    _SKIPPED: ClassVar[frozenset[str]] = frozenset({"script", "style", "noscript", "template", "head", "svg"})
    _BLOCKS: ClassVar[frozenset[str]] = frozenset(
        {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title_parts: list[str] = []
        self.meta: dict[str, str] = {}
        self._skip_depth = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        elif tag == "meta":
            values = {k: v or "" for k, v in attrs}
            key = (values.get("property") or values.get("name") or "").lower()
            if key and values.get("content"):
                self.meta[key] = values["content"]
        elif tag in self._SKIPPED:
            self._skip_depth += 1
        if tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in self._SKIPPED and self._skip_depth:
            self._skip_depth -= 1
        if tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)
        elif not self._skip_depth:
            self.parts.append(data)

    def text(self) -> str:
        joined = "".join(self.parts)
        paragraphs = (re.sub(r"[ \t\r\f\v]+", " ", p).strip() for p in re.split(r"\n\s*\n", joined))
        return "\n\n".join(p.replace("\n", " ") for p in paragraphs if p)


def old_loader(data: bytes) -> str:
    """The old ``_load_html``'s text: UTF-8 (else Windows-1252), every visible word."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        markup = data.decode("utf-16")
    else:
        try:
            markup = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            markup = data.decode("cp1252", errors="replace")
    parser = _OldHtmlText()
    parser.feed(markup)
    parser.close()
    return parser.text()


# --- the extractors compared ---


def _trafilatura(**options: Any) -> Extractor:
    return lambda data: trafilatura.extract(data, **options) or ""


def _baseline(data: bytes) -> str:
    return trafilatura.baseline(data)[1] or ""


def _either(share: float, chars: int) -> Extractor:
    """trafilatura precise (no comments), or the balanced extraction when the precise one is empty, or
    shorter than ``share`` of the balanced one, or than ``chars``: the fallbacks tried."""
    precise, balanced = _trafilatura(include_comments=False, favor_precision=True), _trafilatura(include_comments=False)

    def extract(data: bytes) -> str:
        text = precise(data)
        if text and len(text) >= chars and share == 0:
            return text
        other = balanced(data)
        return other if not text or len(text) < chars or len(text) < share * len(other) else text

    return extract


def _ours(options: ExtractionOptions) -> Extractor:
    def extract(data: bytes) -> str:
        page = extract_article(data, options=options)
        return page.text if page else ""

    return extract


FINAL = "extract_article (final)"
EXTRACTORS: dict[str, Extractor] = {
    "old loader (all visible text)": old_loader,
    "trafilatura defaults": _trafilatura(),
    "trafilatura baseline()": _baseline,
    "trafilatura favor_recall": _trafilatura(favor_recall=True),
    "trafilatura favor_precision": _trafilatura(favor_precision=True),
    "trafilatura fast": _trafilatura(fast=True),
    "trafilatura no tables": _trafilatura(include_tables=False),
    "trafilatura no comments": _trafilatura(include_comments=False),
    "trafilatura no comments, favor_recall": _trafilatura(include_comments=False, favor_recall=True),
    "trafilatura no comments, favor_precision": _trafilatura(include_comments=False, favor_precision=True),
    "trafilatura no comments, favor_precision, no tables": _trafilatura(
        include_comments=False, favor_precision=True, include_tables=False
    ),
    "trafilatura no comments, favor_precision, deduplicate": _trafilatura(
        include_comments=False, favor_precision=True, deduplicate=True
    ),
    "trafilatura no comments, favor_precision, fast": _trafilatura(
        include_comments=False, favor_precision=True, fast=True
    ),
    "extract_article, balanced (no favor_precision)": _ours(replace(DEFAULT_OPTIONS, favor_precision=False)),
    "extract_article, include_comments (kept apart, unused)": _ours(replace(DEFAULT_OPTIONS, include_comments=True)),
    "precise, else balanced when precise is empty": _either(0.0, 0),
    "precise, else balanced when precise < 500 chars": _either(0.0, 500),
    "precise, else balanced when precise < 50% of it": _either(0.5, 0),
    "precise, else balanced when precise < 70% of it": _either(0.7, 0),
    "extract_article, JSON-LD articleBody always": _ours(replace(DEFAULT_OPTIONS, jsonld_body="always")),
    "extract_article, JSON-LD articleBody when longer": _ours(replace(DEFAULT_OPTIONS, jsonld_body="longer")),
    "extract_article, JSON-LD articleBody never": _ours(replace(DEFAULT_OPTIONS, jsonld_body="never")),
    "extract_article, title kept in the text": _ours(replace(DEFAULT_OPTIONS, strip_title=False)),
    "extract_article, clutter kept (before issue 27)": _ours(replace(DEFAULT_OPTIONS, remove_clutter=False)),
    FINAL: _ours(DEFAULT_OPTIONS),
}


# --- the benchmark's metric ---


def shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    return Counter(tuple(tokens[i : i + _SHINGLE]) for i in range(len(tokens) - _SHINGLE + 1))


def page_scores(extracted: str, truth: str) -> tuple[float, float, float]:
    """A page's (TP, FP, FN) shingle counts, each divided by their sum."""
    got, want = shingles(extracted), shingles(truth)
    tp, fp, fn = sum((got & want).values()), sum((got - want).values()), sum((want - got).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def summarize(scores: list[tuple[float, float, float]]) -> dict[str, float]:
    precisions = [tp / (tp + fp) for tp, fp, _ in scores if tp + fp > 0]
    recalls = [tp / (tp + fn) if tp + fn > 0 else 0.0 for tp, _, fn in scores]
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"f1": f1, "precision": precision, "recall": recall}


def in_part(key: str, part: str) -> bool:
    """Whether the page ``key`` belongs to ``part`` ("all", "tune" or "held-out")."""
    return part == "all" or (key[-1:].lower() in _HELD_OUT_ENDINGS) == (part == "held-out")


def load_pages(data_dir: Path, part: str = "all") -> list[tuple[str, bytes, str]]:
    """(key, page bytes, marked article body) for every page of the set in ``part``, in key order."""
    truth = json.loads((data_dir / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        (key, gzip.decompress((data_dir / "html" / f"{key}.html.gz").read_bytes()), truth[key]["articleBody"])
        for key in sorted(truth)
        if in_part(key, part)
    ]


def measure(extract: Extractor, pages: list[tuple[str, bytes, str]]) -> dict[str, Any]:
    started = time.perf_counter()
    texts = [extract(data) for _, data, _ in pages]
    elapsed = time.perf_counter() - started
    scores = [page_scores(text, truth) for text, (_, _, truth) in zip(texts, pages, strict=True)]
    figures: dict[str, Any] = summarize(scores)
    figures.update(
        pages=len(pages), empty=sum(not text.strip() for text in texts), ms_per_page=1000 * elapsed / len(pages)
    )
    return figures


def metadata_coverage(pages: list[tuple[str, bytes, str]]) -> dict[str, int]:
    """On how many pages ``extract_article`` finds each field (the set has no true values to check them by)."""
    found = [extract_article(data) for _, data, _ in pages]
    fields = ("title", "date", "authors", "source", "url", "language")
    return {field: sum(bool(page and getattr(page, field)) for page in found) for field in fields}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the article-extraction set")
    parser.add_argument("--only", help="run only the extractors whose name contains this")
    parser.add_argument("--part", choices=("all", "tune", "held-out"), default="all", help="which pages")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    pages = load_pages(args.data, args.part)
    print(f"{len(pages)} pages ({args.part}) from {args.data}")
    print(f"{'extractor':58} {'F1':>6} {'prec':>6} {'recall':>6} {'empty':>5} {'ms/page':>8}")
    results: dict[str, dict[str, Any]] = {}
    for name, extract in EXTRACTORS.items():
        if args.only and args.only not in name:
            continue
        row = results[name] = measure(extract, pages)
        print(
            f"{name:58} {row['f1']:6.3f} {row['precision']:6.3f} {row['recall']:6.3f} "
            f"{row['empty']:5d} {row['ms_per_page']:8.0f}",
            flush=True,
        )
    coverage = metadata_coverage(pages)
    print(
        "extract_article metadata found: "
        + ", ".join(f"{field} {count}/{len(pages)}" for field, count in coverage.items())
    )
    if args.json:
        payload = {"pages": len(pages), "part": args.part, "results": results, "final_metadata_found": coverage}
        args.json.write_text(json.dumps(payload, indent=2) + "\n")


if __name__ == "__main__":
    main()
