"""Answers written by a language model, checked against their citations before they are final.

The same seam as the extractive answerer (a Runnable from ``{"question", "passages"}`` to
:class:`Answer`), with three guarantees whatever the model:

1. The extractive answerer decides first whether the articles cover the question at all. If they
   don't, the answer is "not in the articles" and no model is asked: a small model told "answer
   from these passages" will happily answer from anything.
2. The model sees the passages numbered and delimited as data (:mod:`assistant.llm.prompts`), and
   what it writes is checked sentence by sentence (:mod:`assistant.llm.grounding`).
3. When too little of it survives the check, or the model fails (a server down, a timeout), the
   extractive answer is returned instead, marked ``fallback=True``.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from typing import Any

from langchain_core.documents import Document
from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import Runnable, RunnableConfig

from assistant.answerer import AnswerInput
from assistant.extractive import ExtractiveAnswerer
from assistant.lead_story import same_stories
from assistant.llm.grounding import check_answer
from assistant.llm.prompts import ANSWER_PROMPT, format_passages
from assistant.types import Answer, AnswerUpdate, not_in_articles
from index.words import counted

logger = logging.getLogger(__name__)


class GroundedLLMAnswerer(Runnable[AnswerInput, Answer]):
    """A chat model's answer, kept only where the cited passages support it."""

    def __init__(
        self,
        chat_model: BaseChatModel,
        backend: str,
        extractive: ExtractiveAnswerer,
        *,
        passages: int = 4,
        focus_sentences: int = 3,
        min_support: float = 0.5,
        min_supported_share: float = 0.5,
    ) -> None:
        self.chat_model = chat_model
        self.backend = backend
        self.extractive = extractive
        self.passages = passages
        self.focus_sentences = focus_sentences
        self.min_support = min_support
        self.min_supported_share = min_supported_share
        self.chain = ANSWER_PROMPT | chat_model

    def invoke(self, input: AnswerInput, config: RunnableConfig | None = None, **kwargs: Any) -> Answer:
        final: Answer | None = None
        for update in self.updates(input, config):
            if isinstance(update, Answer):
                final = update
        assert final is not None  # updates() always ends with an Answer
        return final

    def updates(self, input: AnswerInput, config: RunnableConfig | None = None) -> Iterator[AnswerUpdate]:
        """The draft text as the model writes it (``str``), then the checked :class:`Answer`."""
        question: str = input["question"]
        extractive = self.extractive.invoke(input, config)
        if not extractive.answered:
            yield dataclasses.replace(extractive, backend=self.backend)
            return
        # The model reads the story (or stories) the extractive answer tells: one story per answer.
        told = same_stories(input["passages"], {c.article_id for c in extractive.citations})
        shown, model_view = self.shown_passages(question, told)
        draft = ""
        try:
            for chunk in self.chain.stream({"question": question, "passages": format_passages(model_view)}, config):
                draft += chunk.text
                yield draft
        except Exception as error:  # a remote model down or timing out must not break the chat
            logger.warning("%s failed (%s); answering with article sentences", self.backend, error)
            yield dataclasses.replace(
                extractive, fallback=True, notice=f"{self.backend} could not answer ({type(error).__name__})."
            )
            return
        yield self._checked(question, draft, shown, extractive)

    def shown_passages(self, question: str, passages: list[Document]) -> tuple[list[Document], list[Document]]:
        """The passages ``[1]..[n]`` refer to, and what the model reads of each (the same, or focused).

        With ``focus_sentences``, the model reads only each passage's sentences that best answer the
        question; citations still show, and the check still reads, the whole passage.
        """
        relevant = [p for p in passages if p.metadata.get("similarity", 0.0) >= self.extractive.min_relevance]
        shown = relevant[: self.passages]
        if not self.focus_sentences:
            return shown, shown
        pairs = self.extractive.focused_passages(question, shown, self.focus_sentences)
        return [whole for whole, _ in pairs], [focused for _, focused in pairs]

    def _checked(self, question: str, draft: str, shown: list[Document], extractive: Answer) -> Answer:
        checked = check_answer(draft, shown, self.extractive.sentence_vectors, min_support=self.min_support)
        if checked.refused:
            return not_in_articles(question, backend=self.backend)
        if not checked.citations or checked.supported_share < self.min_supported_share:
            logger.info("%s answer failed the check (%.0f%% supported)", self.backend, 100 * checked.supported_share)
            return dataclasses.replace(
                extractive,
                fallback=True,
                removed=checked.removed,
                notice=f"The {self.backend} answer was not supported by the passages; showing article sentences.",
            )
        notice = ""
        if checked.removed:
            removed = counted(len(checked.removed), "sentence")
            notice = f"{removed} no passage supports {'was' if len(checked.removed) == 1 else 'were'} removed."
        return Answer(
            question=question,
            text=checked.text,
            answered=True,
            citations=checked.citations,
            backend=self.backend,
            removed=checked.removed,
            notice=notice,
        )
