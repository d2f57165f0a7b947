"""Settings of question answering: retrieval and answering, on top of the index's settings.

See :mod:`index.settings` for how the groups and layers fit together.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, Field, SecretStr

from index.settings import IndexSettings

RetrievalMode = Literal["dense", "bm25", "hybrid", "hybrid-rerank"]


class RetrievalSettings(BaseModel):
    """How passages are found and ranked (see :mod:`assistant.retrieval`)."""

    top_k: int = Field(default=5, ge=1, description="Passages handed to the answerer.")
    retrieval_mode: RetrievalMode = Field(
        default="hybrid-rerank",
        description="dense, bm25, hybrid (both fused by reciprocal rank) or hybrid-rerank; see assistant.retrieval.",
    )
    candidates: int = Field(default=50, ge=1, description="Passages each search contributes before fusion.")
    per_article: int = Field(default=3, ge=1, description="Passages one article may place in the results.")
    recency_days: float = Field(
        default=14.0, gt=0, description="Half-life, in days before the reference date, of the recency boost."
    )
    future_grace_days: int = Field(
        default=3, ge=0, description="Articles up to this many days after `as_of` still count as current."
    )
    date_weight: float = Field(
        default=3.0, ge=0, description="Weight of the date prior with an explicit `as_of` (0 turns it off)."
    )
    today_date_weight: float = Field(
        default=0.1, ge=0, description="Weight of the gentle recency prior when no `as_of` is given (today)."
    )
    question_date_boost: float = Field(
        default=1.5,
        ge=1.0,
        description=(
            "Score factor for articles inside a date the question names ('this week', 'in 2023', 'for 2022'), "
            "and for their story when the answer picks the story it tells."
        ),
    )
    cross_encoder: str | None = Field(
        default=None,
        description="Optional sentence-transformers CrossEncoder (name or path on disk) to rerank candidates.",
    )
    min_relevance: float | None = Field(
        default=None,
        description=(
            "Cosine similarity a passage must reach to be used at all; unset: the retrieval encoder's "
            "calibrated floor (minilm 0.2; see index.encoders.registry)."
        ),
    )


class AnsweringSettings(BaseModel):
    """What writes the answer (the extractive answerer or a language model) and how it is checked."""

    min_answer_score: float | None = Field(
        default=None,
        description=(
            "Score (sentence similarity plus shared-word and passage bonuses) the best sentence must reach "
            "for the question to be answered; below it the answer is 'not in the articles'. Unset: the "
            "answerer's encoder's calibrated floor (minilm 0.4; see index.encoders.registry)."
        ),
    )
    max_question_chars: int = Field(
        default=2000, ge=50, description="Longer questions are cut at a word boundary here, with a notice saying so."
    )
    max_answer_sentences: int = Field(
        default=3,
        ge=1,
        le=10,
        description=(
            "Sentences in an extractive answer (besides those quoted for their context: the one a chosen "
            "sentence points back to, a teaser lede's next one)."
        ),
    )
    llm: str = Field(
        default="extractive",
        description=(
            "What writes the answer: 'extractive' (no model: article sentences), 'smollm2' (SmolLM2-135M-Instruct, "
            "offline), 'ollama:<model>' or 'openai:<model>' (any OpenAI-compatible server)."
        ),
    )
    openai_base_url: str | None = Field(
        default=None,
        description="Base URL of the OpenAI-compatible server (vLLM, llama.cpp, LM Studio); unset means OpenAI.",
    )
    openai_api_key: SecretStr | None = Field(
        default=None, description="API key for 'openai:<model>' (falls back to OPENAI_API_KEY; local servers: any)."
    )
    ollama_base_url: str = Field(default="http://127.0.0.1:11434", description="Address of the Ollama server.")
    llm_passages: int = Field(default=4, ge=1, description="Passages shown to the language model.")
    llm_focus_sentences: int = Field(
        default=3,
        ge=0,
        description="Sentences of each passage the model reads (those best matching the question); 0: whole passages.",
    )
    llm_max_tokens: int = Field(default=160, ge=16, description="Longest answer a language model may write, in tokens.")
    llm_timeout: float = Field(default=120.0, gt=0, description="Seconds to wait for a remote model.")
    min_support: float = Field(
        default=0.6,
        description=(
            "Support score (similarity to the cited passage's best sentence, plus shared words) an answer "
            "sentence needs to stay; unsupported sentences are removed."
        ),
    )
    min_supported_share: float = Field(
        default=0.5,
        description="Share of a model's answer that must survive the check, else the extractive answer is used.",
    )


class ConversationSettings(BaseModel):
    """Where conversations (the chat's and the HTTP API's) and their feedback are kept."""

    conversation_database: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL of the database keeping conversations (the chat's and the HTTP API's) and feedback; "
            "default: conversations.sqlite in the folder holding db_path (data/ for data/chroma), so deleting or "
            "rebuilding the index keeps them."
        ),
    )


SmtpSecurity = Literal["starttls", "tls", "none"]
_SMTP_PORTS: dict[str, int] = {"starttls": 587, "tls": 465, "none": 25}


class DeliverySettings(BaseModel):
    """Briefings and followed questions delivered: email digests through an SMTP server, webhooks, and Atom feeds."""

    smtp_host: str | None = Field(
        default=None, description="SMTP server that sends digests (python -m assistant digest send); unset: no email."
    )
    smtp_port: int | None = Field(
        default=None, ge=1, le=65535, description="Its port; unset: 587 with starttls, 465 with tls, 25 with none."
    )
    smtp_security: SmtpSecurity = Field(
        default="starttls",
        description=(
            "starttls (upgrade the connection, the submission port's way), tls (TLS from the start, port 465) or "
            "none (plain, for a relay on this machine); the server's certificate is checked."
        ),
    )
    smtp_user: str | None = Field(default=None, description="User to log in to the SMTP server as; unset: no login.")
    smtp_password: SecretStr | None = Field(default=None, description="Password of smtp_user.")
    smtp_from: str | None = Field(
        default=None, description="The digests' From address; unset: smtp_user when it is an address."
    )
    smtp_timeout: float = Field(default=30.0, gt=0, description="Seconds the SMTP server may take to answer each step.")
    digest_days: int = Field(
        default=1,
        ge=1,
        le=31,
        description=(
            "Days of news in a first digest and in /feeds/briefing.atom without ?days=, ending on the newest indexed "
            "article's day; a later digest covers the days since the last one's end."
        ),
    )

    digests_in_chat: bool = Field(
        default=False,
        description=(
            "Let the chat process send the scheduled digests when due (as python -m assistant digest run does); "
            "several may share the database: each schedule is sent by one."
        ),
    )
    digest_check_seconds: float = Field(
        default=60.0, gt=0, description="Seconds between two looks for due digests (the chat's, and digest run's)."
    )
    webhook_attempts: int = Field(
        default=4, ge=1, le=10, description="Tries of one webhook POST (5xx, 429 or no connection are tried again)."
    )
    webhook_backoff: float = Field(
        default=2.0, ge=0, description="Seconds before a webhook's second try, doubled before each next one."
    )
    webhook_timeout: float = Field(default=30.0, gt=0, description="Seconds a webhook receiver may take to answer.")

    @property
    def smtp_port_or_default(self) -> int:
        """The port to connect to: the one set, else the usual one for ``smtp_security``."""
        return self.smtp_port or _SMTP_PORTS[self.smtp_security]

    @property
    def smtp_sender(self) -> str | None:
        """The From address: ``smtp_from``, else ``smtp_user`` when it is an address."""
        if self.smtp_from:
            return self.smtp_from
        return self.smtp_user if self.smtp_user and "@" in self.smtp_user else None


class AssistantSettings(IndexSettings, RetrievalSettings, AnsweringSettings, ConversationSettings, DeliverySettings):
    """Everything ``answer()`` needs: the index's settings, retrieval and answering (and delivering)."""


@lru_cache(maxsize=1)
def default_assistant_settings() -> AssistantSettings:
    """The assistant's settings read from the environment, once per process."""
    return AssistantSettings()
