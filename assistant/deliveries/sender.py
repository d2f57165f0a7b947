"""Sending through the outbox: what was left unsent first, then the new digest; each recorded before
it is sent and marked sent after (:mod:`assistant.deliveries.outbox`).

Only :func:`send_digests` loads the assistant, and only once the digests left unsent are out: a
resend needs no index, and an SMTP server that is down is known before the models load.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from assistant.deliveries.build import build_digest
from assistant.deliveries.digest import Digest, Subscription
from assistant.deliveries.mail import DeliveryError, message, send
from assistant.deliveries.outbox import Outbox
from assistant.following.questions import FollowedQuestions
from assistant.service import Assistant
from assistant.settings import AssistantSettings

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class Delivered:
    """What one :func:`send_digests` did: the digests sent again, and the new one (None: nothing new)."""

    resent: list[Digest] = field(default_factory=list)
    digest: Digest | None = None


class Sender:
    """Sends recorded digests through one channel and marks them sent; a failure leaves them pending.

    A subclass says how one digest goes out (:meth:`transmit`); this class keeps the outbox right
    around it. Digests left unsent are claimed before they are sent again (:meth:`Outbox.claim`), so
    two replicas resending at once send each one once.
    """

    def __init__(self, outbox: Outbox, settings: AssistantSettings) -> None:
        self.outbox = outbox
        self.settings = settings

    def transmit(self, digest: Digest) -> None:
        """Hand ``digest`` over; :class:`DeliveryError` when it could not be."""
        raise NotImplementedError

    def deliver(self, digest: Digest, *, counted: bool = False) -> None:
        """Send ``digest`` (recorded already) and mark it sent; :class:`DeliveryError` leaves it pending.

        ``counted``: the attempt was counted already (by the claim of a digest left unsent).
        """
        if not counted:
            self.outbox.attempting(digest.id)
        try:
            self.transmit(digest)
        except DeliveryError as error:
            self.outbox.mark_failed(digest.id, str(error))
            raise DeliveryError(
                f"{error}; digest {digest.id} stays in the outbox and the next send to "
                f"{digest.subscription.recipient} sends it first"
            ) from None
        self.outbox.mark_sent(digest.id)
        logger.info("sent digest %s to %s", digest.id, digest.subscription.recipient)

    def send_pending(self, subscription: Subscription) -> list[Digest]:
        """Send the subscription's digests recorded and not sent (a crash, a server down), oldest first;
        only those this process claimed (another replica may be sending the others)."""
        claimed = self.outbox.claim_pending(subscription)
        for digest in claimed:
            self.deliver(digest, counted=True)
        return claimed


class MailSender(Sender):
    """Digests by email, through the SMTP server of the settings, from ``sender``."""

    def __init__(self, outbox: Outbox, settings: AssistantSettings, sender: str) -> None:
        super().__init__(outbox, settings)
        self.sender = sender

    def transmit(self, digest: Digest) -> None:
        send(message(digest, self.sender), self.settings)


def send_digests(
    assistant: Callable[[], Assistant],
    sender: Sender,
    subscription: Subscription,
    *,
    since: date | None = None,
    followed: FollowedQuestions | None = None,
) -> Delivered:
    """Send what was left unsent, then build the next digest, record it and send it (module docstring)."""
    done = Delivered(resent=sender.send_pending(subscription))
    days = sender.settings.digest_days
    digest = build_digest(assistant(), sender.outbox, followed, subscription, since=since, days=days)
    if digest is not None and sender.outbox.record(digest):
        sender.deliver(digest)
        done.digest = digest
    return done
