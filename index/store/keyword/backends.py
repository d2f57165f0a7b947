"""Where keyword search lives: a plug point (:class:`KeywordSearch`) and the backends registered for it.

- ``tantivy`` (the default): a tantivy folder beside the index, written in the same calls that write
  Chroma. Nothing to install. With a Chroma server each machine has its own folder and catches up
  with the others every ``keyword_sync_seconds`` (by comparing chunk ids: fine for one machine or a
  few small ones, costly at a million chunks).
- ``postgres``: one table in the PostgreSQL database the deployment shares (``index.store.keyword.postgres``),
  read and written by every replica and indexer: a new replica serves at once, nothing to catch up.

Which one is a setting (``ASSISTANT_KEYWORD_INDEX``); another engine registers itself with
``KEYWORD_BACKENDS.register(name, opener)`` (an :class:`index.registry.Registry`), the opener
making it from the settings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

from index.errors import UserError
from index.registry import Registry
from index.settings import StoreSettings
from index.store.errors import StoreError
from index.store.keyword.tantivy import KeywordIndex


class KeywordSearch(Protocol):
    """BM25-like search over the same chunk ids as the Chroma collection."""

    shared: bool  # True when every machine reads the same index (no catching up with other indexers)

    def count(self) -> int: ...

    def is_empty(self) -> bool: ...

    def add(
        self,
        ids: Sequence[str],
        texts: Sequence[str],
        metadatas: Sequence[dict[str, Any] | None],
        *,
        replace: bool = ...,
    ) -> None: ...

    def folding(self) -> str | None:
        """The :data:`index.folding.FOLDING` its text was written with (``None``: before folding)."""
        ...

    def mark_folded(self) -> None: ...

    def delete(self, ids: Iterable[str]) -> None: ...

    def clear(self) -> None: ...

    def all_ids(self) -> set[str]: ...

    def search(
        self,
        question: str,
        k: int,
        *,
        date_range: tuple[int, int] | None = None,
        sources: Sequence[str] | None = None,
    ) -> list[tuple[str, float]]: ...


def _tantivy(settings: StoreSettings, namespace: str) -> KeywordSearch:
    return KeywordIndex(settings.db_path / "keyword")


def _postgres(settings: StoreSettings, namespace: str) -> KeywordSearch:
    url = settings.keyword_database
    try:
        from index.store.keyword.postgres import PostgresKeywordIndex, postgres_engine  # noqa: PLC0415 - optional driver
    except ImportError as error:  # psycopg is the extra "server"
        raise StoreError(
            f"ASSISTANT_KEYWORD_INDEX=postgres needs psycopg ({error}): pip install 'news-assistant[server]'"
        ) from error
    try:
        return PostgresKeywordIndex(postgres_engine(url), namespace)
    except Exception as error:  # the server is down, the URL is wrong, no permission
        raise StoreError(
            f"The keyword database {_without_password(url)} cannot be used ({type(error).__name__}: "
            f"{str(error).strip().splitlines()[0] if str(error).strip() else 'no detail'}). Start it or correct "
            "ASSISTANT_KEYWORD_DATABASE_URL (or ASSISTANT_RECORD_MANAGER_URL)."
        ) from error


class UnknownKeywordIndexError(UserError, LookupError):
    """``ASSISTANT_KEYWORD_INDEX`` names no registered keyword backend."""


KeywordOpener = Callable[[StoreSettings, str], KeywordSearch]
KEYWORD_BACKENDS: Registry[KeywordOpener] = Registry("keyword index", UnknownKeywordIndexError)
KEYWORD_BACKENDS.register("tantivy", _tantivy)
KEYWORD_BACKENDS.register("postgres", _postgres)


def open_keyword_index(settings: StoreSettings, namespace: str) -> KeywordSearch:
    """The keyword index the settings name, for the collection whose record-manager namespace is given."""
    return KEYWORD_BACKENDS.get(settings.keyword_index)(settings, namespace)


def _without_password(url: str) -> str:
    """The URL as it may be printed: a password in it is masked."""
    scheme, _, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if at and ":" in credentials:
        credentials = credentials.split(":", 1)[0] + ":***"
    return f"{scheme}://{credentials}{at}{host}"
