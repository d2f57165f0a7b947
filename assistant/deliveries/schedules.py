"""Scheduled digests: who gets one, how often, and how the last one went, in the conversations' database.

A schedule is a subscription (an email address or a webhook URL, a topic, a login) and a cadence:
``daily`` (``@daily``: midnight UTC), ``weekly`` (``@weekly``: Sunday midnight UTC) or any five-field
cron expression (croniter reads it; times are UTC). A new schedule is due at once, so its first digest
goes out at the next run; then at each time of its cadence.

**One send per schedule, however many replicas.** Every runner reads the due schedules and *claims*
each before sending: one UPDATE that moves ``next_due`` on ``WHERE id = … AND next_due = <as read>``.
Of several replicas that read the same due row, exactly one changes it (the database serialises the
UPDATEs; the others find ``next_due`` moved and change nothing), so only that one sends. No lock table,
no clock agreement needed, the same on SQLite and PostgreSQL. A runner that dies after its claim
leaves the digest in the outbox, and the next due run of that schedule sends it first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from croniter import croniter
from sqlalchemy import Boolean, Column, Integer, String, Text, delete, insert, select, update
from sqlalchemy.engine import Engine

from assistant.conversations.store import database_url
from assistant.deliveries.digest import Channel, Subscription
from assistant.settings import AssistantSettings
from index.errors import UserError
from index.store.sql import SideTables, sql_engine

CADENCES = {"daily": "@daily", "weekly": "@weekly"}

_tables = SideTables()
_schedules = _tables.table(
    "digest_schedules",
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("channel", String(20), nullable=False),  # email, webhook
    Column("recipient", String(400), nullable=False),  # the address or URL
    Column("owner", String(200), nullable=False),  # the chat login ("" without one)
    Column("topic", Text, nullable=False),  # "" for all the news
    Column("every", String(100), nullable=False),  # daily, weekly or a cron expression
    Column("secret", String(100), nullable=False),  # a webhook's signing secret ("" for email)
    Column("paused", Boolean, nullable=False),
    Column("created", String(40), nullable=False),  # ISO 8601, UTC
    Column("next_due", String(40), nullable=False),  # ISO 8601, UTC: sorts and compares as text
    Column("claimed_by", String(200), nullable=False),  # the runner that last claimed it ("" before)
    Column("last_sent", String(40), nullable=True),  # when its last digest went out
    Column("last_digest", String(64), nullable=False),  # that digest's id; "" before the first
    Column("last_run", String(40), nullable=True),  # when a runner last tried it
    Column("last_error", Text, nullable=False),  # why the last try failed; "" when it did not
)


class BadScheduleError(UserError):
    """A cadence that is neither daily, weekly nor a cron expression; or no such schedule."""


@dataclass(frozen=True, slots=True)
class Schedule:
    """One scheduled digest and how it went (see the module docstring)."""

    id: int
    subscription: Subscription
    every: str
    secret: str
    paused: bool
    next_due: str
    last_sent: str | None
    last_digest: str
    last_run: str | None
    last_error: str


def checked_cadence(every: str) -> str:
    """``every`` when it is daily, weekly or a valid five-field cron expression, else one line."""
    every = " ".join(every.split())
    if every in CADENCES or (len(every.split()) == 5 and croniter.is_valid(every)):
        return every
    raise BadScheduleError(f"--every {every!r}: give daily, weekly or a cron expression such as '0 7 * * 1-5'")


def next_time(every: str, after: datetime) -> datetime:
    """The first time of cadence ``every`` strictly after ``after`` (UTC)."""
    following: datetime = croniter(CADENCES.get(every, every), after).get_next(datetime)
    return following


def stamp(moment: datetime) -> str:
    """ISO 8601 in UTC, to the microsecond: the one form stored, so text comparison is time order."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


class Schedules:
    """The scheduled digests of one database; safe to share between threads."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        _tables.create(engine)

    @classmethod
    def open(cls, settings: AssistantSettings) -> Schedules:
        return cls(sql_engine(database_url(settings)))

    def add(self, subscription: Subscription, every: str, secret: str = "", now: datetime | None = None) -> Schedule:
        """Store a schedule, due at once (its first digest goes at the next run)."""
        moment = stamp(now or datetime.now(UTC))
        row = {
            "channel": subscription.channel,
            "recipient": subscription.recipient,
            "owner": subscription.owner,
            "topic": subscription.topic,
            "every": checked_cadence(every),
            "secret": secret,
            "paused": False,
            "created": moment,
            "next_due": moment,
            "claimed_by": "",
            "last_sent": None,
            "last_digest": "",
            "last_run": None,
            "last_error": "",
        }
        with self.engine.begin() as db:
            key = db.execute(insert(_schedules).values(**row)).inserted_primary_key
        assert key is not None  # an INSERT of one row always has one
        return self.get(int(key[0]))

    def get(self, schedule_id: int) -> Schedule:
        """The schedule ``schedule_id``, or :class:`BadScheduleError`."""
        with self.engine.connect() as db:
            row = db.execute(select(_schedules).where(_schedules.c.id == schedule_id)).mappings().first()
        if row is None:
            raise BadScheduleError(f"no digest schedule {schedule_id}: `python -m assistant digest list` shows them")
        return _schedule(row)

    def all(self, owner: str | None = None) -> list[Schedule]:
        """Every schedule (the login's, when given), oldest first."""
        query = select(_schedules).order_by(_schedules.c.id)
        if owner is not None:
            query = query.where(_schedules.c.owner == owner)
        with self.engine.connect() as db:
            return [_schedule(row) for row in db.execute(query).mappings()]

    def remove(self, schedule_id: int) -> None:
        with self.engine.begin() as db:
            if db.execute(delete(_schedules).where(_schedules.c.id == schedule_id)).rowcount != 1:
                raise BadScheduleError(f"no digest schedule {schedule_id}")

    def pause(self, schedule_id: int, paused: bool = True) -> Schedule:
        """Pause (or resume) a schedule; a resumed one is due at its cadence's next time from now."""
        values: dict[str, object] = {"paused": paused}
        if not paused:
            values["next_due"] = stamp(next_time(self.get(schedule_id).every, datetime.now(UTC)))
        with self.engine.begin() as db:
            if db.execute(update(_schedules).where(_schedules.c.id == schedule_id).values(**values)).rowcount != 1:
                raise BadScheduleError(f"no digest schedule {schedule_id}")
        return self.get(schedule_id)

    def due(self, now: datetime) -> list[Schedule]:
        """The schedules not paused whose time has come, the longest waiting first."""
        query = (
            select(_schedules)
            .where(_schedules.c.paused.is_(False), _schedules.c.next_due <= stamp(now))
            .order_by(_schedules.c.next_due, _schedules.c.id)
        )
        with self.engine.connect() as db:
            return [_schedule(row) for row in db.execute(query).mappings()]

    def claim(self, schedule: Schedule, now: datetime, runner: str) -> bool:
        """Move ``schedule``'s next time on, if no other runner did since it was read; True: send it.

        ``next_due`` as read is the claim's condition (module docstring): one runner wins.
        """
        claim = (
            update(_schedules)
            .where(_schedules.c.id == schedule.id, _schedules.c.next_due == schedule.next_due)
            .values(next_due=stamp(next_time(schedule.every, now)), claimed_by=runner, last_run=stamp(now))
        )
        with self.engine.begin() as db:
            return bool(db.execute(claim).rowcount == 1)

    def claim_now(self, schedule_id: int, now: datetime, runner: str) -> Schedule | None:
        """Claim a schedule for a send now ("send now"), whatever its next time; None if another runner won."""
        schedule = self.get(schedule_id)
        return schedule if self.claim(schedule, now, runner) else None

    def finished(self, schedule_id: int, *, digest_id: str | None, sent_at: datetime | None, error: str) -> None:
        """Record how a run went: a digest sent (its id and time), nothing new, or the error."""
        values: dict[str, object] = {"last_error": error}
        if sent_at is not None and digest_id is not None:
            values |= {"last_sent": stamp(sent_at), "last_digest": digest_id}
        with self.engine.begin() as db:
            db.execute(update(_schedules).where(_schedules.c.id == schedule_id).values(**values))


def _schedule(row: object) -> Schedule:
    data = dict(row)  # type: ignore[call-overload]
    channel: Channel = data["channel"]
    subscription = Subscription(channel, data["recipient"], data["owner"], data["topic"])
    return Schedule(
        int(data["id"]),
        subscription,
        data["every"],
        data["secret"],
        bool(data["paused"]),
        data["next_due"],
        data["last_sent"],
        data["last_digest"],
        data["last_run"],
        data["last_error"],
    )
