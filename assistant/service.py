"""The assistant: a LangChain chain (retriever → answerer) with the model and store loaded once.

>>> from assistant import Assistant
>>> bot = Assistant()  # doctest: +SKIP
>>> bot.ask("What does Turkey demand in Libya?").text  # doctest: +SKIP
'Turkey on Saturday announced that forces loyal to ... must withdraw from ... Sirte ... [1]'
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from langchain_core.runnables import Runnable, RunnablePassthrough

from assistant.answering import ExtractiveAnswerer
from assistant.retrieval import PassageRetriever
from assistant.types import Answer, not_in_articles
from index.settings import Settings, default_settings
from index.store import ArticleStore

logger = logging.getLogger(__name__)

History = Sequence[Any]


class Assistant:
    """Answers questions about the indexed articles; reuse one per process.

    ``answerer`` is any Runnable from ``{"question", "passages"}`` to :class:`Answer`; the default
    is the offline :class:`ExtractiveAnswerer`.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        store: ArticleStore | None = None,
        answerer: Runnable[dict[str, Any], Answer] | None = None,
    ) -> None:
        self.settings = settings or default_settings()
        self.store = store or ArticleStore.open(self.settings)
        self.retriever = PassageRetriever.from_settings(self.store, self.settings)
        self.answerer = answerer or ExtractiveAnswerer(
            self.store.embeddings,
            min_relevance=self.settings.min_relevance,
            min_answer_score=self.settings.min_answer_score,
            max_sentences=self.settings.max_answer_sentences,
            query_vector=self.store.query_vector,
        )
        self.chain: Runnable[dict[str, Any], Answer] = (
            RunnablePassthrough.assign(
                passages=lambda inputs: self.retriever.invoke(
                    inputs["question"],
                    as_of=inputs.get("as_of"),
                    since=inputs.get("since"),
                    until=inputs.get("until"),
                    sources=inputs.get("sources"),
                )
            )
            | self.answerer
        )

    def ask(
        self,
        question: str,
        history: History | None = None,
        *,
        as_of: date | None = None,
        since: date | None = None,
        until: date | None = None,
        sources: Sequence[str] | None = None,
    ) -> Answer:
        """Answer ``question`` from the articles.

        ``as_of`` answers as of that day: articles near it first, none published after it (but a
        few days' grace); ``since``/``until`` bound publication dates; ``sources`` keeps only
        those sources (e.g. ``["cnn.com"]``).

        ``history`` (earlier turns) is accepted so callers can pass the chat as it is; follow-up
        questions are resolved by a later answerer.
        """
        question = " ".join(question.split())
        if not question:
            return not_in_articles(question)
        inputs = {"question": question, "history": list(history or []), "as_of": as_of}
        inputs.update(since=since, until=until, sources=list(sources) if sources else None)
        return self.chain.invoke(inputs)


_default_lock = threading.Lock()


@lru_cache(maxsize=8)
def _assistant_for(db: str | None) -> Assistant:
    settings = default_settings() if db is None else default_settings().model_copy(update={"db_path": Path(db)})
    return Assistant(settings)


def get_assistant(db: str | Path | None = None) -> Assistant:
    """The shared assistant for a database folder (the configured one by default)."""
    with _default_lock:
        return _assistant_for(str(db) if db is not None else None)


def answer(
    question: str,
    history: History | None = None,
    *,
    db: str | Path | None = None,
    as_of: date | None = None,
    since: date | None = None,
    until: date | None = None,
    sources: Sequence[str] | None = None,
) -> Answer:
    """Answer a question about the indexed news articles, with cited passages.

    >>> from assistant import answer
    >>> result = answer("What does Turkey demand in Libya?")  # doctest: +SKIP
    >>> result.answered, result.citations[0].title  # doctest: +SKIP
    """
    return get_assistant(db).ask(question, history, as_of=as_of, since=since, until=until, sources=sources)
