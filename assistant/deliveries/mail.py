"""Digests by email: one message (plain text and HTML) handed to the SMTP server of the settings.

The message's ``X-Digest-Id`` is the digest's id and its ``Message-ID`` is made from it and the
recipient, so a digest sent again after a crash (:mod:`assistant.deliveries.outbox`) is the same
message, and a receiver or mail program can drop the repeat. The standard library speaks SMTP
(``smtplib``) and builds MIME (``email``): nothing to install. A server that cannot be reached, or
refuses, is a :class:`DeliveryError`: one line saying which server and why.
"""

from __future__ import annotations

import hashlib
import ipaddress
import smtplib
import ssl
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from assistant.deliveries.digest import Digest
from assistant.deliveries.render import digest_html, digest_text
from assistant.settings import DeliverySettings
from index.errors import SettingsError, UserError, one_line

DIGEST_HEADER = "X-Digest-Id"


class DeliveryError(UserError):
    """The digest could not be handed to the SMTP server; it stays in the outbox."""


class BadAddressError(UserError):
    """An email address that cannot be one (``--to nobody``)."""


def checked_address(address: str) -> str:
    """``address`` when it reads as ``name@domain``, else :class:`BadAddressError`."""
    _, parsed = parseaddr(address)
    try:
        Address(addr_spec=parsed)
    except (ValueError, IndexError):
        parsed = ""
    if not parsed or parsed != address.strip() or "@" not in parsed or "." not in parsed.rsplit("@", 1)[1]:
        raise BadAddressError(f"{address!r} is not an email address: give one as name@example.org")
    return parsed


def check_mail_settings(settings: DeliverySettings) -> str:
    """The From address, or a :class:`SettingsError` saying which setting is missing."""
    if not settings.smtp_host:
        raise SettingsError("no SMTP server to send digests through: set ASSISTANT_SMTP_HOST (and its _PORT)")
    sender = settings.smtp_sender
    if not sender:
        raise SettingsError("no sender address for digests: set ASSISTANT_SMTP_FROM")
    if settings.smtp_security == "none" and settings.smtp_user and not _loopback(settings.smtp_host):
        raise SettingsError(
            f"ASSISTANT_SMTP_SECURITY=none would send the SMTP password to {settings.smtp_host} unencrypted: "
            "use starttls or tls (none is for a relay on this machine)"
        )
    return checked_address(sender)


def _loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def message(digest: Digest, sender: str) -> EmailMessage:
    """The digest as an email to its subscription's recipient."""
    recipient = digest.subscription.recipient
    mail = EmailMessage()
    mail["Subject"] = digest.subject()
    mail["From"] = sender
    mail["To"] = recipient
    mail["Date"] = format_datetime(datetime.fromisoformat(digest.built_at).astimezone(UTC))
    tag = hashlib.sha256(recipient.lower().encode()).hexdigest()[:12]
    mail["Message-ID"] = f"<digest-{digest.id}.{tag}@{sender.rsplit('@', 1)[1]}>"
    mail[DIGEST_HEADER] = digest.id
    mail.set_content(digest_text(digest))
    mail.add_alternative(digest_html(digest), subtype="html")
    return mail


def send(mail: EmailMessage, settings: DeliverySettings) -> None:
    """Hand ``mail`` to the SMTP server; :class:`DeliveryError` (one line) when it cannot be."""
    host, port = settings.smtp_host or "", settings.smtp_port_or_default
    where = f"{host}:{port}"
    context = ssl.create_default_context()
    try:
        server: smtplib.SMTP
        if settings.smtp_security == "tls":
            server = smtplib.SMTP_SSL(host, port, timeout=settings.smtp_timeout, context=context)
        else:
            server = smtplib.SMTP(host, port, timeout=settings.smtp_timeout)
        with server:
            if settings.smtp_security == "starttls":
                server.starttls(context=context)
            if settings.smtp_user and settings.smtp_password is not None:
                server.login(settings.smtp_user, settings.smtp_password.get_secret_value())
            server.send_message(mail)
    except smtplib.SMTPNotSupportedError:
        raise DeliveryError(
            f"the SMTP server {where} does not offer STARTTLS: set ASSISTANT_SMTP_SECURITY=tls for a TLS port, "
            "or none for a relay on this machine"
        ) from None
    except (OSError, smtplib.SMTPException) as error:  # refused, unreachable, timed out, TLS, login, rejected
        raise DeliveryError(f"cannot send through the SMTP server {where}: {_reason(error)}") from None


def _reason(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else error.smtp_error
        return f"{error.smtp_code} {one_line(Exception(text))}"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "recipient refused: " + ", ".join(error.recipients)
    if isinstance(error, TimeoutError):
        return "timed out"
    return one_line(error) if str(error) else type(error).__name__
