"""The one place that knows Chroma: the store, its catalogue of articles, the process lock, reset.

- :mod:`index.store.store`: :class:`ArticleStore` (search by vector with a filter, chunks by id,
  writes through LangChain's record manager, the keyword index kept in step).
- :mod:`index.store.catalogue`: listing articles, a whole article, the index's figures.
- :mod:`index.store.chroma`: the Chroma client (embedded or a server), model check and reset.
- :mod:`index.store.lock`: one process owns an embedded index.
- :mod:`index.store.filters`: dates and sources a search keeps.
- :mod:`index.store.sql`: the side stores' SQL (engine for a URL, times, ids, tables).
"""

from index.store.catalogue import IndexedArticle
from index.store.chroma import embedding_text, reset_store
from index.store.errors import EmbeddingModelMismatchError, StoreBusyError, StoreError, StoreUnreadableError
from index.store.filters import ChunkFilter
from index.store.lock import claim_store
from index.store.sql import sql_engine
from index.store.store import ArticleStore, StoredChunk

__all__ = [
    "ArticleStore",
    "ChunkFilter",
    "EmbeddingModelMismatchError",
    "IndexedArticle",
    "StoreBusyError",
    "StoreError",
    "StoreUnreadableError",
    "StoredChunk",
    "claim_store",
    "embedding_text",
    "reset_store",
    "sql_engine",
]
