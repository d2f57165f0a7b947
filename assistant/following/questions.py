"""Followed questions: asked again after every index update, so a person sees what is new.

News questions keep moving ("What is the latest on the Kessel dam?"): an answer that was right on
Monday may have a newer source by Wednesday. A person follows a question with the answer they saw;
after each index update (a build, an upload in the chat, a feed fetch) :meth:`FollowedQuestions.refresh`
asks every followed question again. When the latest answer cites an article the answer last *seen*
did not, the question has new sources: the chat shows a badge and, once opened, the latest answer with
those citations marked and the earlier one beside it (:meth:`FollowedQuestions.mark_seen`).

Why "a new article cited" and not "a different answer": the extractive answer may reorder or swap a
sentence of an already cited article from one build to the next, which is not news to the reader;
an article never cited before is. A source that stops being cited is recorded (``gone``) but shown
only as "sources changed" when nothing new came.

Where it lives: with a shared record manager (``ASSISTANT_RECORD_MANAGER_URL``, a server deployment)
in that database, so every machine sees the same followed questions; otherwise in its own SQLite file
beside the index (``<db_path>/followed_questions.sqlite``), not in ``record_manager.sqlite``, which
rebuilding a damaged index deletes. Rows are keyed by collection and owner (the chat login; "" without
one), so people sharing a server keep their own lists.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from sqlalchemy import Column, Index, Integer, String, Text, delete, insert, select, update
from sqlalchemy.engine import Engine, RowMapping

from assistant.types import Answer, Citation, Filters
from index.errors import UserError
from index.settings import StoreSettings
from index.store.sql import SideTables, sql_engine, utc_now

FILE_NAME = "followed_questions.sqlite"

_tables = SideTables()
_followed = _tables.table(
    "followed_questions",
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("namespace", String(200), nullable=False),  # the collection: another index, other questions
    Column("owner", String(200), nullable=False),  # the chat login; "" without one
    Column("question", Text, nullable=False),
    Column("filters", Text, nullable=False),  # JSON: as_of, since, until, sources
    Column("seen_answer", Text, nullable=False),  # Answer.to_dict() JSON: what the person last looked at
    Column("seen_at", String(40), nullable=False),
    Column("latest_answer", Text, nullable=False),  # the answer of the last check
    Column("checked_at", String(40), nullable=False),
    Column("earlier_answer", Text, nullable=True),  # the seen answer a later one replaced: "Earlier answer"
    Column("followed_at", String(40), nullable=False),
    Index("ix_followed_questions_owner", "namespace", "owner"),
)


class FollowedQuestionError(UserError):
    """A followed question that does not exist (``follow remove 999``)."""


class Asker(Protocol):
    """What re-asks a question: :class:`~assistant.service.Assistant` (a protocol, so tests may stub it)."""

    def ask(self, question: str, history: Any = None, filters: Filters | None = None) -> Answer: ...


def cited_articles(answer: Answer) -> set[str]:
    return {citation.article_id for citation in answer.citations}


def new_citations(latest: Answer, seen: Answer) -> list[Citation]:
    """The citations of ``latest`` whose article ``seen`` did not cite, in the answer's order."""
    before = cited_articles(seen)
    return [citation for citation in latest.citations if citation.article_id not in before]


@dataclass(frozen=True, slots=True)
class FollowedQuestion:
    """One followed question: the answer last seen, the latest answer, and when each was taken."""

    id: int
    owner: str
    question: str
    filters: Filters
    seen: Answer
    seen_at: str
    latest: Answer
    checked_at: str
    followed_at: str
    earlier: Answer | None = None  # the answer seen before the last one: shown beside it

    @property
    def new(self) -> list[Citation]:
        """The latest answer's citations of articles the seen answer did not cite."""
        return new_citations(self.latest, self.seen)

    @property
    def new_sources(self) -> int:
        """How many articles the latest answer cites that the seen one did not."""
        return len({citation.article_id for citation in self.new})

    @property
    def changed(self) -> bool:
        """The latest answer cites another set of articles than the one last seen."""
        return cited_articles(self.latest) != cited_articles(self.seen)


@dataclass(frozen=True, slots=True)
class Change:
    """A followed question whose latest answer cites other articles than the one last seen."""

    followed: FollowedQuestion
    new: list[Citation] = field(default_factory=list)  # cited now, not in the seen answer
    gone: list[str] = field(default_factory=list)  # article ids the seen answer cited and the latest does not


def database_url(settings: StoreSettings) -> str:
    """The shared record manager's database when one is configured, else a SQLite file beside the index."""
    if settings.record_manager_url:
        return settings.record_manager_url
    settings.db_path.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{(settings.db_path / FILE_NAME).resolve()}"


class FollowedQuestions:
    """The followed questions of one collection; safe to share between threads of one process."""

    def __init__(self, engine: Engine, namespace: str) -> None:
        self.engine = engine
        self.namespace = namespace
        self._refresh_lock = threading.Lock()  # one refresh at a time: two would ask everything twice
        _tables.create(engine)

    @classmethod
    def open(cls, settings: StoreSettings) -> FollowedQuestions:
        return cls(sql_engine(database_url(settings)), f"chroma/{settings.collection}")

    def follow(
        self, question: str, answer: Answer, owner: str = "", filters: Filters | None = None
    ) -> FollowedQuestion:
        """Follow ``question`` (with ``filters``) as ``owner``, ``answer`` being the one they have seen.

        Following a question already followed (same words and filters) takes ``answer`` as seen
        instead of adding it twice.
        """
        question = " ".join(question.split())
        if not question:
            raise FollowedQuestionError("a question to follow cannot be empty")
        filters = filters or Filters()
        stamp, shown, wanted = utc_now(), _dump(answer.to_dict()), _dump(filters_to_dict(filters))
        with self.engine.begin() as connection:
            existing = connection.execute(
                select(_followed.c.id).where(
                    self._of(owner), _followed.c.question == question, _followed.c.filters == wanted
                )
            ).scalar()
            values = {"seen_answer": shown, "seen_at": stamp, "latest_answer": shown, "checked_at": stamp}
            if existing is not None:
                connection.execute(update(_followed).where(_followed.c.id == existing).values(**values))
                number = int(existing)
            else:
                result = connection.execute(
                    insert(_followed).values(
                        namespace=self.namespace,
                        owner=owner,
                        question=question,
                        filters=wanted,
                        followed_at=stamp,
                        **values,
                    )
                )
                number = int(result.inserted_primary_key[0])  # type: ignore[index]
        return self.get(number, owner)

    def get(self, number: int, owner: str | None = None) -> FollowedQuestion:
        """Followed question ``number`` (of ``owner``, when given), or :class:`FollowedQuestionError`."""
        condition = self._of(owner) if owner is not None else _followed.c.namespace == self.namespace
        with self.engine.connect() as connection:
            row = connection.execute(select(_followed).where(condition, _followed.c.id == number)).mappings().first()
        if row is None:
            raise FollowedQuestionError(
                f"no followed question #{number}: `python -m assistant follow list` shows their numbers"
            )
        return _followed_question(row)

    def questions(self, owner: str | None = None) -> list[FollowedQuestion]:
        """``owner``'s followed questions (everyone's with None), oldest first."""
        condition = self._of(owner) if owner is not None else _followed.c.namespace == self.namespace
        with self.engine.connect() as connection:
            rows = connection.execute(select(_followed).where(condition).order_by(_followed.c.id)).mappings()
            return [_followed_question(row) for row in rows]

    def unfollow(self, number: int, owner: str | None = None) -> bool:
        """Stop following question ``number`` (only ``owner``'s, when given); False when there was none."""
        condition = self._of(owner) if owner is not None else _followed.c.namespace == self.namespace
        with self.engine.begin() as connection:
            return connection.execute(delete(_followed).where(condition, _followed.c.id == number)).rowcount > 0

    def mark_seen(self, number: int, owner: str | None = None) -> FollowedQuestion:
        """The person has looked at the latest answer: it becomes the seen one (the seen one, when it
        differs, is kept as the earlier answer), so its new sources are no longer new."""
        followed = self.get(number, owner)
        values: dict[str, Any] = {"seen_at": utc_now()}
        if followed.changed or followed.latest.text != followed.seen.text:
            values.update(earlier_answer=_dump(followed.seen.to_dict()), seen_answer=_dump(followed.latest.to_dict()))
        with self.engine.begin() as connection:
            connection.execute(update(_followed).where(_followed.c.id == number).values(**values))
        return self.get(number, owner)

    def refresh(self, asker: Asker, owner: str | None = None) -> list[Change]:
        """Ask every followed question again (``owner``'s only, when given) and keep each latest answer.

        The changes are the questions whose latest answer cites other articles than the one last seen,
        whether this refresh or an earlier one found them: what is new since the person last looked.
        """
        changes = []
        with self._refresh_lock:
            for followed in self.questions(owner):
                latest = asker.ask(followed.question, filters=followed.filters)
                with self.engine.begin() as connection:
                    connection.execute(
                        update(_followed)
                        .where(_followed.c.id == followed.id)
                        .values(latest_answer=_dump(latest.to_dict()), checked_at=utc_now())
                    )
                if cited_articles(latest) != cited_articles(followed.seen):
                    checked = self.get(followed.id)
                    gone = sorted(cited_articles(followed.seen) - cited_articles(latest))
                    changes.append(Change(checked, checked.new, gone))
        return changes

    def _of(self, owner: str | None) -> Any:
        return (_followed.c.namespace == self.namespace) & (_followed.c.owner == (owner or ""))


def filters_to_dict(filters: Filters) -> dict[str, Any]:
    def day(value: date | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "as_of": day(filters.as_of),
        "since": day(filters.since),
        "until": day(filters.until),
        "sources": list(filters.sources),
    }


def filters_from_dict(data: dict[str, Any]) -> Filters:
    def day(value: str | None) -> date | None:
        return date.fromisoformat(value) if value else None

    return Filters.of(day(data.get("as_of")), day(data.get("since")), day(data.get("until")), data.get("sources"))


def answer_from_dict(data: dict[str, Any]) -> Answer:
    """An :class:`Answer` back from :meth:`Answer.to_dict` (what the table keeps)."""
    return Answer.from_dict(data)


def filters_label(filters: Filters) -> str:
    """The filters as a person reads them: "as of 2020-06-30, since 2020-06-01, cnn.com" ("" for none)."""
    parts = [f"{name} {value.isoformat()}" for name, value in _days(filters) if value]
    return ", ".join([*parts, *filters.sources])


def _days(filters: Filters) -> Iterable[tuple[str, date | None]]:
    return (("as of", filters.as_of), ("since", filters.since), ("until", filters.until))


def _followed_question(row: RowMapping) -> FollowedQuestion:
    earlier = row["earlier_answer"]
    return FollowedQuestion(
        id=int(row["id"]),
        owner=row["owner"],
        question=row["question"],
        filters=filters_from_dict(json.loads(row["filters"])),
        seen=answer_from_dict(json.loads(row["seen_answer"])),
        seen_at=row["seen_at"],
        latest=answer_from_dict(json.loads(row["latest_answer"])),
        checked_at=row["checked_at"],
        followed_at=row["followed_at"],
        earlier=answer_from_dict(json.loads(earlier)) if earlier else None,
    )


def _dump(value: dict[str, Any] | Sequence[Any]) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
