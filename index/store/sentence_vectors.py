"""The answerer's sentence vectors, computed once by the fill instead of at every question.

The extractive answerer scores a question's candidate sentences with the better encoder
(minilm-int8 by default): embedding some eleven sentences was half of an answer's time at the eval
corpus (~100 ms of ~220 ms, 2 cores). The fill (:mod:`index.improve`) embeds every chunk with that
same encoder anyway, so it embeds each chunk's quotable sentences too and keeps them here, and the
answerer reads a shortlist's vectors in one query instead of computing them.

Kept in SQL beside the record manager (the same database: a Chroma-server deployment shares them
through its PostgreSQL), one row per chunk: the encoder's name, a digest of the sentences the vectors
are of (a chunk's text read another way later is never given another sentence's vector), and the
vectors as int8 rows with a scale each (a unit vector's cosines move by ~0.001; float32 would be four
times the 230 MB they take at 84,237 chunks). Rows go with their chunks: removed wherever the chunk's
full vector is (:meth:`index.store.full_vectors.FullVectors.delete`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from langchain_core.embeddings import Embeddings
from sqlalchemy import Column, LargeBinary, String, delete, func, insert, select
from sqlalchemy.engine import Connection, Engine

from index.chunking import quotable_sentences
from index.store.sql import SideTables

_tables = SideTables()
_rows = _tables.table(
    "sentence_vectors",
    Column("namespace", String, primary_key=True),
    Column("chunk_id", String, primary_key=True),
    Column("model", String, nullable=False),
    Column("digest", String, nullable=False),
    Column("vectors", LargeBinary, nullable=False),
)
_IN_CLAUSE = 500  # ids per query: SQLite's and PostgreSQL's parameter limits are far above


def sentences_digest(sentences: Sequence[str]) -> str:
    """Which sentences a row's vectors are of, in order."""
    return hashlib.sha256("\n".join(sentences).encode("utf-8")).hexdigest()[:32]


def pack(vectors: np.ndarray) -> bytes:
    """Rows of unit vectors as int8 (each row scaled by its largest component) followed by the scales."""
    rows = np.asarray(vectors, dtype=np.float32).reshape(len(vectors), -1)
    scales = np.maximum(np.abs(rows).max(axis=1), 1e-12).astype(np.float32)
    quantised = np.rint(rows / scales[:, None] * 127).astype(np.int8)
    return quantised.tobytes() + scales.tobytes()


def unpack(blob: bytes, count: int) -> np.ndarray:
    """The float32 rows :func:`pack` kept (``count`` of them)."""
    if count == 0:
        return np.zeros((0, 0), dtype=np.float32)
    dimension = len(blob) // count - 4
    quantised = np.frombuffer(blob, dtype=np.int8, count=count * dimension).reshape(count, dimension)
    scales = np.frombuffer(blob, dtype=np.float32, offset=count * dimension, count=count)
    return quantised.astype(np.float32) * (scales[:, None] / 127)


class SentenceVectors:
    """One store's sentence vectors by one encoder (``model``, its canonical name)."""

    def __init__(self, engine: Engine, namespace: str, model: str) -> None:
        self.engine = engine
        self.namespace = namespace
        self.model = model
        _tables.create(engine)

    def write(self, chunks: Mapping[str, str], embeddings: Embeddings) -> None:
        """Embed and keep the quotable sentences of these chunks (id → text), replacing their rows."""
        sentences = {chunk_id: quotable_sentences(text) for chunk_id, text in chunks.items()}
        flat = [sentence for found in sentences.values() for _, sentence in found]
        vectors = np.asarray(embeddings.embed_documents(flat), dtype=np.float32) if flat else np.zeros((0, 0))
        rows, position = [], 0
        for chunk_id, found in sentences.items():
            texts = [sentence for _, sentence in found]
            own = vectors[position : position + len(texts)]
            position += len(texts)
            rows.append(
                {
                    "namespace": self.namespace,
                    "chunk_id": chunk_id,
                    "model": self.model,
                    "digest": sentences_digest(texts),
                    "vectors": pack(own) if texts else b"",
                }
            )
        with self.engine.begin() as connection:
            self._delete(connection, list(chunks))
            if rows:
                connection.execute(insert(_rows), rows)

    def read(self, chunks: Mapping[str, str]) -> dict[str, np.ndarray]:
        """Sentence → vector for the sentences of these chunks (id → text) that have rows by this encoder
        for exactly the sentences the text holds now."""
        found: dict[str, np.ndarray] = {}
        if not chunks:
            return found
        with self.engine.connect() as connection:
            stored = connection.execute(
                select(_rows.c.chunk_id, _rows.c.model, _rows.c.digest, _rows.c.vectors).where(
                    _rows.c.namespace == self.namespace, _rows.c.chunk_id.in_(list(chunks))
                )
            ).all()
        for chunk_id, model, digest, blob in stored:
            texts = [sentence for _, sentence in quotable_sentences(chunks[chunk_id])]
            if model != self.model or digest != sentences_digest(texts) or not texts:
                continue
            found.update(zip(texts, unpack(bytes(blob), len(texts)), strict=True))
        return found

    def having(self, ids: Iterable[str]) -> set[str]:
        """Which of these chunks have rows by this encoder."""
        ids = list(ids)
        have: set[str] = set()
        with self.engine.connect() as connection:
            for start in range(0, len(ids), _IN_CLAUSE):
                have.update(
                    str(row[0])
                    for row in connection.execute(
                        select(_rows.c.chunk_id).where(
                            _rows.c.namespace == self.namespace,
                            _rows.c.model == self.model,
                            _rows.c.chunk_id.in_(ids[start : start + _IN_CLAUSE]),
                        )
                    )
                )
        return have

    def count(self) -> int:
        """Chunks with rows by this encoder."""
        with self.engine.connect() as connection:
            return int(
                connection.execute(
                    select(func.count()).where(_rows.c.namespace == self.namespace, _rows.c.model == self.model)
                ).scalar_one()
            )

    def all_ids(self) -> set[str]:
        """Every chunk with rows by this encoder."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(_rows.c.chunk_id).where(_rows.c.namespace == self.namespace, _rows.c.model == self.model)
            )
            return {str(row[0]) for row in rows}

    def delete(self, ids: Sequence[str]) -> None:
        """Remove these chunks' rows (by any encoder)."""
        if ids:
            with self.engine.begin() as connection:
                self._delete(connection, list(ids))

    def clear(self) -> None:
        """Remove every row of this store (a rebuild), by any encoder."""
        with self.engine.begin() as connection:
            connection.execute(delete(_rows).where(_rows.c.namespace == self.namespace))

    def _delete(self, connection: Connection, ids: list[str]) -> None:
        for start in range(0, len(ids), _IN_CLAUSE):
            connection.execute(
                delete(_rows).where(
                    _rows.c.namespace == self.namespace, _rows.c.chunk_id.in_(ids[start : start + _IN_CLAUSE])
                )
            )
