"""``python app.py [--host 127.0.0.1] [--port 7860] [--db DIR] [--llm NAME] [--no-auth]``: the composition root.

Reads the settings, checks the login and the language model, claims the index, loads the
:class:`~assistant.Assistant` once, opens the conversation store and starts the follower (in server mode,
a follow worker sharing the jobs of :mod:`index.sources.follow_jobs`); then serves
the chat (:func:`chat.app.build_app`) at ``/`` and the API (:mod:`api`) beside it (:mod:`server.serve`).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.conversations.store import ConversationStore, database_url
from assistant.deliveries.runner import Runner
from assistant.deliveries.runner import start_in_background as start_digests
from assistant.llm.backends import check_backend
from assistant.service import Assistant
from chat.app import CSS_PATH, build_app
from chat.settings import default_settings
from index.errors import run_command
from index.sources.follower import Follower, start_in_background
from index.store import claim_store
from server.auth import chat_auth
from server.serve import serve

logger = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python app.py", description="Serve the news assistant chat.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument(
        "--no-auth", action="store_true", help="serve another address without a login (logged as a warning)"
    )
    parser.add_argument("--port", type=int, default=7860)
    parser.add_argument("--db", type=Path, help="Chroma folder (default: ASSISTANT_DB_PATH or data/chroma)")
    parser.add_argument("--llm", help="what writes answers: extractive, smollm2, ollama:<model>, openai:<model>")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Serve the chat and the API; errors meant for the user become one line and exit code 2 (:mod:`index.errors`)."""
    return run_command(_main, argv)


def _main(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    updates: dict[str, Any] = {}
    if args.db:
        updates["db_path"] = args.db
    if args.llm:
        updates["llm"] = args.llm
    settings = default_settings().model_copy(update=updates)
    check_backend(settings.llm)  # a typo fails now, not after the models have loaded
    auth = chat_auth(settings, args.host, args.no_auth)
    claim_store(settings)
    assistant = Assistant(settings)  # load the model and store before the first question
    logger.info("index at %s holds %d chunks", settings.db_path, assistant.store.count())
    follower = Follower(assistant.store, settings)
    conversations = ConversationStore.open(database_url(settings))  # the chat's and the API's
    if settings.follow_database:  # server mode: Follow enqueues a job; the chat a follow worker among the others
        from index.sources import follow_jobs  # noqa: PLC0415 - procrastinate: the server extra

        follow_jobs.share_fetches(follower)
        if settings.follow_in_chat:
            follow_jobs.start_in_chat(follower)
    elif settings.follow_in_chat:  # new articles of the followed feeds are answered without a restart
        start_in_background(follower)
    if settings.digests_in_chat:  # scheduled digests sent from this process, claimed as any runner claims them
        start_digests(Runner(settings, lambda: assistant), settings.digest_check_seconds)
    # The chat at "/" and the HTTP API (/api, /v1) and MCP server (/mcp) beside it, one port (server.serve).
    serve(
        build_app(assistant, settings, follower, conversations),
        assistant,
        host=args.host,
        port=args.port,
        auth=auth,
        css=CSS_PATH.read_text(),
        concurrency=settings.chat_concurrency,
        conversations=conversations,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
