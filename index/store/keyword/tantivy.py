"""Keyword (BM25) search over the same chunks as Chroma, with tantivy.

Why tantivy: a persistent index with incremental add and delete, so the chunks it matches are
always the ones in Chroma (it is written in the same calls that write Chroma, see
``index.store.ArticleChroma``), and a query stays fast at the eval corpus's size. ``rank-bm25``
was measured far slower per query (figures in docs/lab-notes.md, "index/store/keyword/tantivy.py: why
tantivy"); ``bm25s`` would have to be rebuilt on every change.

Only what search and filters need is indexed; the passages themselves are read from Chroma.

Titles, texts and questions are folded (:func:`index.folding.fold`) before tantivy reads them, so
"Kalin" finds "Kalın": the house's one folding rather than tantivy's ``ascii_fold`` filter, so that
this backend, PostgreSQL and the answerer match words alike. The folding an index was written with
is kept in a file beside tantivy's (``FOLDING``); an index written before is re-indexed from Chroma
when the store opens (``index.store``), and searched meanwhile with the question as typed too.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import tantivy

from index.folding import FOLDING, fold

logger = logging.getLogger(__name__)

_QUERY_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_WRITER_HEAP_BYTES = 64 * 1024 * 1024
_FOLDING_FILE = "FOLDING"  # beside tantivy's own files, which it never deletes (it keeps a list of its own)


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", stored=False, tokenizer_name="en_stem")
    builder.add_text_field("text", stored=False, tokenizer_name="en_stem")
    builder.add_text_field("source", stored=False, tokenizer_name="raw")
    builder.add_integer_field("date_int", stored=False, indexed=True, fast=True)
    return builder.build()


class KeywordIndex:
    """BM25 over chunk titles and texts, keyed by the same ids as the Chroma collection.

    >>> keywords = KeywordIndex(Path("/tmp/kw"))  # doctest: +SKIP
    >>> keywords.add(["id1"], ["Turkey demands withdrawal from Sirte"], [{"title": "Libya"}])  # doctest: +SKIP
    >>> keywords.search("Sirte withdrawal", k=5)  # doctest: +SKIP
    [('id1', 1.2...)]
    """

    shared = False  # one machine's own folder: with a Chroma server it catches up with the others

    def __init__(self, path: Path, title_boost: float = 1.0) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.schema = _schema()
        self.index = tantivy.Index(self.schema, path=str(path), reuse=True)
        self.title_boost = title_boost
        self._write_lock = threading.Lock()
        marker = path / _FOLDING_FILE
        self._folding = marker.read_text().strip() if marker.is_file() else None
        if self._folding is None and self.is_empty():
            self.mark_folded()  # a new index: nothing in it was written unfolded

    def folding(self) -> str | None:
        """The folding the indexed text was written with; ``None``: before folding (an older index)."""
        return self._folding

    def mark_folded(self) -> None:
        """Record that every chunk is now written with today's folding."""
        (self.path / _FOLDING_FILE).write_text(FOLDING + "\n")
        self._folding = FOLDING

    def count(self) -> int:
        self.index.reload()
        return int(self.index.searcher().num_docs)

    def is_empty(self) -> bool:
        return self.count() == 0

    def add(
        self,
        ids: Sequence[str],
        texts: Sequence[str],
        metadatas: Sequence[dict[str, Any] | None],
        *,
        replace: bool = True,
    ) -> None:
        """Index chunks (an id already present is replaced, never duplicated, whatever ``replace`` says)."""
        if not ids:
            return
        with self._write_lock:
            writer = self.index.writer(heap_size=_WRITER_HEAP_BYTES, num_threads=1)
            for chunk_id, text, metadata in zip(ids, texts, metadatas, strict=True):
                fields = metadata or {}
                writer.delete_documents_by_term("id", chunk_id)
                writer.add_document(
                    tantivy.Document(
                        id=chunk_id,
                        title=fold(str(fields.get("title", ""))),
                        text=fold(text),
                        source=str(fields.get("source", "")),
                        date_int=int(fields.get("date_int", 0) or 0),
                    )
                )
            writer.commit()
            writer.wait_merging_threads()

    def delete(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        if not ids:
            return
        with self._write_lock:
            writer = self.index.writer(heap_size=_WRITER_HEAP_BYTES, num_threads=1)
            for chunk_id in ids:
                writer.delete_documents_by_term("id", chunk_id)
            writer.commit()
            writer.wait_merging_threads()

    def clear(self) -> None:
        with self._write_lock:
            writer = self.index.writer(heap_size=_WRITER_HEAP_BYTES, num_threads=1)
            writer.delete_all_documents()
            writer.commit()
            writer.wait_merging_threads()
        self.mark_folded()  # what it holds next is folded

    def all_ids(self) -> set[str]:
        """Every chunk id in the index (for reconciling with Chroma)."""
        self.index.reload()
        searcher = self.index.searcher()
        total = int(searcher.num_docs)
        if total == 0:
            return set()
        hits = searcher.search(tantivy.Query.all_query(), limit=total).hits
        return {searcher.doc(address)["id"][0] for _, address in hits}

    def search(
        self,
        question: str,
        k: int,
        *,
        date_range: tuple[int, int] | None = None,
        sources: Sequence[str] | None = None,
    ) -> list[tuple[str, float]]:
        """The ``k`` best chunk ids for the words of ``question``, with their BM25 scores."""
        words = _QUERY_WORD.findall(fold(question).lower())
        if self._folding != FOLDING:  # chunks written before folding still hold the words as typed
            words = list(dict.fromkeys([*words, *_QUERY_WORD.findall(question.lower())]))
        if not words:
            return []
        query, _errors = self.index.parse_query_lenient(
            " ".join(words), ["title", "text"], field_boosts={"title": self.title_boost}
        )
        clauses = [(tantivy.Occur.Must, query)]
        if date_range:
            low, high = date_range
            clauses.append(
                (
                    tantivy.Occur.Must,
                    tantivy.Query.range_query(self.schema, "date_int", tantivy.FieldType.Integer, low, high),
                )
            )
        if sources:
            clauses.append(
                (
                    tantivy.Occur.Must,
                    tantivy.Query.term_set_query(self.schema, "source", list(sources)),
                )
            )
        if len(clauses) > 1:
            query = tantivy.Query.boolean_query(clauses)
        self.index.reload()
        searcher = self.index.searcher()
        hits = searcher.search(query, limit=k).hits
        return [(searcher.doc(address)["id"][0], float(score)) for score, address in hits]
