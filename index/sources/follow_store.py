"""Which followed list a deployment uses: one typed interface, two places it can live.

The embedded default (no server) keeps the JSON file of :mod:`index.sources.follow_list`, nothing to
install. A deployment that shares a PostgreSQL database (``ASSISTANT_FOLLOW_DATABASE_URL``, else the
keyword index's or record manager's PostgreSQL URL: :attr:`index.settings.StoreSettings.follow_database`)
keeps the list and each feed's state in that database (:mod:`index.sources.follow_shared`), so every
replica's feeds panel, ``follow list`` and API show the same list. The follower, the chat and the
commands only see :class:`FollowStore`, so neither knows where the list lives.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from index.settings import IndexSettings
from index.sources.follow_list import Followed, FollowList
from index.sources.follow_shared import SharedFollowList  # connecting needs the server extra (psycopg)


class FollowStore(Protocol):
    """The followed feeds and their state; every method reads afresh (other processes may write)."""

    def entries(self) -> list[Followed]: ...

    def get(self, url: str) -> Followed | None: ...

    def add(self, url: str) -> Followed: ...

    def remove(self, url: str) -> bool: ...

    def update(self, url: str, change: Callable[[Followed], None]) -> Followed | None: ...

    def marker(self) -> object:
        """Different whenever the list or a feed's state may have changed (cheap: no list is read)."""
        ...


def open_follow_list(settings: IndexSettings) -> FollowStore:
    """The shared list when the deployment has a PostgreSQL database, else the JSON file."""
    database = settings.follow_database
    if not database:
        return FollowList(settings.follow_file)
    shared = SharedFollowList.connect(database, settings.collection)
    shared.import_once(FollowList(settings.follow_file))
    return shared
