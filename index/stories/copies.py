"""The same story once: articles that repeat an indexed one are recorded as copies, not indexed.

A wire story republished by several outlets, or a page fetched again under another address with a
new ad block, is one story. Before an article is indexed, it is compared with every article indexed
so far, across builds and fetches:

- the same canonical URL under another id is the same article;
- near-duplicate text is the same story: MinHash signatures (``datasketch``) of the text's 5-word
  shingles, found through locality-sensitive hashing (16 bands of 8 rows: pairs above ~0.7 Jaccard
  share a band with high probability) and merged when the estimated Jaccard similarity reaches
  :data:`SAME_STORY`.

The kept article remembers every copy (its outlet, URL, title, date), which citations show as
"also published by …". Signatures, bands and copies live in SQL tables beside LangChain's record
manager (the same database, so a Chroma-server deployment sharing that database shares them too).
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from datasketch import MinHash
from sqlalchemy import Column, Float, Index, Integer, LargeBinary, String, delete, insert, or_, select
from sqlalchemy.engine import Connection, Engine

from index.articles import Article
from index.store.sql import SideTables

logger = logging.getLogger(__name__)

# Estimated Jaccard similarity of 5-word shingles from which two texts are one story: high, because
# merging two stories hides one, while missing a copy only shows a story twice.
SAME_STORY = 0.8
_NUM_PERM = 128
_SCHEME = "affine32"  # fixed: stored signatures must keep comparing with new ones across datasketch versions
_BANDS, _ROWS = 16, 8
_SHINGLE_WORDS = 5
_MIN_SHINGLES = 30  # shorter texts have too few shingles for a trustworthy estimate: exact text only
_WORD = re.compile(r"\w+", re.UNICODE)

_tables = SideTables()
_articles = _tables.table(
    "story_articles",
    Column("namespace", String(200), primary_key=True),
    Column("article_id", String(500), primary_key=True),
    Column("url", String(2000), index=True),
    Column("digest", String(64), index=True),
    Column("signature", LargeBinary, nullable=True),
)
_bands = _tables.table(
    "story_bands",
    Column("namespace", String(200), nullable=False),
    Column("band_key", String(40), nullable=False),
    Column("article_id", String(500), nullable=False),
    Index("ix_story_bands_lookup", "namespace", "band_key"),
    Index("ix_story_bands_article", "namespace", "article_id"),
)
_copies = _tables.table(
    "story_copies",
    Column("namespace", String(200), primary_key=True),
    Column("copy_id", String(500), primary_key=True),
    Column("kept_id", String(500), nullable=False, index=True),
    Column("source", String(500)),
    Column("url", String(2000)),
    Column("title", String(1000)),
    Column("date", String(10)),
    Column("similarity", Float),
    Column("seen_at", Integer),
)
copies_table = _copies  # public: index.stories.groups resolves a wire copy to its kept article's story


@dataclass(frozen=True, slots=True)
class Copy:
    """Another publication of a kept article: what "also published by" shows."""

    copy_id: str
    source: str
    url: str
    title: str
    date: str


@dataclass(frozen=True, slots=True)
class SameStory:
    """Why an article is not indexed: the indexed article it repeats, and how it was recognised."""

    kept_id: str
    reason: str  # "same URL", "same text" or "near-duplicate text (0.83)"
    similarity: float


def text_digest(text: str) -> str:
    """Hash of a text, whitespace aside: two articles with one digest are one story."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


class StoryRegistry:
    """Which stories are indexed, and the copies of each; one per store."""

    def __init__(self, engine: Engine, namespace: str) -> None:
        self.engine = engine
        self.namespace = namespace
        _tables.create(engine)
        self._template = MinHash(num_perm=_NUM_PERM, scheme=_SCHEME)  # permutations reused: costly to make
        self._lock = threading.Lock()

    def original_of(self, article: Article) -> SameStory | None:
        """The indexed article (another id) that ``article`` repeats, or None when it is news."""
        with self.engine.connect() as connection:
            if article.url:
                row = connection.execute(
                    select(_articles.c.article_id).where(
                        _articles.c.namespace == self.namespace,
                        _articles.c.url == article.url,
                        _articles.c.article_id != article.id,
                    )
                ).first()
                if row:
                    return SameStory(str(row[0]), "same URL", 1.0)
            row = connection.execute(
                select(_articles.c.article_id).where(
                    _articles.c.namespace == self.namespace,
                    _articles.c.digest == text_digest(article.text),
                    _articles.c.article_id != article.id,
                )
            ).first()
            if row:
                return SameStory(str(row[0]), "same text", 1.0)
            signature = self._signature(article.text)
            if signature is None:
                return None
            candidates = connection.execute(
                select(_articles.c.article_id, _articles.c.signature)
                .where(_articles.c.namespace == self.namespace, _articles.c.article_id != article.id)
                .where(
                    _articles.c.article_id.in_(
                        select(_bands.c.article_id).where(
                            _bands.c.namespace == self.namespace, _bands.c.band_key.in_(_band_keys(signature))
                        )
                    )
                )
            ).all()
        best: tuple[float, str] | None = None
        for article_id, stored in candidates:
            if stored is None:
                continue
            similarity = float(np.mean(np.frombuffer(stored, dtype=np.uint32) == signature.hashvalues))
            if similarity >= SAME_STORY and (best is None or similarity > best[0]):
                best = (similarity, str(article_id))
        if best is None:
            return None
        return SameStory(best[1], f"near-duplicate text ({best[0]:.2f})", best[0])

    def remember(self, articles: Iterable[Article]) -> None:
        """Record kept articles (replacing what was recorded for their ids)."""
        rows, bands = [], []
        articles_list = list(articles)
        for article in articles_list:
            signature = self._signature(article.text)
            rows.append(
                {
                    "namespace": self.namespace,
                    "article_id": article.id,
                    "url": article.url or None,
                    "digest": text_digest(article.text),
                    "signature": signature.hashvalues.astype(np.uint32).tobytes() if signature is not None else None,
                }
            )
            if signature is not None:
                bands += [
                    {"namespace": self.namespace, "band_key": key, "article_id": article.id}
                    for key in _band_keys(signature)
                ]
        if not rows:
            return
        ids = [article.id for article in articles_list]
        with self._lock, self.engine.begin() as connection:
            self._delete(connection, ids, copies=False)
            connection.execute(insert(_articles), rows)
            if bands:
                connection.execute(insert(_bands), bands)

    def remember_missing(self, articles: Sequence[Article]) -> None:
        """Record the articles not recorded yet (those indexed before stories were kept)."""
        if not articles:
            return
        with self.engine.connect() as connection:
            known = {
                str(row[0])
                for row in connection.execute(
                    select(_articles.c.article_id).where(
                        _articles.c.namespace == self.namespace,
                        _articles.c.article_id.in_([article.id for article in articles]),
                    )
                )
            }
        self.remember([article for article in articles if article.id not in known])

    def record_copy(self, article: Article, same: SameStory) -> None:
        """Remember ``article`` as another publication of ``same.kept_id``."""
        row = {
            "namespace": self.namespace,
            "copy_id": article.id,
            "kept_id": same.kept_id,
            "source": article.source,
            "url": article.url,
            "title": article.title,
            "date": article.date or "",
            "similarity": same.similarity,
            "seen_at": int(datetime.now(UTC).timestamp()),
        }
        with self._lock, self.engine.begin() as connection:
            connection.execute(
                delete(_copies).where(_copies.c.namespace == self.namespace, _copies.c.copy_id == article.id)
            )
            connection.execute(insert(_copies), [row])

    def forget(self, article_ids: Sequence[str]) -> None:
        """Removed articles: their signatures, and the copies recorded under them or as them."""
        if article_ids:
            with self._lock, self.engine.begin() as connection:
                self._delete(connection, list(article_ids), copies=True)

    def forget_copies_except(self, copy_ids: set[str]) -> None:
        """Forget the recorded copies whose id is not in ``copy_ids`` (their files are gone: a prune)."""
        with self.engine.connect() as connection:
            recorded = {
                str(row[0])
                for row in connection.execute(select(_copies.c.copy_id).where(_copies.c.namespace == self.namespace))
            }
        gone = sorted(recorded - copy_ids)
        with self._lock, self.engine.begin() as connection:
            for start in range(0, len(gone), 500):
                connection.execute(
                    delete(_copies).where(
                        _copies.c.namespace == self.namespace, _copies.c.copy_id.in_(gone[start : start + 500])
                    )
                )

    def copies_of(self, article_ids: Sequence[str]) -> dict[str, list[Copy]]:
        """The recorded copies of each kept article (oldest first)."""
        if not article_ids:
            return {}
        query = (
            select(
                _copies.c.kept_id, _copies.c.copy_id, _copies.c.source, _copies.c.url, _copies.c.title, _copies.c.date
            )
            .where(_copies.c.namespace == self.namespace, _copies.c.kept_id.in_(list(article_ids)))
            .order_by(_copies.c.seen_at, _copies.c.copy_id)
        )
        found: dict[str, list[Copy]] = {}
        with self.engine.connect() as connection:
            for kept_id, copy_id, source, url, title, day in connection.execute(query):
                found.setdefault(str(kept_id), []).append(
                    Copy(str(copy_id), source or "", url or "", title or "", day or "")
                )
        return found

    def kept_for(self, copy_ids: Sequence[str]) -> dict[str, str]:
        """For articles that were recorded as copies: the article indexed in their place."""
        if not copy_ids:
            return {}
        query = select(_copies.c.copy_id, _copies.c.kept_id).where(
            _copies.c.namespace == self.namespace, _copies.c.copy_id.in_(list(copy_ids))
        )
        with self.engine.connect() as connection:
            return {str(copy_id): str(kept_id) for copy_id, kept_id in connection.execute(query)}

    def clear(self) -> None:
        """Forget everything of this namespace (a rebuild)."""
        with self._lock, self.engine.begin() as connection:
            for table in (_articles, _bands, _copies):
                connection.execute(delete(table).where(table.c.namespace == self.namespace))

    def _delete(self, connection: Connection, article_ids: list[str], *, copies: bool) -> None:
        run = connection.execute
        for start in range(0, len(article_ids), 500):
            batch = article_ids[start : start + 500]
            run(delete(_articles).where(_articles.c.namespace == self.namespace, _articles.c.article_id.in_(batch)))
            run(delete(_bands).where(_bands.c.namespace == self.namespace, _bands.c.article_id.in_(batch)))
            if copies:
                run(
                    delete(_copies).where(
                        _copies.c.namespace == self.namespace,
                        or_(_copies.c.kept_id.in_(batch), _copies.c.copy_id.in_(batch)),
                    )
                )

    def _signature(self, text: str) -> MinHash | None:
        words = _WORD.findall(text.lower())
        shingles = {" ".join(words[i : i + _SHINGLE_WORDS]) for i in range(len(words) - _SHINGLE_WORDS + 1)}
        if len(shingles) < _MIN_SHINGLES:
            return None
        signature = MinHash(num_perm=_NUM_PERM, permutations=self._template.permutations, scheme=_SCHEME)
        signature.update_batch([shingle.encode("utf-8") for shingle in shingles])
        return signature


def _band_keys(signature: MinHash) -> list[str]:
    values = signature.hashvalues.astype(np.uint32)
    return [
        f"{band}:{hashlib.blake2b(values[band * _ROWS : (band + 1) * _ROWS].tobytes(), digest_size=8).hexdigest()}"
        for band in range(_BANDS)
    ]
