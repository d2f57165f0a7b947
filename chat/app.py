"""The chat: ``python app.py [--host 127.0.0.1] [--port 7860] [--db DIR] [--llm NAME] [--no-auth]``.

A Gradio ``ChatInterface`` over the same :class:`~assistant.Assistant` that ``assistant.answer()``
uses, and the Articles tab that manages the index. Each reply is the answer with its ``[n]`` chips,
then the cited passages (:mod:`chat.render`); the Briefing panel under the chat asks for the news of
a period in words (:mod:`chat.briefing_panel`). Every answer is saved as it completes, and the
Conversations panel above the chat reopens, renames, deletes and exports them; thumbs up or down
on an answer are saved with it (:mod:`chat.conversations_panel`). Analytics are off, no share link is ever made, and it
listens on 127.0.0.1 unless told otherwise (:mod:`chat.auth`).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.llm import check_backend
from assistant.service import Assistant
from assistant.types import Answer, Filters
from chat.answer_view import CHAT_ID, keep_answers_in_view
from chat.articles_tab import articles_tab
from chat.auth import chat_auth
from chat.briefing_panel import briefing_panel
from chat.conversation_store import ConversationStore, database_url
from chat.conversations_panel import ChatSession, conversations_panel
from chat.feeds_panel import feeds_panel
from chat.followed_questions_panel import BOX_NAMES, followed_questions_panel
from chat.history import plain_turns
from chat.index_view import IndexView
from chat.render import escape_markdown, render_answer, render_draft
from chat.serve import serve
from chat.settings import Settings, default_settings
from index.errors import BadDateError, run_command
from index.follower import Follower, start_in_background
from index.store import claim_store

logger = logging.getLogger(__name__)

CSS_PATH = Path(__file__).with_name("chat.css")
QUESTION_PLACEHOLDER = "Ask about the news articles…"
EMPTY_INDEX_NOTICE = (
    "**The index is empty:** add articles in the **Articles** tab, or with `python -m index build PATH`."
)
DESCRIPTION = (
    "Ask about the news articles in the index. Every claim in an answer carries a number "
    "pointing at the passage it comes from, shown underneath."
)


def build_app(
    assistant: Assistant,
    settings: Settings,
    follower: Follower | None = None,
    conversations: ConversationStore | None = None,
) -> gr.Blocks:
    """The chat (every message answered by ``assistant.stream``) and the Articles tab that manages the index.

    ``follower`` fetches the followed feeds and sites (one is made for the assistant's store when not given);
    ``conversations`` keeps the conversations (opened from the settings when not given).
    """
    follower = follower or Follower(assistant.store, settings)
    conversations = conversations or ConversationStore.open(database_url(settings))

    def respond(  # noqa: PLR0917 (Gradio passes the chat's inputs, and the request, by position)
        message: str,
        history: list[Any],
        since: str,
        until: str,
        sources: list[str] | None,
        session: ChatSession,
        request: gr.Request,
    ) -> Iterator[str]:
        try:
            filters = Filters.typed(since=since, until=until, sources=sources, names=BOX_NAMES)
        except BadDateError as error:
            yield escape_markdown(str(error))
            return
        for update in assistant.stream(message, plain_turns(history), filters):
            if isinstance(update, Answer):
                saved.record(session, history, message, update, request)  # before it shows: a reload finds it
                yield render_answer(update, article_text=assistant.store.article_text)
            else:
                yield render_draft(update)

    indexed = assistant.store.articles()  # one pass over the index for both tabs
    view = IndexView(assistant, settings)
    shown = view.current(indexed)
    with gr.Blocks(title="News assistant", analytics_enabled=False) as app:
        with gr.Tab("Chat"):
            gr.Markdown(f"# News assistant\n\n{DESCRIPTION}", elem_id="chat-title")
            empty_notice = gr.Markdown(EMPTY_INDEX_NOTICE, visible=shown.chunks == 0)
            saved = conversations_panel(conversations)  # folded, above the chat
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
                autoscroll=False,  # chat.answer_view keeps a new answer's start in view instead
                elem_id=CHAT_ID,
                render=False,
            )
            since_box = gr.Textbox(value="", label="From (YYYY-MM-DD)", placeholder="any date", render=False)
            until_box = gr.Textbox(value="", label="Until (YYYY-MM-DD)", placeholder="any date", render=False)
            chat = gr.ChatInterface(
                respond,
                # Shown inside the empty chat; a click asks the question with the current filters.
                # Given even when none is answerable yet, so that the click is wired for a later load.
                examples=[[question, *[None] * 4] for question in shown.examples or settings.example_questions],
                cache_examples=False,
                run_examples_on_click=True,
                analytics_enabled=False,
                concurrency_limit=settings.chat_concurrency,
                api_name="chat",
                chatbot=chatbot,
                textbox=gr.Textbox(
                    placeholder=QUESTION_PLACEHOLDER, show_label=False, elem_id="question", scale=7, render=False
                ),
                additional_inputs=[since_box, until_box, sources_filter, saved.session],
                additional_inputs_accordion=gr.Accordion("Filters: dates and sources", open=False, render=False),
            )
            saved.connect(app, chat, article_text=assistant.store.article_text)  # and the feedback note box
            keep_answers_in_view(chatbot)
            # A briefing of a period, asked in the chat as words (chat.briefing_panel).
            chat_inputs = [since_box, until_box, sources_filter, saved.session]
            briefing_panel().connect(respond, chatbot, chat.chatbot_state, chat_inputs, settings.chat_concurrency)
            followed = followed_questions_panel(assistant, settings)  # asked again after index updates
        with gr.Tab("Articles"):
            listing = articles_tab(assistant.store, settings, indexed)
            feeds_panel(follower, listing)
        followed.connect(app, chatbot, [since_box, until_box, sources_filter], listing, follower)

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
    """Serve the chat; errors meant for the user become one line and exit code 2 (:mod:`index.errors`)."""
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
    if settings.follow_in_chat:  # new articles of the followed feeds are answered without a restart
        start_in_background(follower)
    # The chat at "/" and the HTTP API (/api, /v1) and MCP server (/mcp) beside it, one port (chat.serve).
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
