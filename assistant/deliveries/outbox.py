"""The outbox: every digest and its items recorded before it is sent, marked sent after.

Why an outbox: building a digest and handing it to a mail server are two steps, and a process may
die between them (killed, a power cut, the SMTP server down). The digest is written, whole, in one
transaction with its items before anything is sent; it is marked sent only once the server accepted
it. A digest still pending when a sender starts again is sent before anything new is built, with the
same id: delivery is **at least once**. A crash after the server accepted the message and before it
was marked sent means it is sent again (at most that digest, once per restart); the receiver tells
the repeat by its ``X-Digest-Id`` header (and ``Message-ID``), which are the same both times.

The items are also what "new" is measured against: a story whose cited articles were all in the
period of an earlier digest of the same subscription (each digest records every article of its
period, told or not, as ``covered`` rows), or a followed question's source already sent, is not sent
again (:mod:`assistant.deliveries.build`). Pending digests count as sent for that: they will be.

Where it lives: in the conversations' database (``ASSISTANT_CONVERSATION_DATABASE``, by default
``conversations.sqlite`` beside the index folder), so a deployment that shares conversations in
PostgreSQL shares its outbox too, and rebuilding the index forgets nothing that was sent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Literal

from sqlalchemy import Column, Index, Integer, String, Text, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement

from assistant.conversations.store import database_url
from assistant.deliveries.digest import Digest, ItemKind, Subscription
from assistant.settings import AssistantSettings
from index.store.sql import SideTables, sql_engine, utc_now

PENDING, SENT = "pending", "sent"
COVERED: Literal["covered"] = "covered"  # an item row's kind for an article of the digest's period, told or not
RowKind = ItemKind | Literal["covered"]

_tables = SideTables()
_digests = _tables.table(
    "digests",
    Column("id", String(64), primary_key=True),
    Column("channel", String(20), nullable=False),  # "email", "webhook"
    Column("recipient", String(400), nullable=False),  # the address or URL
    Column("owner", String(200), nullable=False),  # whose followed questions; "" without a login
    Column("topic", Text, nullable=False),  # "" for all the news
    Column("since", String(10), nullable=False),  # the period, ISO days
    Column("until", String(10), nullable=False),
    Column("status", String(16), nullable=False),  # pending, sent
    Column("created", String(40), nullable=False),  # ISO 8601, UTC: sorts as text
    Column("sent_at", String(40), nullable=True),
    Column("attempts", Integer, nullable=False),  # sends tried (a failed one, or one cut short, counts)
    Column("last_error", Text, nullable=False),  # why the last attempt failed; "" when none did
    Column("digest_json", Text, nullable=False),  # Digest.to_dict(): sent again exactly as built
    Index("ix_digests_subscription", "channel", "recipient", "owner", "topic", "status"),
)
_items = _tables.table(
    "digest_items",
    Column("digest_id", String(64), primary_key=True),
    Column("n", Integer, primary_key=True),  # the item's place in its digest
    Column("article_id", String(400), primary_key=True),  # one row per article the item sends
    Column("kind", String(16), nullable=False),  # story, followed; covered (n 0): in the period, told or not
    Column("ref", String(40), nullable=False),  # the followed question's id; "" for a story
    Column("title", Text, nullable=False),  # the story's title or the question
)


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """A recorded digest and how its delivery went."""

    digest: Digest
    status: str
    created: str
    sent_at: str | None
    attempts: int
    last_error: str


class Outbox:
    """Digests recorded before sending (see the module docstring); safe to share between threads."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        _tables.create(engine)

    @classmethod
    def open(cls, settings: AssistantSettings) -> Outbox:
        """The outbox in the conversations' database of ``settings``."""
        return cls(sql_engine(database_url(settings)))

    def record(self, digest: Digest) -> bool:
        """Write ``digest`` and its items, pending, in one transaction; False when it was already recorded."""
        sub = digest.subscription
        rows = [
            {"digest_id": digest.id, "n": item.n, "article_id": article, "kind": item.kind, "ref": item.ref}
            | {"title": item.title}
            for item in digest.items()
            for article in item.articles
        ]
        rows += [
            {"digest_id": digest.id, "n": 0, "article_id": article, "kind": COVERED, "ref": "", "title": ""}
            for article in dict.fromkeys(digest.covered)
        ]
        try:
            with self.engine.begin() as db:
                db.execute(
                    insert(_digests).values(
                        id=digest.id,
                        channel=sub.channel,
                        recipient=sub.recipient,
                        owner=sub.owner,
                        topic=sub.topic,
                        since=digest.since.isoformat(),
                        until=digest.until.isoformat(),
                        status=PENDING,
                        created=utc_now("microseconds"),
                        sent_at=None,
                        attempts=0,
                        last_error="",
                        digest_json=json.dumps(digest.to_dict(), ensure_ascii=False),
                    )
                )
                if rows:
                    db.execute(insert(_items), rows)
        except IntegrityError:  # the same digest (same id: same content) is recorded already
            return False
        return True

    def attempting(self, digest_id: str) -> None:
        """A send of ``digest_id`` begins: counted before, so one cut short by a crash counts too."""
        with self.engine.begin() as db:
            db.execute(update(_digests).where(_digests.c.id == digest_id).values(attempts=_digests.c.attempts + 1))

    def mark_sent(self, digest_id: str) -> None:
        with self.engine.begin() as db:
            db.execute(
                update(_digests)
                .where(_digests.c.id == digest_id)
                .values(status=SENT, sent_at=utc_now("microseconds"), last_error="")
            )

    def mark_failed(self, digest_id: str, error: str) -> None:
        """The send failed: the digest stays pending, with the reason kept for whoever lists it."""
        with self.engine.begin() as db:
            db.execute(update(_digests).where(_digests.c.id == digest_id).values(last_error=error))

    def claim_pending(self, subscription: Subscription) -> list[Digest]:
        """The subscription's pending digests this process claimed, oldest first, each attempt counted.

        A claim is one conditional UPDATE (``attempts = attempts + 1 WHERE attempts = <as read>``): of
        several replicas that read the same row, one changes it and the others change nothing and
        leave the digest alone. Works the same on SQLite and PostgreSQL.
        """
        query = (
            select(_digests.c.id, _digests.c.attempts, _digests.c.digest_json)
            .where(*_of(subscription), _digests.c.status == PENDING)
            .order_by(_digests.c.created)
        )
        claimed = []
        with self.engine.connect() as db:
            rows = db.execute(query).all()
        for digest_id, attempts, digest_json in rows:
            claim = (
                update(_digests)
                .where(_digests.c.id == digest_id, _digests.c.status == PENDING, _digests.c.attempts == attempts)
                .values(attempts=attempts + 1)
            )
            with self.engine.begin() as db:
                if db.execute(claim).rowcount == 1:
                    claimed.append(Digest.from_dict(json.loads(digest_json)))
        return claimed

    def entries(self, subscription: Subscription | None = None) -> list[OutboxEntry]:
        """Every recorded digest (the subscription's, when given), newest first."""
        query = select(_digests).order_by(_digests.c.created.desc())
        if subscription is not None:
            query = query.where(*_of(subscription))
        with self.engine.connect() as db:
            rows = db.execute(query).mappings().all()
        return [
            OutboxEntry(
                Digest.from_dict(json.loads(row["digest_json"])),
                row["status"],
                row["created"],
                row["sent_at"],
                int(row["attempts"]),
                row["last_error"],
            )
            for row in rows
        ]

    def last_until(self, subscription: Subscription) -> date | None:
        """The last day the subscription's latest recorded digest covered, or None before the first."""
        query = select(_digests.c.until).where(*_of(subscription)).order_by(_digests.c.until.desc()).limit(1)
        with self.engine.connect() as db:
            day = db.execute(query).scalar()
        return date.fromisoformat(day) if day else None

    def sent_articles(self, subscription: Subscription, kind: RowKind) -> set[tuple[str, str]]:
        """``(ref, article_id)`` of every row of ``kind`` the subscription's digests (sent or pending) hold."""
        query = (
            select(_items.c.ref, _items.c.article_id)
            .join(_digests, _digests.c.id == _items.c.digest_id)
            .where(*_of(subscription), _items.c.kind == kind)
        )
        with self.engine.connect() as db:
            return {(str(ref), str(article)) for ref, article in db.execute(query).all()}


def _of(subscription: Subscription) -> tuple[ColumnElement[bool], ...]:
    return (
        _digests.c.channel == subscription.channel,
        _digests.c.recipient == subscription.recipient,
        _digests.c.owner == subscription.owner,
        _digests.c.topic == subscription.topic,
    )
