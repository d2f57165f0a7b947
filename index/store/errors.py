"""The store's errors: each says what to do (see :mod:`index.errors`)."""

from __future__ import annotations

from index.errors import UserError


class StoreError(UserError):
    """A problem with the index that the user can fix; the message says how."""


class StoreBusyError(StoreError):
    """An embedded index is already owned by another process (the chat, or another build)."""


class StoreUnreadableError(StoreError):
    """The index folder is damaged (or not an index), or the Chroma server cannot be reached."""


class EmbeddingModelMismatchError(StoreError):
    """The collection was built with another model: its vectors are not comparable to ours."""
