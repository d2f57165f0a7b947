"""Find the passages that may answer a question, as a LangChain retriever.

Each returned ``Document`` carries its cosine similarity to the question in
``metadata["score"]``, which the answerer uses to decide whether the articles cover the question.

>>> retriever = PassageRetriever(store=store, k=5)  # doctest: +SKIP
>>> retriever.invoke("what does Turkey demand in Libya", as_of=date(2020, 6, 30))  # doctest: +SKIP
"""

from __future__ import annotations

from datetime import date
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from index.articles import date_as_int
from index.store import ArticleStore


class PassageRetriever(BaseRetriever):
    """Dense search over the chunk store; ``as_of`` keeps out articles published after that day."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: ArticleStore
    k: int = 5

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        as_of: date | None = None,
        **kwargs: Any,
    ) -> list[Document]:
        where = {"date_int": {"$lte": date_as_int(as_of.isoformat())}} if as_of else None
        passages = []
        for document, score in self.store.search(query, k=self.k, where=where):
            document.metadata["score"] = float(score)
            passages.append(document)
        return passages
