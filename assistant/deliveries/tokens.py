"""Feed tokens: what lets a feed reader, which cannot log in, read one person's feeds.

With a chat login, ``/feeds/briefing.atom`` and ``/feeds/followed.atom`` need it like the API does;
a feed reader sends no password, so each login may have one token to put in the feed's URL
(``?token=...``). The token opens those two routes only, as that login (its followed questions), and
nothing else: not the chat, not the API. Making a new token revokes the old one; revoking leaves
none. Only a hash of the token is kept (SHA-256: the token is 32 random bytes, nothing to guess),
so the database does not hold a usable key. Tokens live in the conversations' database.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import Column, String, delete, insert, select
from sqlalchemy.engine import Engine

from assistant.conversations.store import database_url
from assistant.settings import AssistantSettings
from index.store.sql import SideTables, sql_engine, utc_now

_tables = SideTables()
_tokens = _tables.table(
    "feed_tokens",
    Column("owner", String(200), primary_key=True),  # the chat login; "" without one
    Column("token_hash", String(64), nullable=False, unique=True),  # SHA-256 of the token, hex
    Column("created", String(40), nullable=False),
)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class FeedTokens:
    """One revocable feed token per login (see the module docstring)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        _tables.create(engine)

    @classmethod
    def open(cls, settings: AssistantSettings) -> FeedTokens:
        return cls(sql_engine(database_url(settings)))

    def issue(self, owner: str) -> str:
        """A new token for ``owner``, replacing (revoking) the one they had."""
        token = secrets.token_urlsafe(32)
        with self.engine.begin() as db:
            db.execute(delete(_tokens).where(_tokens.c.owner == owner))
            db.execute(insert(_tokens).values(owner=owner, token_hash=_hash(token), created=utc_now()))
        return token

    def revoke(self, owner: str) -> bool:
        """Revoke ``owner``'s token; False when they had none."""
        with self.engine.begin() as db:
            return db.execute(delete(_tokens).where(_tokens.c.owner == owner)).rowcount > 0

    def owner_of(self, token: str) -> str | None:
        """The login ``token`` belongs to, or None for an unknown or revoked one."""
        if not token:
            return None
        with self.engine.connect() as db:
            owner = db.execute(select(_tokens.c.owner).where(_tokens.c.token_hash == _hash(token))).scalar()
        return None if owner is None else str(owner)
