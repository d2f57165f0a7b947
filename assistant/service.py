"""The assistant: retriever → answerer, with the model and store loaded once per process.

>>> from assistant import Assistant
>>> bot = Assistant()  # doctest: +SKIP
>>> bot.ask("What does Turkey demand in Libya?").text  # doctest: +SKIP
'Turkey on Saturday announced that forces loyal to ... must withdraw from ... Sirte ... [1]'
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Iterator, Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser

from assistant.answerer import Answerer, AnswerInput, InvokeOnly, as_answerer, final_answer
from assistant.dates import DateWindow
from assistant.extractive import extractive_answerer
from assistant.history import (
    as_messages,
    history_turns,
    looks_like_followup,
    previous_answer_sentences,
    with_previous_terms,
)
from assistant.languages import text_language
from assistant.lead_story import stories_quoted
from assistant.llm.answerer import GroundedLLMAnswerer
from assistant.llm.backends import backend_name, chat_model_for
from assistant.llm.prompts import CONDENSE_PROMPT
from assistant.news.dispatch import NewsAnswerer
from assistant.news.requests import NewsRequest, RequestKind, recognise
from assistant.news.story_writer import StoryWriter
from assistant.questions import EMPTY_QUESTION, clean_question
from assistant.retrieval import PassageRetriever
from assistant.settings import AssistantSettings, default_assistant_settings
from assistant.stories_shown import with_stories
from assistant.text import content_words
from assistant.types import Answer, AnswerUpdate, Filters
from assistant.unread import FollowedList, with_unread
from index.store import ArticleStore

logger = logging.getLogger(__name__)

History = Sequence[Any]
_MAX_REWRITE_CHARS = 300


class Assistant:
    """Answers questions about the indexed articles; reuse one per process.

    What writes the answer is ``settings.llm`` (``ASSISTANT_LLM``), or ``chat_model`` (any
    LangChain chat model) when given, or ``answerer`` (an :class:`~assistant.answerer.Answerer`, or
    anything with ``invoke`` from ``{"question", "passages"}`` to :class:`Answer`) to replace the
    answering step altogether.

    :meth:`stream` is the one path from a question to an answer; :meth:`ask` is its last item.
    """

    def __init__(
        self,
        settings: AssistantSettings | None = None,
        *,
        store: ArticleStore | None = None,
        answerer: Answerer | InvokeOnly | None = None,
        chat_model: BaseChatModel | None = None,
        backend: str | None = None,
    ) -> None:
        self.settings = settings or default_assistant_settings()
        if chat_model is None:  # before the store: a typo or a missing package fails before models load
            chat_model = chat_model_for(self.settings)
            backend = backend or backend_name(self.settings.llm)
        self.store = store or ArticleStore.open(self.settings)
        self.retriever = PassageRetriever.from_settings(self.store, self.settings)
        self.extractive = extractive_answerer(self.store, self.settings)
        self.news = NewsAnswerer(self.store, self.settings, self.extractive.min_relevance)
        self.followed = FollowedList(self.settings)  # where answers read the articles feeds could not
        self.chat_model = chat_model
        self.backend = backend or type(chat_model).__name__
        self.answerer: Answerer = as_answerer(answerer) if answerer is not None else self._default_answerer()
        if self.chat_model is not None:  # briefings' stories told by the model too, checked the same way
            self.news.context.writer = StoryWriter(
                self.chat_model,
                self.backend,
                self.extractive.sentence_vectors,
                min_support=self.settings.min_support,
                min_supported_share=self.settings.min_supported_share,
            )

    def _default_answerer(self) -> Answerer:
        if self.chat_model is None:
            return self.extractive
        return GroundedLLMAnswerer(
            self.chat_model,
            self.backend,
            self.extractive,
            passages=self.settings.llm_passages,
            focus_sentences=self.settings.llm_focus_sentences,
            min_support=self.settings.min_support,
            min_supported_share=self.settings.min_supported_share,
        )

    def standalone_question(self, question: str, history: History | None = None) -> str:
        """``question`` made understandable without the conversation, for retrieval and answering.

        Only a question that reads as a follow-up is touched. A chat model rewrites it (LangChain's
        history-aware pattern); if there is none, or its rewrite loses the question's own words,
        the key terms of the previous questions are added instead.
        """
        turns = history_turns(history)
        if not turns or not looks_like_followup(question):
            return question
        if self.chat_model is not None:
            try:
                rewrite = (CONDENSE_PROMPT | self.chat_model | StrOutputParser()).invoke(
                    {"history": as_messages(turns), "question": question}
                )
                rewrite = " ".join(rewrite.split())
                if 0 < len(rewrite) <= _MAX_REWRITE_CHARS and content_words(question) <= content_words(rewrite):
                    return rewrite
                logger.info("rewrite %r of %r kept too little of it; adding earlier terms instead", rewrite, question)
            except Exception as error:  # a model that is down still leaves the keyword way
                logger.warning("could not rewrite the follow-up with %s: %s", self.backend, error)
        return with_previous_terms(question, turns)

    def ask(self, question: str, history: History | None = None, filters: Filters | None = None) -> Answer:
        """Answer ``question`` from the articles: the final item of :meth:`stream`.

        ``history`` is the conversation so far (``(question, answer)`` pairs, ``{"role", "content"}``
        dicts or LangChain messages): a follow-up such as "And what did it say about France?" is
        understood in its light. ``filters`` (:class:`Filters`) answers as of a day, bounds
        publication dates and keeps only some sources.
        """
        return final_answer(self.stream(question, history, filters))

    def stream(
        self, question: str, history: History | None = None, filters: Filters | None = None
    ) -> Iterator[AnswerUpdate]:
        """The draft text as it is written (``str``), then the final :class:`Answer`.

        The draft is the model's raw text; the final answer is what survived the citation check, so
        show the draft as provisional and replace it with the final one.
        """
        filters = filters or Filters()
        cleaned = clean_question(question, self.settings.max_question_chars)
        if not cleaned.text:
            yield Answer(question="", text=EMPTY_QUESTION, answered=False, backend=self.backend)
            return
        reference = filters.as_of or date.today()
        if (request := recognise(cleaned.text, reference)) is not None:
            shaped = self.news.answer(cleaned.text, request, reference, filters)
            notice = " ".join(part for part in (cleaned.notice, shaped.notice) if part)
            yield self._with_stories(dataclasses.replace(shaped, notice=notice))
            return
        standalone = self.standalone_question(cleaned.text, history)
        inputs = AnswerInput(question=standalone, passages=self.retriever.search(standalone, filters))
        if standalone != cleaned.text:  # a follow-up stays in the story it was about, when it is retrieved
            inputs["stories"] = stories_quoted(self.store, previous_answer_sentences(history_turns(history)))
        for update in self.answerer.updates(inputs):
            if isinstance(update, Answer):
                notice = " ".join(
                    part for part in (cleaned.notice, update.notice, _quoted_in_english(cleaned.text, update)) if part
                )
                yield self._with_stories(dataclasses.replace(update, question=cleaned.text, notice=notice))
            else:
                yield update

    def shaped(self, kind: RequestKind, topic: str = "", filters: Filters | None = None) -> Answer:
        """A briefing, timeline or comparison asked for directly, not in words: ``kind`` about
        ``topic`` ("" for all the news) over ``filters.since``..``filters.until`` (a briefing
        without them covers the week up to ``filters.as_of`` or today, or the latest week with news
        when that one has none; on a topic, its latest stories), from ``filters.sources`` only."""
        filters = filters or Filters()
        reference = filters.as_of or date.today()
        request = NewsRequest(kind, " ".join(topic.split()), DateWindow(filters.since, filters.until))
        question = f"{kind} of {request.topic}" if request.topic else kind
        return self._with_stories(self.news.answer(question, request, reference, filters))

    def _with_stories(self, answer: Answer) -> Answer:
        """Each citation with the other outlets that published the same text (wire copies) and the
        other articles of its story (:mod:`index.stories.groups`): "N outlets reported this story"; and
        the articles of those stories a followed feed could not read (:mod:`assistant.unread`)."""
        return with_unread(with_stories(self.store, answer), self.followed)


def _quoted_in_english(question: str, answer: Answer) -> str:
    """A note for a question in another language answered from English articles: the answer quotes
    them in their own words (issue 27), which a reader of the question's language should be told."""
    if not answer.answered or not answer.citations or text_language(question) is None:
        return ""
    if any(text_language(citation.passage) is not None for citation in answer.citations):
        return ""
    return "The articles quoted are in English."


_default_lock = threading.Lock()


@lru_cache(maxsize=8)
def _assistant_for(db: str | None, llm: str | None) -> Assistant:
    updates: dict[str, Any] = {}
    if db is not None:
        updates["db_path"] = Path(db)
    if llm is not None:
        updates["llm"] = llm
    return Assistant(default_assistant_settings().model_copy(update=updates))


def get_assistant(db: str | Path | None = None, llm: str | None = None) -> Assistant:
    """The shared assistant for a database folder and backend (the configured ones by default)."""
    with _default_lock:
        return _assistant_for(str(db) if db is not None else None, llm)


def answer(
    question: str,
    history: History | None = None,
    *,
    db: str | Path | None = None,
    llm: str | None = None,
    as_of: date | None = None,
    since: date | None = None,
    until: date | None = None,
    sources: Sequence[str] | None = None,
) -> Answer:
    """Answer a question about the indexed news articles, with cited passages.

    ``llm`` picks what writes the answer (as ``ASSISTANT_LLM``: ``extractive``, ``smollm2``,
    ``ollama:<model>``, ``openai:<model>``); ``history`` makes follow-up questions work.

    >>> from assistant import answer
    >>> result = answer("What does Turkey demand in Libya?")  # doctest: +SKIP
    >>> result.answered, result.citations[0].title  # doctest: +SKIP
    >>> turns = [("What does Turkey demand in Libya?", result.text)]  # doctest: +SKIP
    >>> answer("And what did it say about France?", history=turns)  # doctest: +SKIP
    """
    return get_assistant(db, llm).ask(question, history, Filters.of(as_of, since, until, sources))


def brief(
    topic: str = "",
    *,
    kind: RequestKind = "briefing",
    db: str | Path | None = None,
    as_of: date | None = None,
    since: date | None = None,
    until: date | None = None,
    sources: Sequence[str] | None = None,
) -> Answer:
    """A cited briefing of the news (``kind="timeline"`` or ``"comparison"`` for those shapes).

    ``answer("What happened this week?")`` gives the same; this sibling takes the topic and
    period as values instead of words. ``sources`` keeps only those outlets' articles, as in
    :func:`answer`.

    >>> from assistant import brief
    >>> brief("Libya", since=date(2020, 6, 20), until=date(2020, 6, 27)).text  # doctest: +SKIP
    >>> brief("Sirte talks", kind="timeline").text  # doctest: +SKIP
    """
    return get_assistant(db).shaped(kind, topic, Filters.of(as_of, since, until, sources))
