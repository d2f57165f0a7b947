"""The answerer seam: what turns a question and its passages into an :class:`Answer`.

Every answerer (the extractive one, a language model checked against its citations, or one a
caller brings) is invoked with an :class:`AnswerInput` and can stream: ``updates()`` yields draft
text (``str``) while the answer is written and ends with the final :class:`Answer`. The assistant
only ever calls ``updates()``, so asking and streaming are one path. A LangChain ``Runnable``
that only has ``invoke`` is wrapped by :func:`as_answerer`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NotRequired, Protocol, TypedDict, runtime_checkable

from langchain_core.documents import Document

from assistant.types import Answer, AnswerUpdate


class AnswerInput(TypedDict):
    """The question as retrieval understood it (follow-ups made standalone) and its ranked passages;
    ``stories``: those the conversation was about (a follow-up's previous answer), told first when
    the passages include them (:mod:`assistant.lead_story`)."""

    question: str
    passages: list[Document]
    stories: NotRequired[tuple[str, ...]]


@runtime_checkable
class Answerer(Protocol):
    """Answers from passages; ``updates`` ends with exactly one :class:`Answer`."""

    def invoke(self, input: AnswerInput, config: Any = None, **kwargs: Any) -> Answer: ...

    def updates(self, input: AnswerInput, config: Any = None) -> Iterator[AnswerUpdate]: ...


class InvokeOnly(Protocol):
    """Anything with LangChain's ``invoke`` giving an :class:`Answer` (a ``Runnable``, a plain object)."""

    def invoke(self, input: Any, config: Any = None, **kwargs: Any) -> Answer: ...


class _Streamed:
    """An invoke-only answerer seen as an :class:`Answerer`: its one update is the final answer."""

    def __init__(self, inner: InvokeOnly) -> None:
        self.inner = inner

    def invoke(self, input: AnswerInput, config: Any = None, **kwargs: Any) -> Answer:
        return self.inner.invoke(input, config, **kwargs)

    def updates(self, input: AnswerInput, config: Any = None) -> Iterator[AnswerUpdate]:
        yield self.inner.invoke(input, config)


def as_answerer(candidate: Answerer | InvokeOnly) -> Answerer:
    """``candidate`` itself when it streams, else wrapped so that it does."""
    if isinstance(candidate, Answerer):
        return candidate
    return _Streamed(candidate)


def final_answer(updates: Iterator[AnswerUpdate]) -> Answer:
    """The :class:`Answer` that ends a stream of updates."""
    final: Answer | None = None
    for update in updates:
        if isinstance(update, Answer):
            final = update
    if final is None:
        raise RuntimeError("the answerer's updates ended without an Answer")
    return final
