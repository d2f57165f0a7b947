"""Serving the chat and its API from one server: the FastAPI app of :mod:`api.rest` with the Gradio
chat mounted at ``/``, run by uvicorn on one port.

One process, one port: the API answers with the same loaded model and index as the chat (an
embedded index belongs to one process), and the same login guards both. The chat keeps what
``Blocks.launch`` gave it: the login form, the CSS, no share link, no analytics, errors not shown
in the page; uvicorn logs only warnings and errors, as Gradio's own server did. Gradio's footer
("Use via API · Built with Gradio · Settings") and its run history are off: links a reader cannot
use, and runs kept in the browser; the API is documented in the README and docs/reference.md.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Sequence

import gradio as gr
import uvicorn

from api.rest import create_api
from api.service import AnsweringService
from assistant.conversations.book import StoredConversations
from assistant.conversations.store import ConversationStore
from assistant.deliveries.tokens import FeedTokens
from assistant.service import Assistant
from chat.settings import default_settings
from index.errors import UserError
from server.auth import is_loopback
from server.host_guard import AllowedHosts, HostGuard

logger = logging.getLogger(__name__)

GRACEFUL_SHUTDOWN_S = 5  # open streams (an answer, an MCP call) get this long to end on Ctrl-C / SIGTERM


class PortInUseError(UserError):
    """The address and port asked for cannot be listened on."""


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port``, or :class:`PortInUseError` saying what to do."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise PortInUseError(
            f"cannot listen on {host}:{port} ({error.strerror or error}): stop what uses that port, "
            "or pass another one with --port"
        ) from None
    sock.set_inheritable(True)
    return sock


def serve(
    blocks: gr.Blocks,
    assistant: Assistant,
    *,
    host: str,
    port: int,
    auth: tuple[str, str] | None,
    css: str,
    concurrency: int,
    conversations: ConversationStore | None = None,
    allowed_hosts: Sequence[str] | None = None,
) -> None:
    """Serve ``blocks`` at ``/`` and the API beside it until stopped (Ctrl-C or SIGTERM).

    ``conversations``: where the API keeps its conversations, as the login's (the chat's store, so
    they last and show in the chat's list); without it, in memory. ``allowed_hosts``: the names the
    server answers to besides its own (default ``ASSISTANT_ALLOWED_HOSTS``; :mod:`server.host_guard`).
    """
    sock = listening_socket(host, port)  # before anything starts: a port in use is one clear line
    service = AnsweringService(assistant, concurrency)
    if conversations is not None:
        service.conversations = StoredConversations(conversations, owner=auth[0] if auth else "")
    if allowed_hosts is None:
        allowed_hosts = default_settings().allowed_hosts
    # A feed reader's token (python -m assistant digest token) lives beside the conversations.
    tokens = FeedTokens(conversations.engine) if conversations is not None else None
    app = create_api(service, auth, tokens.owner_of if tokens is not None else None)
    gr.mount_gradio_app(
        app,
        blocks,
        path="/",
        auth=auth,
        css=css,
        show_error=False,
        server_name=host,
        server_port=port,
        footer_links=[],  # no footer: nothing in it is for a reader
        run_history=False,  # nothing recorded in the browser, no run history page
    )
    # Gradio checks that a file a request names was uploaded (is in its upload folder) only once the
    # Blocks "has launched", which Blocks.launch says and mounting does not: without this, a request
    # naming /etc/anything.txt as an input file has it copied into the cache and indexed (issue 25).
    blocks.has_launched = True
    # Outermost, first to see every request: the chat's routes, /api, /v1 and /mcp alike.
    app.add_middleware(HostGuard, allowed=AllowedHosts.for_server(host, allowed_hosts))
    config = uvicorn.Config(
        app,
        log_level="warning",
        log_config=None,  # keep this process's logging format
        access_log=False,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
    )
    shown = f"[{host}]" if ":" in host else host
    where = "this machine only" if is_loopback(host) else "other machines too, with the login"
    if auth is None and not is_loopback(host):
        where = "other machines too, without a login (--no-auth)"
    logger.info(
        "serving the chat on http://%s:%d/ for %s; HTTP API under /api and /v1, MCP at /mcp", shown, port, where
    )
    uvicorn.Server(config).run(sockets=[sock])
