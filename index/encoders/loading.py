"""The encoder the settings name, loaded once per process; sentence-transformers models resolved offline.

:func:`load_embeddings` is the one door: a short name registered in :mod:`index.encoders.registry`
(``minilm``, ``minilm-int8``, ``e5-multilingual``, ``wordllama``) loads that encoder; any other
name or path is a sentence-transformers model, as it always was. sentence-transformers (and so
PyTorch) is the optional extra ``torch``: imported only when such a model is chosen, and its absence
is then one :class:`EmbeddingModelUnavailableError` line naming the extra.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from langchain_core.embeddings import Embeddings

from index.encoders.registry import (
    EmbeddingModelUnavailableError,
    Encoder,
    canonical_encoder_name,
    find_encoder,
    make_encoder,
)
from index.encoders.torch_models import require_torch_extra, resolve_model_path, sentence_transformer

if TYPE_CHECKING:
    from langchain_huggingface import HuggingFaceEmbeddings

__all__ = [
    "EmbeddingModelUnavailableError",
    "embedding_dimension",
    "load_embeddings",
    "remembered_queries",
    "require_torch_extra",
    "resolve_model_path",
    "sentence_transformer",
]

logger = logging.getLogger(__name__)


@lru_cache(maxsize=4)
def load_embeddings(model_name: str, batch_size: int = 16) -> Embeddings:
    """The encoder ``model_name`` names, as a LangChain ``Embeddings``; normalised, so dot = cosine.

    Cached: loading a model costs seconds, so every store and answerer in a process shares it,
    and the names of one model (``minilm``, ``all-MiniLM-L6-v2``) share one copy.
    """
    return _load(canonical_encoder_name(model_name), batch_size)


@lru_cache(maxsize=4)
def _load(canonical_name: str, batch_size: int) -> Embeddings:
    if find_encoder(canonical_name) is None:
        return sentence_transformer(canonical_name, batch_size)
    logger.info("loading embedding model %s", canonical_name)
    return make_encoder(canonical_name, batch_size)


def embedding_dimension(embeddings: Encoder | HuggingFaceEmbeddings) -> int:
    """Size of the model's vectors, recorded in the collection to catch a model change.

    Typed for what :func:`load_embeddings` makes; any other ``Embeddings`` (a wrapper a caller
    passes the store) is asked for one vector and measured.
    """
    dimension = getattr(embeddings, "dimension", None)
    client = getattr(embeddings, "_client", None)
    if dimension is None and client is not None and hasattr(client, "get_embedding_dimension"):
        dimension = client.get_embedding_dimension()
    if dimension is None:
        dimension = len(embeddings.embed_query("dimension probe"))
    return int(dimension)


def remembered_queries(embeddings: Embeddings, size: int = 2048) -> Callable[[str], np.ndarray]:
    """``embeddings.embed_query`` as a read-only float32 vector, the last ``size`` questions remembered:
    retrieval, the answerer and the second speed each ask for a question's vector, embedded once."""

    @lru_cache(maxsize=size)
    def embed(text: str) -> np.ndarray:
        vector = np.asarray(embeddings.embed_query(text), dtype=np.float32)
        vector.setflags(write=False)
        return vector

    return embed
