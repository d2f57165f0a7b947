"""Answers questions about the indexed news articles, citing the passages they come from.

>>> from assistant import answer
>>> answer("What does Turkey demand in Libya?").text  # doctest: +SKIP
"""

from assistant.service import Assistant, answer, get_assistant
from assistant.types import NOT_IN_ARTICLES, Answer, Citation

__all__ = ["NOT_IN_ARTICLES", "Answer", "Assistant", "Citation", "answer", "get_assistant"]
