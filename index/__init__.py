"""Ingestion and the store: load articles, split them into sentence-aware chunks, embed them into Chroma.

``python -m index build [PATH ...]`` keeps the index in line with the articles, incrementally.
"""

from index.offline import go_offline

go_offline()  # before anything below imports a library that reads the switches

from index.articles import Article, LoadError  # noqa: E402
from index.build import BuildReport, build_index  # noqa: E402
from index.settings import IndexSettings, default_index_settings  # noqa: E402
from index.store import ArticleStore, EmbeddingModelMismatchError  # noqa: E402

__all__ = [
    "Article",
    "ArticleStore",
    "BuildReport",
    "EmbeddingModelMismatchError",
    "IndexSettings",
    "LoadError",
    "build_index",
    "default_index_settings",
]
