"""Property-based (hypothesis, stateful): random sequences of adding, changing and deleting article files,
builds with and without ``--prune``, and builds that fail part-way, checked after every build against a
model of what the index should hold. Real Chroma in a temporary folder, the real embedding model."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from assistant.retrieval import PassageRetriever
from assistant.settings import AssistantSettings
from index.articles import Article
from index.build import build_index, chunk_key
from index.chunking import article_documents
from index.naming import named
from index.sources.files import iter_articles
from index.store import ArticleStore

NAMES = [f"story{n}" for n in range(5)]


def article_text(name: str, version: int) -> str:
    """A short article whose code word names both the article and its version."""
    return (
        f"date 2021-03-0{1 + int(name[-1])}\n"
        f"The observers of {name} filed report number {version}. The code word of this report is "
        f"{name}v{version}x, and it names this report only. The weather was mild and the roads were open."
    )


class IndexModel(RuleBasedStateMachine):
    """Files in a folder, the index built from it, and what the index must hold after each build."""

    embeddings: Any = None  # the real model, set by the test (loading it per example would cost seconds)

    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="index-model-"))
        self.folder = self.root / "articles"
        self.folder.mkdir()
        self.settings = AssistantSettings(db_path=self.root / "db", collection=f"m{uuid.uuid4().hex[:10]}")
        self.store = ArticleStore.open(self.settings, embeddings=self.embeddings)
        self.files: dict[str, int] = {}  # name -> version on disk
        self.indexed: dict[str, Article] | None = {}  # name -> the article the index must hold; None: unknown
        self.versions = 0

    def teardown(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def _write(self, name: str) -> None:
        self.versions += 1
        self.files[name] = self.versions
        (self.folder / f"{name}.txt").write_text(article_text(name, self.versions))

    @rule(name=st.sampled_from(NAMES))
    def add_or_change(self, name: str) -> None:
        self._write(name)

    @precondition(lambda self: self.files)
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(sorted(self.files)))
        (self.folder / f"{name}.txt").unlink()
        del self.files[name]

    @rule(prune=st.booleans())
    def build(self, prune: bool) -> None:
        report = build_index(self.store, [self.folder], prune=prune, show_progress=False)
        assert report.skipped_count == 0
        if prune:
            self.indexed = self._on_disk()
        elif self.indexed is not None:
            self.indexed.update(self._on_disk())
        if self.indexed is None:  # after a failed build, only a pruning build says exactly what is there
            return
        self._check()

    @rule(after=st.integers(min_value=0, max_value=2))
    def build_that_fails(self, after: int) -> None:
        """A build whose store write fails after ``after`` writes (a full disk, a crash): it raises, and
        the index is left between versions until the next build."""
        original = self.store.vector_store.add_texts
        calls = {"n": 0}

        def failing(*args: Any, **kwargs: Any) -> Any:
            calls["n"] += 1
            if calls["n"] > after:
                raise OSError("disk full (simulated)")
            return original(*args, **kwargs)

        self.store.vector_store.add_texts = failing  # type: ignore[method-assign]
        try:
            build_index(self.store, [self.folder], show_progress=False)
        except OSError:
            self.indexed = None
        finally:
            self.store.vector_store.add_texts = original  # type: ignore[method-assign]
        if self.indexed is not None:  # nothing needed writing: the build completed
            self.indexed.update(self._on_disk())

    def _on_disk(self) -> dict[str, Article]:
        return {Path(a.id).stem: named(a) for a in iter_articles([self.folder], [])}  # titled as indexed

    @invariant()
    def the_store_opens_and_keyword_and_vector_indexes_agree(self) -> None:
        ids = set(self.store.collection.get(include=[])["ids"])
        assert self.store.keyword_index.all_ids() == ids

    def _check(self) -> None:
        assert self.indexed is not None
        expected: set[str] = set()
        for article in self.indexed.values():
            expected |= {chunk_key(d) for d in article_documents(article, 1000, 200)}
        stored = self.store.collection.get(include=[])["ids"]
        assert len(stored) == len(set(stored)), "a chunk is stored twice"
        assert set(stored) == expected, "the index holds a deleted or replaced version, or misses one"
        retriever = PassageRetriever.from_settings(self.store, self.settings)
        for name, article in self.indexed.items():
            code_word = next(word for word in article.text.split() if word.startswith(f"{name}v"))
            hits = retriever.search(f"code word {code_word}")
            assert hits and hits[0].metadata["article_id"] == article.id
            for hit in hits:
                assert f"{name}v" not in hit.page_content or code_word in hit.page_content, "stale text retrieved"


def test_random_edits_and_builds_keep_the_index_exact(embeddings) -> None:
    IndexModel.embeddings = embeddings
    run_state_machine_as_test(
        IndexModel,
        settings=settings(
            max_examples=25,
            stateful_step_count=10,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
            database=None,
        ),
    )
