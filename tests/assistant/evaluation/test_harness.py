"""The evaluation harness end to end, on a corpus made in the test (not the shared data)."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.evaluation.harness import main
from assistant.retrieval import MODES
from tests.corpus_factory import write_corpus

METRICS = {
    *("hit@1", "hit@5", "hit@10", "mrr@10", "answer_in_citations", "answer_in_text", "p50_seconds", "p95_seconds"),
    *("answered", "first_sentence_in_story", "one_story", "older_story"),
}


def test_harness_reports_every_mode_with_and_without_dates(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("ASSISTANT_EMBEDDING_MODEL", "minilm")  # its vectors miss the rare code (test_retrieval)
    corpus, questions = write_corpus(tmp_path)
    out = tmp_path / "report.json"
    args = ["--corpus", str(corpus), "--questions", str(questions), "--db", str(tmp_path / "db")]
    assert main([*args, "--json", str(out), "--quiet"]) == 0

    report = json.loads(out.read_text())
    assert set(report["modes"]) == {name for mode in MODES for name in (mode, f"{mode}+asof")}
    for tiers in report["modes"].values():
        assert set(tiers) == {"all", "gold", "silver"}
        assert tiers["all"]["n"] == 2 and tiers["gold"]["n"] == 1 and tiers["silver"]["n"] == 1
        assert set(tiers["all"]) >= METRICS
    assert report["default_mode"] == "hybrid-rerank+asof"
    assert report["no_date_mode"] in MODES

    gold = {name: tiers["gold"] for name, tiers in report["modes"].items()}
    assert gold["dense"]["hit@10"] == 0.0, "dense misses the keyword-only article"
    assert gold["hybrid"]["hit@10"] == 1.0, "hybrid finds it"
    assert gold["bm25"]["hit@1"] == 1.0
    table = capsys.readouterr().out
    assert "| hybrid+asof | all | 2 |" in table

    # A second run reuses the index: nothing is embedded again.
    assert main([*args, "--modes", "bm25", "--quiet"]) == 0
    assert "0 added, 0 updated, 24 unchanged" in capsys.readouterr().err


def test_questions_in_other_languages_are_reported_per_language_beside_their_english(tmp_path: Path) -> None:
    corpus, _ = write_corpus(tmp_path)
    asked = {
        "question_id": "q-code",
        "question_date": "2023/03/10",
        "question": "¿Qué contenía el envío ZX-4471?",
        "question_en": "What did shipment ZX-4471 contain?",
        "lang": "es",
        "answer": "coffee beans",
        "evidence_doc_ids": ["cargo-07"],
        "tier": "gold",
    }
    questions = tmp_path / "multilingual.jsonl"
    questions.write_text(
        json.dumps(asked)
        + "\n"
        + json.dumps({**asked, "question": "ZX-4471 sevkiyatında ne vardı?", "lang": "tr"})
        + "\n"
    )
    out = tmp_path / "report.json"
    args = ["--corpus", str(corpus), "--questions", str(questions), "--db", str(tmp_path / "db")]
    assert main([*args, "--modes", "bm25", "--json", str(out), "--quiet"]) == 0

    groups = json.loads(out.read_text())["modes"]["bm25"]
    assert {g: groups[g]["n"] for g in groups if g.startswith("lang:")} == {"lang:en": 1, "lang:es": 1, "lang:tr": 1}
    assert groups["all"]["n"] == 3, "two translations and the English original once"
    assert groups["lang:en"]["hit@1"] == 1.0 and groups["lang:es"]["hit@1"] == 1.0, "the code is found in any language"
