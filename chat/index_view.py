"""What the chat page shows about the index (its size, example questions, sources to filter by),
worked out again only when the index has changed."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from assistant.service import Assistant
from chat.examples import example_questions
from chat.settings import ChatSettings
from index.store import IndexedArticle


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

    def __init__(self, assistant: Assistant, settings: ChatSettings) -> None:
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
                    self.assistant,
                    self.settings.example_questions,
                    self.settings.example_count,
                    articles,
                    # Left at their default, they are the bundled sample's: only while it is all there is.
                    sample="example_questions" not in self.settings.model_fields_set,
                )
                sources = sorted({article.source for article in articles if article.source})
                self._summary = IndexSummary(chunks, examples, sources)
            return self._summary
