"""A digest: what is new for one recipient since their last one, as typed data every channel renders.

A digest holds the briefing of its period (the stories of :mod:`assistant.news.briefing`, those with
nothing new since an earlier digest of the same subscription left out) and the followed questions whose latest
answer cites articles the person has not seen and no earlier digest sent
(:mod:`assistant.following.questions`). Each part keeps its :class:`~assistant.types.Answer` whole:
the citations with their passages and article links, the briefing's items with their citation
numbers. Email (:mod:`assistant.deliveries.render`, :mod:`assistant.deliveries.mail`) and later
channels render it; the outbox keeps it as JSON (:meth:`Digest.to_dict`) and gives it back unchanged.

Its id is derived from what it holds (the subscription, the period and every item's articles): the
same digest built twice has the same id, and a resent digest carries the id it was first sent with
(an email's ``X-Digest-Id`` and ``Message-ID``), so a receiver recognises a repeat.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from assistant.types import Answer

Channel = Literal["email", "webhook"]
ItemKind = Literal["story", "followed"]


@dataclass(frozen=True, slots=True)
class Subscription:
    """Who a digest is for and about what: the key of its outbox rows and of what was sent before.

    ``owner`` is the chat login whose followed questions it carries ("" without one); ``topic`` narrows
    the briefing ("" for all the news); ``recipient`` is the email address or the webhook's URL.
    """

    channel: Channel
    recipient: str
    owner: str = ""
    topic: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"channel": self.channel, "recipient": self.recipient, "owner": self.owner, "topic": self.topic}


@dataclass(frozen=True, slots=True)
class FollowedNews:
    """A followed question whose latest answer cites articles not sent before: ``new`` (article ids)."""

    question_id: int
    question: str
    answer: Answer  # the latest answer, every citation kept: the new ones are marked, not alone
    new: tuple[str, ...]
    checked_at: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "question_id": self.question_id,
            "question": self.question,
            "answer": self.answer.to_dict(),
            "new": list(self.new),
            "checked_at": self.checked_at,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FollowedNews:
        answer = Answer.from_dict(data["answer"])
        return cls(int(data["question_id"]), data["question"], answer, tuple(data["new"]), data["checked_at"])


@dataclass(frozen=True, slots=True)
class DigestItem:
    """One story or followed question of a digest, as the outbox records it: what makes it "sent"."""

    n: int  # its place in the digest, from 1
    kind: ItemKind
    title: str  # the story's title, or the question
    ref: str  # the followed question's id ("" for a story)
    articles: tuple[str, ...]  # a story's cited articles; a followed question's new ones


@dataclass(frozen=True, slots=True)
class Digest:
    """What one recipient is sent at once (see the module docstring)."""

    id: str
    subscription: Subscription
    since: date
    until: date
    built_at: str  # ISO 8601, UTC
    briefing: Answer | None  # None: no story of the period that was not sent before
    followed: tuple[FollowedNews, ...] = ()
    left_out: int = 0  # stories of the period with no article an earlier digest had not already covered
    covered: tuple[str, ...] = ()  # every article of the period when it was built, told or not

    @property
    def stories(self) -> int:
        return len(self.briefing.items) if self.briefing else 0

    @property
    def new_sources(self) -> int:
        """How many articles the followed questions cite for the first time."""
        return sum(len(news.new) for news in self.followed)

    def period_label(self) -> str:
        """ "7 March 2024" or "6 March 2024 to 7 March 2024"."""
        first, last = _day(self.since), _day(self.until)
        return first if self.since == self.until else f"{first} to {last}"

    def subject(self) -> str:
        """The email's subject: what and when, and how much."""
        about = f" on {self.subscription.topic}" if self.subscription.topic else ""
        parts = [_count(self.stories, "story", "stories")] if self.stories else []
        if self.followed:
            parts.append(f"{_count(self.new_sources, 'new source')} for followed questions")
        return f"News digest{about}, {self.period_label()}: {', '.join(parts)}"

    def items(self) -> list[DigestItem]:
        """The stories, then the followed questions, numbered from 1."""
        found: list[DigestItem] = []
        if self.briefing is not None:
            by_n = {citation.n: citation for citation in self.briefing.citations}
            for item in self.briefing.items:
                cited = [by_n[n].article_id for s in item.sentences for n in s.cites if n in by_n]
                found.append(DigestItem(len(found) + 1, "story", item.title, "", tuple(dict.fromkeys(cited))))
        for news in self.followed:
            found.append(DigestItem(len(found) + 1, "followed", news.question, str(news.question_id), news.new))
        return found

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "subscription": self.subscription.to_dict(),
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "built_at": self.built_at,
            "briefing": self.briefing.to_dict() if self.briefing else None,
            "followed": [news.to_dict() for news in self.followed],
            "left_out": self.left_out,
            "covered": list(self.covered),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Digest:
        """A digest back from :meth:`to_dict` (what the outbox keeps)."""
        briefing = data.get("briefing")
        return cls(
            id=data["id"],
            subscription=Subscription(**data["subscription"]),
            since=date.fromisoformat(data["since"]),
            until=date.fromisoformat(data["until"]),
            built_at=data["built_at"],
            briefing=Answer.from_dict(briefing) if briefing else None,
            followed=tuple(FollowedNews.from_dict(news) for news in data.get("followed", ())),
            left_out=int(data.get("left_out", 0)),
            covered=tuple(data.get("covered", ())),
        )


def digest_id(subscription: Subscription, since: date, until: date, items: list[DigestItem]) -> str:
    """``20240307-3fa9c2d1e0b4a7c8``: the period's last day, then a hash of whom it is for and what it holds."""
    content = {
        "subscription": subscription.to_dict(),
        "period": [since.isoformat(), until.isoformat()],
        "items": [[item.kind, item.ref, sorted(item.articles)] for item in items],
    }
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
    return f"{until:%Y%m%d}-{digest[:16]}"


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _count(number: int, noun: str, plural: str | None = None) -> str:
    return f"{number} {noun if number == 1 else plural or noun + 's'}"
