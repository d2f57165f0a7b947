"""Answers questions about the indexed news articles, citing the passages they come from.

>>> from assistant import answer
>>> answer("What does Turkey demand in Libya?").text  # doctest: +SKIP
"""

from index.offline import go_offline

go_offline()  # before anything below imports a library that reads the switches

from assistant.service import Assistant, answer, brief, get_assistant  # noqa: E402
from assistant.types import NOT_IN_ARTICLES, Answer, Citation, Filters  # noqa: E402

__all__ = ["NOT_IN_ARTICLES", "Answer", "Assistant", "Citation", "Filters", "answer", "brief", "get_assistant"]
