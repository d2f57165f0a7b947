"""The chat: ``python app.py [--host 127.0.0.1] [--port 7860] [--db DIR]``.

A Gradio ``ChatInterface`` over the same ``Assistant`` that ``assistant.answer()`` uses. Each
reply is the answer with its ``[n]`` markers, then the cited passages (title, date, source and
the passage, with the quoted sentences highlighted) so every claim can be checked at a glance.
Analytics are off, no share link is ever made, and it listens on 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from articles_tab import articles_tab
from assistant.service import Assistant
from assistant.suggestions import example_questions
from assistant.types import Answer
from chat_render import CHAT_CSS, escape_markdown, render_answer, render_draft
from index.embeddings import EmbeddingModelUnavailableError
from index.settings import Settings, default_settings  # also sets the offline, no-telemetry env
from index.store import IndexedArticle, StoreError, claim_store

if TYPE_CHECKING:
    import gradio as gr

logger = logging.getLogger(__name__)

QUESTION_PLACEHOLDER = "Ask about the news articles…"
EMPTY_INDEX_NOTICE = (
    "**The index is empty:** add articles in the **Articles** tab, or with `python -m index build PATH`."
)


@dataclass(frozen=True, slots=True)
class IndexSummary:
    """What the chat page shows about the index: its size, example questions, sources to filter by."""

    chunks: int
    examples: list[str]
    sources: list[str]


class IndexView:
    """The page's :class:`IndexSummary`, worked out again only when the index has changed.

    Checking the examples costs a few answers and listing the sources a pass over the articles, so
    both are kept while the number of indexed chunks stays the same (an upload, a removal or a
    build changes it); a page load then costs one count.
    """

    def __init__(self, assistant: Assistant, settings: Settings) -> None:
        self.assistant = assistant
        self.settings = settings
        self._lock = threading.Lock()
        self._summary: IndexSummary | None = None

    def current(self, articles: list[IndexedArticle] | None = None) -> IndexSummary:
        chunks = self.assistant.store.count()
        with self._lock:
            if self._summary is None or self._summary.chunks != chunks:
                articles = self.assistant.store.articles() if articles is None else articles
                examples = example_questions(
                    self.assistant, self.settings.example_questions, self.settings.example_count, articles
                )
                sources = sorted({article.source for article in articles if article.source})
                self._summary = IndexSummary(chunks, examples, sources)
            return self._summary


def parse_filter_date(text: str, label: str) -> date | None:
    """A filter's date as typed (``YYYY-MM-DD``; empty: no bound), or ValueError saying what is wrong."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{label}: “{text}” is not a date; write it as YYYY-MM-DD, e.g. 2020-06-20.") from None


def build_app(assistant: Assistant, settings: Settings) -> gr.Blocks:
    """The chat (every message answered by ``assistant.stream``) and the Articles tab that manages the index."""
    # Imported here, after index.settings has set HF_HUB_OFFLINE and the no-telemetry variables:
    # gradio imports huggingface_hub, which reads them once at import time.
    import gradio as gr  # noqa: PLC0415

    def respond(message: str, history: list[Any], since: str, until: str, sources: list[str] | None) -> Iterator[str]:
        try:
            window = {"since": parse_filter_date(since, "From"), "until": parse_filter_date(until, "Until")}
        except ValueError as error:
            yield escape_markdown(str(error))
            return
        # The assistant reads Gradio's history as it is; the filters narrow the retrieval.
        for update in assistant.stream(message, history, sources=sources or None, **window):
            if isinstance(update, Answer):
                yield render_answer(update, article_text=assistant.store.article_text)
            else:
                yield render_draft(update)

    indexed = assistant.store.articles()  # one pass over the index for both tabs
    view = IndexView(assistant, settings)
    shown = view.current(indexed)
    description = (
        "Ask about the news articles in the index. Every claim in an answer carries a number "
        "pointing at the passage it comes from, shown underneath."
    )
    with gr.Blocks(title="News assistant", analytics_enabled=False) as app:
        with gr.Tab("Chat"):
            gr.Markdown(f"# News assistant\n\n{description}", elem_id="chat-title")
            empty_notice = gr.Markdown(EMPTY_INDEX_NOTICE, visible=shown.chunks == 0)
            sources_filter = gr.Dropdown(
                value=[],
                choices=shown.sources,
                multiselect=True,
                allow_custom_value=True,
                label="Sources",
                info="only these sources (none chosen: all)",
                render=False,
            )
            chatbot = gr.Chatbot(
                height="72vh",  # most of the window: an answer and its first source fit without scrolling
                label="Answers with their sources",
                latex_delimiters=[],  # "$$" in an article is text, not a formula
                render=False,
            )
            gr.ChatInterface(
                respond,
                # Shown inside the empty chat; a click asks the question with the current filters.
                # Given even when none is answerable yet, so that the click is wired for a later load.
                examples=[[question, None, None, None] for question in shown.examples or settings.example_questions],
                cache_examples=False,
                run_examples_on_click=True,
                analytics_enabled=False,
                concurrency_limit=settings.chat_concurrency,
                api_name="chat",
                chatbot=chatbot,
                textbox=gr.Textbox(
                    placeholder=QUESTION_PLACEHOLDER, show_label=False, elem_id="question", scale=7, render=False
                ),
                additional_inputs=[
                    gr.Textbox(value="", label="From (YYYY-MM-DD)", placeholder="any date", render=False),
                    gr.Textbox(value="", label="Until (YYYY-MM-DD)", placeholder="any date", render=False),
                    sources_filter,
                ],
                additional_inputs_accordion=gr.Accordion("Filters: dates and sources", open=False, render=False),
            )
        with gr.Tab("Articles"):
            articles_tab(assistant.store, settings, indexed)

        # Each page load shows the index as it is now: articles may have come or gone since the start.
        def on_load() -> tuple[Any, Any, Any]:
            now = view.current()
            return (
                gr.Chatbot(examples=[{"text": question} for question in now.examples] or None),
                gr.Markdown(visible=now.chunks == 0),
                gr.Dropdown(choices=now.sources),
            )

        app.load(on_load, None, [chatbot, empty_notice, sources_filter], api_visibility="undocumented")
    return app


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach ``host`` (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def chat_auth(settings: Settings, host: str, no_auth: bool) -> tuple[str, str] | None:
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


class UnsafeServeError(RuntimeError):
    """The chat was asked to serve other machines without a login."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the news assistant chat.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument(
        "--no-auth", action="store_true", help="serve another address without a login (logged as a warning)"
    )
    parser.add_argument("--port", type=int, default=7860)
    parser.add_argument("--db", type=Path, help="Chroma folder (default: ASSISTANT_DB_PATH or data/chroma)")
    parser.add_argument("--llm", help="what writes answers: extractive, smollm2, ollama:<model>, openai:<model>")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = default_settings()
    if args.db:
        settings = settings.model_copy(update={"db_path": args.db})
    if args.llm:
        settings = settings.model_copy(update={"llm": args.llm})
    try:
        auth = chat_auth(settings, args.host, args.no_auth)
        claim_store(settings)
        assistant = Assistant(settings)  # load the model and store before the first question
    except (UnsafeServeError, StoreError, EmbeddingModelUnavailableError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    logger.info("index at %s holds %d chunks", settings.db_path, assistant.store.count())
    build_app(assistant, settings).launch(
        server_name=args.host, server_port=args.port, share=False, auth=auth, css=CHAT_CSS
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
