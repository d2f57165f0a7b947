"""Briefings, timelines and comparisons of outlets, answered instead of passages when asked for.

See :mod:`assistant.news.context` for what they share and each shape's module for how it is told.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from assistant.dates import DateWindow
from assistant.news.briefing import brief
from assistant.news.comparison import compare
from assistant.news.context import NewsContext
from assistant.news.requests import NewsRequest
from assistant.news.timeline import timeline
from assistant.settings import AssistantSettings
from assistant.types import Answer, Filters
from index.store import ArticleStore


class NewsAnswerer:
    """Briefings, timelines and comparisons, answered from the index's stories."""

    def __init__(self, store: ArticleStore, settings: AssistantSettings, min_relevance: float) -> None:
        self.context = NewsContext(store, settings, min_relevance)

    def answer(self, question: str, request: NewsRequest, reference: date, filters: Filters | None = None) -> Answer:
        """The answer to ``request`` (recognised in ``question``), as of ``reference``, within ``filters``.

        The period the words name wins over ``since``/``until`` where both say something (the
        question is the more specific); the sources asked for always apply, to every shape
        (:class:`assistant.news.context.Scope`), as they do to a plain answer.
        """
        filters = filters or Filters()
        window = request.window
        if filters.since or filters.until:
            window = DateWindow(window.since or filters.since, window.until or filters.until)
        request = dataclasses.replace(request, window=window, sources=filters.sources)
        shape = {"briefing": brief, "timeline": timeline, "comparison": compare}[request.kind]
        answer = shape(self.context, request, reference)
        return dataclasses.replace(answer, question=question)
