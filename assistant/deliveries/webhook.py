"""Digests by webhook: the digest's JSON POSTed to a URL, signed, tried again when the receiver fails.

What a receiver gets: the body is :meth:`Digest.to_dict` as JSON (UTF-8); ``X-Digest-Id`` is the
digest's id (also the body's ``id``), the same when a digest is sent again, so a repeat is recognised;
``X-Digest-Signature: sha256=<hex>`` is the HMAC-SHA256 of the exact body with the hook's secret (made
when the hook is added and shown once), so a receiver knows the POST came from here, unaltered.

Why these rules: a 5xx, a 429 or no connection may pass, so they are tried again after
``webhook_backoff`` seconds, doubled each time, up to ``webhook_attempts`` tries (tenacity does the
waiting); any other 4xx says the request itself is wrong and is not repeated. Either way the reason is
kept in the outbox and shown by ``digest list``. The URL comes from a person, but the POST leaves from
the server: it is held to the fetcher's address rules (:mod:`index.sources.fetching.safety`), no
loopback or private address unless ``ASSISTANT_FETCH_ALLOW_PRIVATE`` allows it, checked again at
every connection (no DNS rebinding).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets

import httpx
from tenacity import RetryError, Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from assistant.deliveries.digest import Digest
from assistant.deliveries.mail import DIGEST_HEADER, DeliveryError
from assistant.deliveries.outbox import Outbox
from assistant.deliveries.sender import Sender
from assistant.settings import AssistantSettings
from index.errors import UserError
from index.sources.fetching.errors import FetchError
from index.sources.fetching.safety import SafetyPolicy, guarded_transport

SIGNATURE_HEADER = "X-Digest-Signature"


class BadWebhookError(UserError):
    """A webhook URL that may not be posted to (not http(s), a private address, no such host)."""


class _Retry(Exception):  # noqa: N818 - the signal that a try failed in a way worth another
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def new_secret() -> str:
    """A hook's signing secret: 32 random bytes, URL-safe text."""
    return secrets.token_urlsafe(32)


def signature(body: bytes, secret: str) -> str:
    """``sha256=<hex>``: the HMAC-SHA256 of ``body`` under ``secret``, as the header carries it."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def checked_url(url: str, settings: AssistantSettings) -> str:
    """``url`` when the address rules allow posting to it, else :class:`BadWebhookError` (one line)."""
    try:
        SafetyPolicy.from_settings(settings).check_url(url)
    except FetchError as error:
        raise BadWebhookError(f"webhook {url}: {error.reason}") from None
    return url


def body_of(digest: Digest) -> bytes:
    """The JSON a receiver gets (the bytes signed)."""
    return json.dumps(digest.to_dict(), ensure_ascii=False, sort_keys=True).encode("utf-8")


class WebhookSender(Sender):
    """Digests POSTed to ``url``, signed with ``secret`` (see the module docstring)."""

    def __init__(self, outbox: Outbox, settings: AssistantSettings, url: str, secret: str) -> None:
        super().__init__(outbox, settings)
        self.url = url
        self.secret = secret

    def transmit(self, digest: Digest) -> None:
        body = body_of(digest)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            DIGEST_HEADER: digest.id,
            SIGNATURE_HEADER: signature(body, self.secret),
            "User-Agent": self.settings.fetch_user_agent,
        }
        self.policy = SafetyPolicy.from_settings(self.settings)
        timeout = httpx.Timeout(self.settings.webhook_timeout)
        with httpx.Client(transport=guarded_transport(self.policy), timeout=timeout, trust_env=False) as client:
            retrying = Retrying(
                stop=stop_after_attempt(self.settings.webhook_attempts),
                wait=wait_exponential(multiplier=self.settings.webhook_backoff, exp_base=2),
                retry=retry_if_exception(lambda error: isinstance(error, _Retry)),
                reraise=False,
            )
            try:
                retrying(self._post, client, body, headers)
            except RetryError as error:
                last = error.last_attempt.exception()
                tries = self.settings.webhook_attempts
                raise DeliveryError(f"webhook {self.url}: {last} (after {tries} tries)") from None

    def _post(self, client: httpx.Client, body: bytes, headers: dict[str, str]) -> None:
        try:
            self.policy.check_url(self.url)  # the scheme and the name's addresses; the connection checks again
            response = client.post(self.url, content=body, headers=headers)
        except FetchError as error:  # refused by the address rules, or no such host: trying again changes nothing
            raise DeliveryError(f"webhook {self.url}: {error.reason}") from None
        except httpx.HTTPError as error:
            raise _Retry(f"cannot reach it ({type(error).__name__}: {error})") from None
        status = response.status_code
        if status >= 500 or status == 429:
            raise _Retry(f"it answered {status} {response.reason_phrase}")
        if status >= 300:
            raise DeliveryError(f"webhook {self.url}: it answered {status} {response.reason_phrase}; not tried again")
