"""Conversations that last: every answered question of the chat and of the HTTP API, kept on disk.

A conversation is a row (its owner, a title, when it was started and last used) and its turns: the
question as asked, the :class:`~assistant.types.Answer` as JSON (``Answer.to_dict()``: its text with
``[n]`` markers and every citation's passage, title, date, outlet and link) and the reader's
feedback (up, down) and note. The Answer is stored, not the HTML the chat showed: the chat renders
it again with :mod:`chat.render` when a conversation is reopened (same text, chips and sources), the
Markdown export and the API read the same record, and conversations started through the API (which
never had HTML) reopen in the chat like any other.

Where it lives: ``ASSISTANT_CONVERSATION_DATABASE`` (a SQLAlchemy URL, e.g. PostgreSQL for a shared
server), by default ``conversations.sqlite`` in the data folder, beside the index folder
(``data/conversations.sqlite`` for ``data/chroma``), not inside it: deleting or rebuilding an index
must not delete what people asked, and a chat started on another index (``--db DIR``, every test)
keeps its own history beside that index.

Every read and write names the owner (the chat's login, "" without one): a conversation of another
owner is as unknown as one never made.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Index, Integer, String, Text, delete, func, insert, select, update
from sqlalchemy.engine import Connection, Engine

from assistant.conversations.book import UnknownConversationError
from assistant.settings import AssistantSettings
from assistant.types import Answer
from index.store.sql import SideTables, new_id, sql_engine, utc_now

FILE_NAME = "conversations.sqlite"
TITLE_CHARS = 80
FEEDBACK = ("up", "down")
NOT_YOURS = (
    "no saved conversation has this id (it was never made, was deleted, or is another login's); start one "
    "with POST /api/conversations, or send the earlier turns as history"
)

_tables = SideTables()
_conversations = _tables.table(
    "conversations",
    Column("id", String(64), primary_key=True),
    Column("owner", String(200), nullable=False),  # the chat login; "" without one
    Column("title", Text, nullable=False),  # the first question (trimmed) until renamed; "" before any turn
    Column("created", String(40), nullable=False),  # ISO 8601, UTC: sorts as text
    Column("updated", String(40), nullable=False),
    Index("ix_conversations_owner", "owner", "updated"),
)
_turns = _tables.table(
    "turns",
    Column("conversation_id", String(64), primary_key=True),
    Column("n", Integer, primary_key=True),  # order within the conversation (gaps where turns were replaced)
    Column("question", Text, nullable=False),  # as the person asked it
    Column("answer_json", Text, nullable=False),  # Answer.to_dict()
    Column("feedback", String(16), nullable=True),  # "up", "down" or none
    Column("note", Text, nullable=False, default=""),
    Column("created", String(40), nullable=False),
)


class UnknownTurnError(LookupError):
    """A turn number a conversation does not have (an answer not saved, or since replaced)."""


@dataclass(frozen=True, slots=True)
class Turn:
    """One question and its answer, with the feedback given on it."""

    n: int
    question: str
    answer: Answer
    feedback: str | None
    note: str
    created: str


@dataclass(frozen=True, slots=True)
class ConversationSummary:
    """A conversation as the list shows it: title, when, how many questions."""

    id: str
    title: str
    created: str
    updated: str
    turns: int


@dataclass(frozen=True, slots=True)
class Conversation:
    """A conversation with all its turns, oldest first."""

    id: str
    owner: str
    title: str
    created: str
    updated: str
    turns: list[Turn]


def now() -> str:
    """Microseconds, as the tables have always stored: two turns within a second keep their order."""
    return utc_now("microseconds")


def title_of(question: str) -> str:
    """A question as a conversation's title: one line, cut at a word before ``TITLE_CHARS``."""
    text = " ".join(question.split())
    if len(text) <= TITLE_CHARS:
        return text
    return text[:TITLE_CHARS].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def database_url(settings: AssistantSettings) -> str:
    """``conversation_database`` when set, else ``conversations.sqlite`` beside the index folder."""
    if settings.conversation_database:
        return settings.conversation_database
    folder = settings.db_path.resolve().parent
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / FILE_NAME}"


class ConversationStore:
    """The conversations of every owner; safe to share between the threads of one process."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        _tables.create(engine)

    @classmethod
    def open(cls, url: str) -> ConversationStore:
        """The store at a SQLAlchemy URL (tables made when missing); SQLite is written ahead (WAL)."""
        return cls(sql_engine(url))

    def start(self, owner: str, conversation_id: str | None = None) -> str:
        """A new, empty conversation of ``owner`` (listed once it has a turn); its id."""
        conversation_id = conversation_id or new_id()
        stamp = now()
        with self.engine.begin() as db:
            db.execute(
                insert(_conversations).values(id=conversation_id, owner=owner, title="", created=stamp, updated=stamp)
            )
        return conversation_id

    def save_turn(
        self, conversation_id: str, owner: str, answer: Answer, question: str | None = None, after: int | None = None
    ) -> int:
        """Save ``answer`` (to ``question``, by default the answer's own) as a turn; its number.

        ``after=None`` adds it after the last turn. ``after=k`` keeps the turns up to ``k`` and
        replaces those after it (``-1``: all): the chat's Retry and Undo rewrite the end of a
        conversation, and what is kept is what the chat shows. A conversation not yet saved is made
        (the chat names its id before the first answer); one of another owner is refused.
        """
        question = question if question is not None else answer.question
        stamp = now()
        with self.engine.begin() as db:
            row = db.execute(select(_conversations).where(_conversations.c.id == conversation_id)).mappings().first()
            if row is None:
                db.execute(
                    insert(_conversations).values(
                        id=conversation_id, owner=owner, title="", created=stamp, updated=stamp
                    )
                )
            elif row["owner"] != owner:
                raise UnknownConversationError(conversation_id, NOT_YOURS)
            if after is not None:
                db.execute(delete(_turns).where(_turns.c.conversation_id == conversation_id, _turns.c.n > after))
                n = after + 1
            else:
                last = db.execute(
                    select(func.max(_turns.c.n)).where(_turns.c.conversation_id == conversation_id)
                ).scalar()
                n = 0 if last is None else last + 1
            db.execute(
                insert(_turns).values(
                    conversation_id=conversation_id,
                    n=n,
                    question=question,
                    answer_json=json.dumps(answer.to_dict(), ensure_ascii=False),
                    feedback=None,
                    note="",
                    created=stamp,
                )
            )
            values: dict[str, Any] = {"updated": stamp}
            if row is None or not row["title"]:
                values["title"] = title_of(question)
            db.execute(update(_conversations).where(_conversations.c.id == conversation_id).values(**values))
        return n

    def conversations(self, owner: str, limit: int = 200) -> list[ConversationSummary]:
        """``owner``'s conversations that have a turn, the most recently used first."""
        count = func.count(_turns.c.n).label("turns")
        query = (
            select(_conversations, count)
            .join(_turns, _turns.c.conversation_id == _conversations.c.id)
            .where(_conversations.c.owner == owner)
            .group_by(*_conversations.c)
            .order_by(_conversations.c.updated.desc(), _conversations.c.created.desc())
            .limit(limit)
        )
        with self.engine.connect() as db:
            rows = db.execute(query).mappings().all()
        return [ConversationSummary(r["id"], r["title"], r["created"], r["updated"], r["turns"]) for r in rows]

    def conversation(self, conversation_id: str, owner: str) -> Conversation:
        """The conversation with its turns; :class:`UnknownConversationError` when ``owner`` has none by this id."""
        with self.engine.connect() as db:
            row = _owned(db, conversation_id, owner)
            rows = db.execute(
                select(_turns).where(_turns.c.conversation_id == conversation_id).order_by(_turns.c.n)
            ).mappings()
            turns = [_turn(turn) for turn in rows]
        return Conversation(row["id"], row["owner"], row["title"], row["created"], row["updated"], turns)

    def rename(self, conversation_id: str, owner: str, title: str) -> str:
        """Give the conversation ``title`` (one line, not empty: :class:`ValueError`); the title kept."""
        title = " ".join(title.split())
        if not title:
            raise ValueError("a conversation's title cannot be empty")
        with self.engine.begin() as db:
            _owned(db, conversation_id, owner)
            db.execute(update(_conversations).where(_conversations.c.id == conversation_id).values(title=title))
        return title

    def delete(self, conversation_id: str, owner: str) -> None:
        """Delete the conversation and its turns (each table by itself: no database needs cascades)."""
        with self.engine.begin() as db:
            _owned(db, conversation_id, owner)
            db.execute(delete(_turns).where(_turns.c.conversation_id == conversation_id))
            db.execute(delete(_conversations).where(_conversations.c.id == conversation_id))

    def set_feedback(self, conversation_id: str, owner: str, n: int, feedback: str | None) -> None:
        """Record ``feedback`` on turn ``n``: "up", "down", or None when the reader took it back."""
        if feedback not in (*FEEDBACK, None):
            raise ValueError(f"feedback is one of {', '.join(FEEDBACK)}, not {feedback!r}")
        self._update_turn(conversation_id, owner, n, {"feedback": feedback})

    def set_note(self, conversation_id: str, owner: str, n: int, note: str) -> None:
        """Record the reader's note on turn ``n`` (its feedback unchanged)."""
        self._update_turn(conversation_id, owner, n, {"note": note.strip()})

    def feedback(self, owner: str) -> list[dict[str, Any]]:
        """Every turn of ``owner`` with feedback or a note, oldest first, as JSON: what reviewing answers needs."""
        query = (
            select(_turns, _conversations.c.title)
            .join(_conversations, _turns.c.conversation_id == _conversations.c.id)
            .where(_conversations.c.owner == owner, (_turns.c.feedback.is_not(None)) | (_turns.c.note != ""))
            .order_by(_turns.c.created)
        )
        with self.engine.connect() as db:
            rows = db.execute(query).mappings().all()
        return [
            {
                "conversation_id": r["conversation_id"],
                "conversation_title": r["title"],
                "turn": r["n"],
                "asked_at": r["created"],
                "question": r["question"],
                "feedback": r["feedback"],
                "note": r["note"],
                "answer": json.loads(r["answer_json"]),
            }
            for r in rows
        ]

    def _update_turn(self, conversation_id: str, owner: str, n: int, values: dict[str, Any]) -> None:
        with self.engine.begin() as db:
            _owned(db, conversation_id, owner)
            done = db.execute(
                update(_turns).where(_turns.c.conversation_id == conversation_id, _turns.c.n == n).values(**values)
            )
            if done.rowcount == 0:
                raise UnknownTurnError(f"conversation {conversation_id!r} has no turn {n}")


def answer_from_dict(data: dict[str, Any]) -> Answer:
    """An :class:`Answer` back from its stored ``to_dict()`` (kept as a name the chat modules import)."""
    return Answer.from_dict(data)


def _turn(row: Any) -> Turn:
    answer = answer_from_dict(json.loads(row["answer_json"]))
    return Turn(row["n"], row["question"], answer, row["feedback"], row["note"], row["created"])


def _owned(db: Connection, conversation_id: str, owner: str) -> Any:
    row = db.execute(select(_conversations).where(_conversations.c.id == conversation_id)).mappings().first()
    if row is None or row["owner"] != owner:
        raise UnknownConversationError(conversation_id, NOT_YOURS)
    return row
