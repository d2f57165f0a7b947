"""Ingestion: load articles, split them into sentence-aware chunks, embed them into Chroma.

``python -m index build [PATH ...]`` keeps the index in line with the articles, incrementally.
"""

from index.articles import Article, LoadError
from index.build import BuildReport, build_index
from index.settings import Settings, default_settings
from index.store import ArticleStore, EmbeddingModelMismatchError

__all__ = [
    "Article",
    "ArticleStore",
    "BuildReport",
    "EmbeddingModelMismatchError",
    "LoadError",
    "Settings",
    "build_index",
    "default_settings",
]
