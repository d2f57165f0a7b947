"""Running the schedules: each due digest claimed, built, recorded and sent by exactly one runner.

A runner is ``python -m assistant digest run`` (a loop, or ``--once``) or the chat's "send now"; any
number may share one database (:mod:`assistant.deliveries.schedules` says how a claim makes one of them
the sender). Each run ends in the schedule's row: the digest sent and when, "nothing new", or the
error (an SMTP server or a webhook that could not be reached), which ``digest list`` and the chat's
Deliveries panel show; the digest itself waits in the outbox for the schedule's next run.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from assistant.deliveries.digest import Digest
from assistant.deliveries.mail import check_mail_settings
from assistant.deliveries.outbox import Outbox
from assistant.deliveries.schedules import Schedule, Schedules
from assistant.deliveries.sender import MailSender, Sender, send_digests
from assistant.deliveries.webhook import WebhookSender
from assistant.following.questions import FollowedQuestions
from assistant.service import Assistant
from assistant.settings import AssistantSettings
from index.errors import UserError, one_line

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Run:
    """What one schedule's run did: digests sent (resent first), or the error ("" when none)."""

    schedule: Schedule
    sent: tuple[Digest, ...]
    error: str


def runner_name() -> str:
    """``host:pid:thread``: who claimed a schedule, for whoever reads the table."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


class Runner:
    """Sends due schedules' digests (see the module docstring); one per process is enough."""

    def __init__(self, settings: AssistantSettings, assistant: Callable[[], Assistant]) -> None:
        self.settings = settings
        self.assistant = assistant
        self.schedules = Schedules.open(settings)
        self.outbox = Outbox(self.schedules.engine)
        self.followed = FollowedQuestions.open(settings)

    def run_due(self, now: datetime | None = None) -> list[Run]:
        """Claim and send every schedule due at ``now``; those another runner claimed are skipped."""
        moment = now or datetime.now(UTC)
        runs = []
        for schedule in self.schedules.due(moment):
            if self.schedules.claim(schedule, moment, runner_name()):
                runs.append(self._send(schedule))
            else:
                logger.info("digest schedule %s was claimed by another runner", schedule.id)
        return runs

    def run_until(self, stop: threading.Event, interval: float) -> None:
        """Send what is due every ``interval`` seconds until ``stop`` is set; a failed look waits for the next."""
        while not stop.is_set():
            try:
                for run in self.run_due():
                    logger.info("digest schedule %s: %s", run.schedule.id, run.error or f"{len(run.sent)} sent")
            except Exception:  # a database away for a moment must not end the loop
                logger.exception("could not look for due digests")
            stop.wait(interval)

    def send_now(self, schedule_id: int) -> Run | None:
        """Send a schedule's digest now, whatever its time; None when another runner claimed it meanwhile."""
        schedule = self.schedules.claim_now(schedule_id, datetime.now(UTC), runner_name())
        return None if schedule is None else self._send(schedule)

    def sender_for(self, schedule: Schedule) -> Sender:
        if schedule.subscription.channel == "webhook":
            return WebhookSender(self.outbox, self.settings, schedule.subscription.recipient, schedule.secret)
        return MailSender(self.outbox, self.settings, check_mail_settings(self.settings))

    def _send(self, schedule: Schedule) -> Run:
        try:
            sender = self.sender_for(schedule)
            done = send_digests(self.assistant, sender, schedule.subscription, followed=self.followed)
        except UserError as error:  # a server down, a setting missing: kept for `digest list`
            reason = one_line(error)
            logger.warning("digest schedule %s: %s", schedule.id, reason)
            self.schedules.finished(schedule.id, digest_id=None, sent_at=None, error=reason)
            return Run(self.schedules.get(schedule.id), (), reason)
        sent = (*done.resent, *([done.digest] if done.digest else []))
        last = sent[-1].id if sent else None
        self.schedules.finished(schedule.id, digest_id=last, sent_at=datetime.now(UTC) if sent else None, error="")
        return Run(self.schedules.get(schedule.id), sent, "")


def start_in_background(runner: Runner, interval: float) -> threading.Event:
    """Run ``runner`` in a daemon thread (the chat's process, ``ASSISTANT_DIGESTS_IN_CHAT``); set the event to stop."""
    stop = threading.Event()
    threading.Thread(target=runner.run_until, args=(stop, interval), name="digests", daemon=True).start()
    return stop
