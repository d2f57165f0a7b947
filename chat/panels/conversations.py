"""The chat's saved conversations: the "Conversations" panel above the chat, and feedback on answers.

Every answer the chat gives is saved as it completes (:meth:`ConversationsPanel.record`, called by
the chat's answering function), in the page's current conversation: a :class:`ChatSession` kept in a
``gr.State``, so on the server, per page. The panel lists the owner's conversations (the login's;
without a login, those made without one), the most recently used first, each titled by its first question;
picking one shows it in the chat again, rendered from its saved answers by :mod:`chat.render` (the
same chips and sources), and the conversation goes on from there. "New conversation" (or the chat's
Clear) starts another; the current one can be renamed, deleted or exported as Markdown
(:mod:`assistant.conversations.export`).

Feedback: the chat's thumbs up and down (Gradio's ``like`` event) are saved on the answer's turn,
and a box for an optional note opens under that answer (:mod:`chat.feedback_view`); "Export
feedback" downloads every rated answer as JSON for review.

The session is changed in place by the answering function, which has no outputs of its own besides
the reply: Gradio hands a ``gr.State``'s own object to each event of the page. Handlers that switch
conversation return a new :class:`ChatSession` instead, so an answer still being written is saved
in the conversation it was asked in.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import gradio as gr
from sqlalchemy.exc import SQLAlchemyError

from assistant.conversations.book import UnknownConversationError
from assistant.conversations.export import conversation_markdown, export_file, feedback_json
from assistant.conversations.store import ConversationStore, ConversationSummary, new_id
from assistant.types import Answer
from chat.feedback_view import BOX_ID, place_note_by_its_answer
from chat.render import ArticleText, render_answer
from index.words import counted

logger = logging.getLogger(__name__)

NOT_SAVED_YET = "Ask a question first: a conversation is saved with its first answer."
GONE = "That conversation no longer exists (deleted in another window?)."
NOTE_SAVED = "Note saved with the answer."
_LIKED = {"up": "Like", "down": "Dislike"}


@dataclass
class ChatSession:
    """The page's conversation: its id (given with the first saved answer), the saved turn number of
    each question shown in the chat (None: its reply was not saved), and the turn a note is about."""

    conversation_id: str | None = None
    shown: list[int | None] = field(default_factory=list)
    noted: int | None = None


def owner_of(request: gr.Request | None) -> str:
    """Whose conversations: the chat's login, "" when the chat has none."""
    return (getattr(request, "username", None) or "") if request is not None else ""


def _role(message: Any) -> Any:
    return message.get("role") if isinstance(message, dict) else getattr(message, "role", None)


def _questions(messages: Sequence[Any] | None) -> int:
    return sum(1 for message in messages or [] if _role(message) == "user")


def _label(summary: ConversationSummary) -> str:
    """Two lines in the list (chat.css shows the first as the title): the title, then how many
    questions and when it was last used ("2 questions · 6 Dec 2026, 14:03 UTC")."""
    return f"{summary.title}\n{counted(summary.turns, 'question')} · {when(summary.updated)}"


def when(stamp: str) -> str:
    """A stored ISO time (UTC) as a reader writes it: ``6 Dec 2026, 14:03 UTC`` (else as it is)."""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    return f"{moment.day} {moment:%b %Y, %H:%M} UTC"


@dataclass(slots=True)
class ConversationsPanel:
    """The panel's components (made above the chat); :meth:`connect` wires them once the chat exists."""

    store: ConversationStore
    session: gr.State
    listing: gr.Radio
    new_button: gr.Button
    title: gr.Textbox
    rename_button: gr.Button
    export_button: gr.Button
    feedback_button: gr.Button
    delete_button: gr.Button
    download: gr.File
    outcome: gr.Markdown
    article_text: ArticleText | None = None

    def record(
        self, session: ChatSession, history: Sequence[Any], question: str, answer: Answer, request: gr.Request | None
    ) -> None:
        """Save ``answer`` to ``question``, asked after ``history``, in the page's conversation.

        Its place is the question's place in the chat: an answer retried, or asked again after Undo,
        replaces the saved turns from there on. A failing database is logged; the answer is still shown.
        """
        position = _questions(history)
        shown = (session.shown + [None] * position)[:position]
        after = max((n for n in shown if n is not None), default=-1)
        owner = owner_of(request)
        try:
            if session.conversation_id is None:
                session.conversation_id = new_id()
            try:
                n = self.store.save_turn(session.conversation_id, owner, answer, question, after)
            except UnknownConversationError:  # deleted in another window: this answer starts a new one
                session.conversation_id, shown = new_id(), [None] * position
                n = self.store.save_turn(session.conversation_id, owner, answer, question, -1)
        except SQLAlchemyError:
            logger.exception("could not save the answer to %r", question)
            session.shown = [*shown, None]
            return
        session.shown = [*shown, n]

    def connect(self, app: gr.Blocks, chat: gr.ChatInterface, article_text: ArticleText | None) -> None:
        """Wire the panel to ``chat``, and make the note box for feedback (where this is called: under the chat).

        ``article_text`` gives a reopened answer's whole articles, as when it was first shown.
        """
        self.article_text, chatbot = article_text, chat.chatbot
        # Placed under the answer whose thumb was clicked by chat.feedback_view; here without it. Shown and
        # hidden with gr.update: a gr.Column(visible=...) returned as an update drops the box's elem_id.
        with gr.Column(visible=False, elem_id=BOX_ID) as box:
            noted = gr.Markdown(elem_id="feedback-outcome")
            with gr.Row(elem_id="feedback-note-row") as note_row:
                note = gr.Textbox(
                    label="A note on this answer (optional)",
                    placeholder="what was wrong or missing, or what was good",
                    elem_id="feedback-note",
                    lines=2,
                )
            with gr.Row():
                save_note = gr.Button("Save note", elem_id="save-note", size="sm", variant="primary", min_width=80)
                close_note = gr.Button("Dismiss", elem_id="dismiss-note", size="sm", min_width=80)

        quiet: dict[str, Any] = {"api_visibility": "undocumented", "queue": False}
        refresh: dict[str, Any] = {"fn": self.listed, "inputs": [self.session], "outputs": [self.listing, self.title]}
        shows = [chatbot, chat.chatbot_state, self.session, self.title, self.outcome]
        # The list follows the chat: a new conversation appears with its first answer. (The chat's own
        # state never reports a change here, so the chat itself is the trigger: only the last change counts.)
        gr.on([app.load, chatbot.change], **refresh, **quiet, trigger_mode="always_last", show_progress="hidden")
        self.listing.input(self.opened, [self.listing], shows, **quiet).then(**refresh, **quiet)
        self.new_button.click(self.started, None, shows, **quiet).then(**refresh, **quiet)
        cleared = [self.session, self.title, self.listing]
        chatbot.clear(lambda: (ChatSession(), "", gr.Radio(value=None)), None, cleared, **quiet)
        self.rename_button.click(self.renamed, [self.session, self.title], [self.outcome], **quiet).then(
            **refresh, **quiet
        )
        self.delete_button.click(self.deleted, [self.session], shows, **quiet).then(**refresh, **quiet)
        self.export_button.click(self.exported, [self.session], [self.download, self.outcome], **quiet)
        self.feedback_button.click(self.feedback_exported, None, [self.download, self.outcome], **quiet)
        chatbot.like(self.liked, [self.session, chatbot], [box, note_row, note, noted], **quiet)
        # Queued, unlike the rest: a toast (gr.Info) says the note is saved, and only a queued event has them.
        save_note.click(self.note_kept, [self.session, note], [box], api_visibility="undocumented")
        close_note.click(lambda: gr.update(visible=False), None, [box], **quiet)
        place_note_by_its_answer(app)

    def listed(self, session: ChatSession | None, request: gr.Request) -> tuple[Any, str]:
        """The owner's conversations as the list's choices, the page's own selected, and its title."""
        current = session.conversation_id if session else None
        summaries = self.store.conversations(owner_of(request))
        title = next((summary.title for summary in summaries if summary.id == current), "")
        choices = [(_label(summary), summary.id) for summary in summaries]
        value = current if any(summary.id == current for summary in summaries) else None
        return gr.Radio(choices=choices, value=value), title

    def opened(self, conversation_id: str | None, request: gr.Request) -> tuple[Any, ...]:
        """The chat showing a saved conversation (empty for None): chat, chat state, session, title, outcome."""
        if conversation_id is None:
            return gr.update(value=[], feedback_value=[]), [], ChatSession(), "", ""
        try:
            conversation = self.store.conversation(conversation_id, owner_of(request))
        except UnknownConversationError:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), GONE
        messages: list[dict[str, str]] = []
        for turn in conversation.turns:  # rendered again from the saved answers: the same chips and sources
            reply = render_answer(turn.answer, article_text=self.article_text)
            messages += [{"role": "user", "content": turn.question}, {"role": "assistant", "content": reply}]
        likes = [_LIKED.get(turn.feedback or "") for turn in conversation.turns]
        session = ChatSession(conversation.id, [turn.n for turn in conversation.turns])
        return gr.update(value=messages, feedback_value=likes), messages, session, conversation.title, ""

    def started(self, request: gr.Request) -> tuple[Any, ...]:
        """A new, empty conversation in the chat (saved with its first answer)."""
        return self.opened(None, request)

    def renamed(self, session: ChatSession, title: str, request: gr.Request) -> str:
        try:
            kept = self.store.rename(_current(session), owner_of(request), title)
        except (LookupError, ValueError) as error:
            return str(error)
        return f"Renamed to “{kept}”."

    def deleted(self, session: ChatSession, request: gr.Request) -> tuple[Any, ...]:
        """Delete the page's conversation; the chat starts a new one."""
        try:
            conversation_id = _current(session)
            title = self.store.conversation(conversation_id, owner_of(request)).title
            self.store.delete(conversation_id, owner_of(request))
        except LookupError as error:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), str(error)
        return *self.opened(None, request)[:4], f"Deleted “{title}”."

    def exported(self, session: ChatSession, request: gr.Request) -> tuple[Any, str]:
        """The page's conversation as a Markdown file to download."""
        try:
            conversation = self.store.conversation(_current(session), owner_of(request))
        except LookupError as error:
            return gr.File(visible=False), str(error)
        path = export_file(conversation_markdown(conversation), conversation.title, ".md")
        return gr.File(value=str(path), visible=True), f"“{conversation.title}” as Markdown: download it below."

    def feedback_exported(self, request: gr.Request) -> tuple[Any, str]:
        """Every answer the owner rated or noted, as a JSON file to download."""
        path = export_file(feedback_json(self.store, owner_of(request)), "answer-feedback", ".json")
        return gr.File(value=str(path), visible=True), "Every rated or noted answer as JSON: download it below."

    def liked(
        self, session: ChatSession, messages: list[Any], data: gr.LikeData, request: gr.Request
    ) -> tuple[Any, ...]:
        """Save a thumbs up or down (or its withdrawal) on the answer's turn, and open the note box for it:
        the box, its note row, the note saved before, what was done."""
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        position = _questions(messages[:index]) - 1
        n = session.shown[position] if 0 <= position < len(session.shown) else None
        feedback = {True: "up", False: "down"}.get(data.liked) if isinstance(data.liked, bool) else None
        said_only = gr.update(visible=True), gr.update(visible=False), ""
        if n is None or session.conversation_id is None:
            return *said_only, "*This reply was not saved, so feedback on it is not kept.*"
        try:
            self.store.set_feedback(session.conversation_id, owner_of(request), n, feedback)
            turns = self.store.conversation(session.conversation_id, owner_of(request)).turns
        except LookupError:
            return *said_only, "*This answer is no longer saved.*"
        session.noted = n
        said = {"up": "Thanks: marked helpful.", "down": "Thanks: marked not helpful."}.get(feedback or "")
        note = next((t.note for t in turns if t.n == n), "")
        return gr.update(visible=True), gr.update(visible=True), note, said or "Rating taken back."

    def note_kept(self, session: ChatSession, text: str, request: gr.Request) -> Any:
        """Save the note on the answer last rated; the box folds away and a toast says so."""
        if session.conversation_id is None or session.noted is None:
            return gr.update(visible=False)
        try:
            self.store.set_note(session.conversation_id, owner_of(request), session.noted, text)
        except LookupError as error:
            gr.Warning(str(error))
            return gr.update(visible=True)
        gr.Info(NOTE_SAVED, duration=5)
        return gr.update(visible=False)


def _current(session: ChatSession) -> str:
    """The page's saved conversation id, or :class:`LookupError` saying to ask first."""
    if session.conversation_id is None:
        raise LookupError(NOT_SAVED_YET)
    return session.conversation_id


def conversations_panel(store: ConversationStore) -> ConversationsPanel:
    """The folded "Conversations" panel, inside the caller's ``gr.Blocks``, and the page's session state."""
    session = gr.State(ChatSession())  # copied for each page: its own conversation
    with gr.Accordion("Conversations: reopen, rename, export", open=False, elem_id="conversations"):
        new_button = gr.Button("New conversation", elem_id="new-conversation", size="sm")
        # A radio group (one is open; arrow keys move), drawn by chat.css as a list of titles and dates.
        listing = gr.Radio(choices=[], label="Saved conversations, the most recent first", elem_id="conversation-list")
        with gr.Row(equal_height=True):
            title = gr.Textbox(label="This conversation's title", elem_id="conversation-title", scale=4)
            rename_button = gr.Button("Rename", elem_id="rename-conversation", scale=1)
        with gr.Row():  # small buttons: on a phone they stack, each a line, not a block
            export_button = gr.Button("Export as Markdown", elem_id="export-markdown", size="sm")
            feedback_button = gr.Button("Export feedback (JSON)", elem_id="export-feedback", size="sm")
            delete_button = gr.Button(
                "Delete this conversation", variant="stop", elem_id="delete-conversation", size="sm"
            )
        download = gr.File(label="Download", visible=False, interactive=False, elem_id="conversation-download")
        outcome = gr.Markdown(elem_id="conversation-outcome")
    return ConversationsPanel(
        store, session, listing, new_button, title, rename_button, export_button, feedback_button, delete_button,
        download, outcome,
    )  # fmt: skip
