"""Who may use the chat: anyone on this machine; on any other address, only with a login."""

from __future__ import annotations

import ipaddress
import logging

from chat.settings import ChatSettings
from index.errors import UserError

logger = logging.getLogger(__name__)


class UnsafeServeError(UserError):
    """The chat was asked to serve other machines without a login."""


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach ``host`` (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def chat_auth(settings: ChatSettings, host: str, no_auth: bool) -> tuple[str, str] | None:
    """The user and password the chat asks for, or None; refuses to serve other machines without them.

    On this machine only (the default) no login is needed. On any other address the chat serves
    the index to whoever can reach it, so a user and password are required unless ``--no-auth``
    says that is intended (logged as a warning).
    """
    if settings.chat_user and settings.chat_password:
        return settings.chat_user, settings.chat_password.get_secret_value()
    if is_loopback(host):
        return None
    if no_auth:
        logger.warning("serving on %s without a login (--no-auth): anyone who can reach it can use the chat", host)
        return None
    raise UnsafeServeError(
        f"Serving on {host} would let other machines use the chat without a login. Set "
        "ASSISTANT_CHAT_USER and ASSISTANT_CHAT_PASSWORD, or pass --no-auth if that is what you want, "
        "or serve on 127.0.0.1 (the default)."
    )
