"""Keyword (BM25) search over the store's chunks: the plug point and its backends (tantivy, PostgreSQL)."""
