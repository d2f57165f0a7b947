"""Settings of the browser chat, and the whole settings object of a chat process.

:class:`Settings` is the one typed settings object: every group of every layer (see
:mod:`index.settings`), read from ``ASSISTANT_...`` variables. ``docs/settings.md`` is generated
from it (``python -m server.settings_doc``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field, SecretStr

from assistant.settings import AssistantSettings


class ChatSettings(BaseModel):
    """The browser chat: who may use it, how many at once, uploads and example questions."""

    chat_user: str | None = Field(default=None, description="User name the chat asks for (with chat_password).")
    chat_password: SecretStr | None = Field(
        default=None, description="Password the chat asks for; required to serve on an address other than loopback."
    )
    allowed_hosts: list[str] = Field(
        default=[],
        description=(
            'Names the server also answers to (a JSON list, e.g. ["news.example.org"] or ["localhost:9000"]; '
            "a name without a port matches any port), besides 127.0.0.1, localhost and [::1] on its own port. "
            "On loopback, a request whose Host or Origin header names anything else is refused (DNS rebinding); "
            "on another address the Host check applies only once this is set."
        ),
    )
    chat_concurrency: int = Field(
        default=4,
        ge=1,
        description="Questions the chat answers at the same time; the HTTP API and MCP tools answer as many more.",
    )
    upload_dir: Path = Field(
        default=Path("data/articles"),
        description="Where article files uploaded in the chat's Articles tab are saved (and indexed from).",
    )
    max_upload_mb: float = Field(default=20.0, gt=0, description="Largest article file the Articles tab accepts.")
    example_questions: list[str] = Field(
        default=[
            "What does Turkey demand in Libya?",
            "What did Turkey say about France?",
            "Who is the head of the GNA?",
        ],
        description=(
            "Questions the chat offers as examples (a JSON list), shown only when the index answers them; "
            "questions about the newest indexed stories fill the rest. Left unset, they are the bundled "
            "sample's, offered only while the sample is all the index holds."
        ),
    )
    example_count: int = Field(default=3, ge=0, le=8, description="How many example questions the chat shows.")


class Settings(AssistantSettings, ChatSettings):
    """Every setting, grouped by concern (store, models, retrieval, answering, chat)."""


@lru_cache(maxsize=1)
def default_settings() -> Settings:
    """The settings read from the environment, once per process."""
    return Settings()
