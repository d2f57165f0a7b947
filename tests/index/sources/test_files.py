"""Loaders: every supported format, and broken input reported by file and line."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from index.articles import Article, LoadError
from index.naming import YOUR_FILES, named
from index.sources.files import iter_articles
from tests.conftest import SEEDS


def load(*paths: Path) -> tuple[list[Article], list[LoadError]]:
    """The articles as they are indexed: a title and a source made for those without (index.naming)."""
    errors: list[LoadError] = []
    return [named(article) for article in iter_articles(paths, errors)], errors


def test_seed_text_format_gives_date_title_and_text() -> None:
    articles, errors = load(SEEDS)
    assert not errors
    [article] = articles
    assert article.date == "2020-06-20"
    assert article.text.startswith("Turkey on Saturday announced")
    assert "date 2020" not in article.text
    # The title is the first sentence, not cut at the abbreviation "Gen."
    assert article.title.startswith("Turkey on Saturday announced that forces loyal to Libya's eastern-based putschist")
    assert "Khalifa" in article.title
    assert article.source == YOUR_FILES, "a readable source, not the file's name"
    assert article.id.endswith("000_ddd716a611ed0d33.txt")


def test_seed_text_with_date_on_its_own_line(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("\n\n  date 2024-03-01\nStorms hit the coast. Thousands lost power.\n")
    [article], errors = load(tmp_path / "a.txt")
    assert not errors
    assert (article.date, article.title, article.text) == (
        "2024-03-01",
        "Storms hit the coast.",
        "Storms hit the coast. Thousands lost power.",
    )


def test_seed_text_with_a_bad_date_is_reported_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_text("\ndate 2024-13-45 Something happened.")
    (tmp_path / "good.txt").write_text("date 2024-01-02 Something else happened.")
    articles, errors = load(tmp_path)
    assert [a.text for a in articles] == ["Something else happened."]
    [error] = errors
    assert error.path.endswith("bad.txt") and error.line == 2
    assert "2024-13-45" in error.message


def test_markdown_front_matter_and_heading(tmp_path: Path) -> None:
    (tmp_path / "story.md").write_text(
        "---\ndate: 2023-05-06\nsource: Example News\nurl: https://example.org/story\n---\n"
        "# Bridge reopens\n\nThe bridge reopened on Friday after repairs.\n"
    )
    [article], errors = load(tmp_path)
    assert not errors
    assert article.title == "Bridge reopens"
    assert article.date == "2023-05-06"
    assert article.source == "Example News"
    assert article.url == "https://example.org/story"
    assert "The bridge reopened on Friday" in article.text


def test_html_keeps_text_drops_scripts_and_styles(tmp_path: Path) -> None:
    # A third paragraph: the article extractor takes fewer than 30 words for no article (index/sources/extract.py).
    (tmp_path / "page.html").write_text(
        "<html><head><title>Mayor  wins\nrace</title><style>p{color:red}</style>"
        '<meta property="article:published_time" content="2022-11-09T08:00:00Z"></head>'
        "<body><script>var secret = 1;</script><h1>Mayor wins</h1><p>The mayor won &amp; thanked voters.</p>"
        "<noscript>enable js</noscript><p>Turnout was high.</p>"
        "<p>Election officials said more than sixty thousand people voted across the twelve districts of the city,"
        " and the count was finished shortly after midnight.</p></body></html>"
    )
    [article], errors = load(tmp_path)
    assert not errors
    assert article.title == "Mayor wins"  # the page's headline (its one <h1>), no longer its <title>
    assert article.date == "2022-11-09"
    assert "The mayor won & thanked voters." in article.text
    assert "Turnout was high." in article.text
    for hidden in ("secret", "color:red", "enable js"):
        assert hidden not in article.text


def _record(doc_id: str, text: str, **extra: str) -> dict[str, str]:
    return {"doc_id": doc_id, "title": f"Title {doc_id}", "text": text, "publish_date": "2023/01/15", **extra}


def test_jsonl_with_a_broken_line_reports_file_and_line_and_keeps_the_rest(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    lines = [
        json.dumps(_record("a", "First story.", source="CNN", url="https://example.org/a")),
        '{"doc_id": "b", "text": "unterminated',
        json.dumps({"doc_id": "c", "title": "no text"}),
        "",
        json.dumps(_record("d", "Fourth story.")),
    ]
    feed.write_text("\n".join(lines) + "\n")
    articles, errors = load(feed)
    assert [a.id for a in articles] == ["a", "d"]
    assert articles[0].date == "2023-01-15" and articles[0].source == "CNN"
    assert articles[0].url == "https://example.org/a" and articles[0].title == "Title a"
    assert [(Path(e.path).name, e.line) for e in errors] == [("feed.jsonl", 2), ("feed.jsonl", 3)]
    assert "invalid JSON" in errors[0].message and "text" in errors[1].message
    assert str(errors[0]).startswith(f"{feed}:2: ")


def test_jsonl_gz_and_id_and_date_aliases(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl.gz"
    with gzip.open(feed, "wt", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": 7, "text": "Rates rose again. Markets fell.", "date": "2021-02-03"}) + "\n")
    [article], errors = load(feed)
    assert not errors
    assert (article.id, article.date, article.title) == ("7", "2021-02-03", "Rates rose again.")


def test_json_object_and_list(tmp_path: Path) -> None:
    (tmp_path / "one.json").write_text(json.dumps(_record("x", "One.")))
    (tmp_path / "many.json").write_text(json.dumps([_record("y", "Two."), _record("z", "Three.")]))
    articles, errors = load(tmp_path)
    assert not errors
    assert sorted(a.id for a in articles) == ["x", "y", "z"]


def test_folders_are_read_recursively_skipping_hidden_and_unknown_files(tmp_path: Path) -> None:
    (tmp_path / "nested" / "deeper").mkdir(parents=True)
    (tmp_path / "nested" / "deeper" / "a.txt").write_text("date 2020-01-01 Deep story.")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "b.txt").write_text("date 2020-01-01 Hidden story.")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    articles, errors = load(tmp_path)
    assert [a.text for a in articles] == ["Deep story."]
    assert not errors


def test_a_missing_path_is_reported(tmp_path: Path) -> None:
    articles, [error] = load(tmp_path / "nope")
    assert articles == [] and Path(error.path).name == "nope" and "no such file" in error.message


def test_text_in_another_encoding_is_read_best_effort_with_a_warning_naming_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "latin.txt").write_bytes("date 2020-01-01\nLe café de la gare a fermé.".encode("latin-1"))
    [article], [warning] = load(tmp_path / "latin.txt")
    assert "café" in article.text and "fermé" in article.text
    assert (Path(warning.path).name, warning.line, warning.skipped) == ("latin.txt", 2, False)
    assert "not UTF-8" in warning.message


def test_utf16_text_with_its_byte_order_mark_is_read(tmp_path: Path) -> None:
    (tmp_path / "windows.txt").write_text("date 2020-01-01 Zürich voted on Sunday.", encoding="utf-16")
    [article], errors = load(tmp_path / "windows.txt")
    assert article.text == "Zürich voted on Sunday." and not errors


def test_binary_and_empty_files_are_skipped_by_name_and_the_rest_is_read(tmp_path: Path) -> None:
    (tmp_path / "a-photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (tmp_path / "b-empty.md").write_bytes(b"")
    (tmp_path / "c-blank.html").write_text("  \n\t\n")
    (tmp_path / "d-empty.jsonl").write_bytes(b"")
    (tmp_path / "e-good.txt").write_text("date 2021-05-01 The bridge reopened.")
    articles, errors = load(tmp_path)
    assert [a.text for a in articles] == ["The bridge reopened."]
    assert {Path(e.path).name: e.message for e in errors} == {
        "a-photo.txt": "a binary file, not text",
        "b-empty.md": "an empty file",
        "c-blank.html": "the article has no text",
        "d-empty.jsonl": "an empty file",
    }
    assert all(e.skipped for e in errors)


def test_a_badly_encoded_or_binary_json_line_costs_only_that_line(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"doc_id": "a", "text": "First story."}).encode(),
        json.dumps({"doc_id": "b", "text": "Caf\u00e9 story."}, ensure_ascii=False).encode("latin-1"),
        b"\x00\x01\x02 binary junk",
        json.dumps({"doc_id": "c", "text": "Third story."}).encode(),
    ]
    feed.write_bytes(b"\n".join(lines) + b"\n")
    articles, errors = load(feed)
    assert [(a.id, a.text) for a in articles] == [("a", "First story."), ("b", "Café story."), ("c", "Third story.")]
    assert [(e.line, e.skipped) for e in errors] == [(2, False), (3, True)]


def test_a_json_line_with_no_text_is_reported_and_the_others_kept(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        "\n".join(json.dumps(r) for r in [{"doc_id": "x", "text": "  "}, {"doc_id": "y", "text": "Kept."}]) + "\n"
    )
    articles, [error] = load(feed)
    assert [a.id for a in articles] == ["y"] and (error.line, error.message) == (1, "missing or empty 'text'")
