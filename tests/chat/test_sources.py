"""What a reply shows beside its answer: chips that lead to their passage, the whole article, a
title and a readable source for an article that has neither, and example questions that come from
what is indexed (the reader's newest stories; the bundled sample's only while it is all there is).
Real store, real model, real answers."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from pathlib import Path

from assistant import Assistant
from assistant.conversations.export import conversation_markdown
from assistant.conversations.store import ConversationStore
from assistant.settings import AssistantSettings
from assistant.types import Answer, Citation
from chat.examples import example_questions, main_name, with_article
from chat.history import reply_gist
from chat.render import SOURCES_START, render_answer
from chat.settings import ChatSettings
from index.build import build_index
from index.chunking import split_sentences
from index.naming import YOUR_FILES
from index.store import ArticleStore
from tests.conftest import SEEDS

SEED_FILE = next(SEEDS.glob("*.txt")).name  # the bundled sample: a text file with no title and no outlet
SAMPLE = ChatSettings().example_questions  # the sample's questions: the settings' default

# Twelve paragraphs of four sentences: several chunks of 1,000 characters that overlap.
LONG_ARTICLE = "\n\n".join(
    " ".join(
        f"Paragraph {p} sentence {s} tells how the Kestrel Valley dam project moved on in week {p * 4 + s}."
        for s in range(1, 5)
    )
    for p in range(1, 13)
)
OTHER_NEWS = {
    "doc_id": "volcano",
    "title": "Iceland eruption",
    "publish_date": "2024/01/15",
    "source": "Test wire",
    "text": (
        "The Fagradalsfjall volcano erupted again on Monday, sending lava towards Grindavik. "
        "Scientists said Fagradalsfjall could stay active for weeks. Residents of Grindavik had left in November."
    ),
}


def test_the_whole_article_is_put_back_together_from_its_overlapping_chunks(
    make_store: Callable[..., ArticleStore], tmp_path: Path
) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "dam.txt").write_text(f"date 2024-02-01\n{LONG_ARTICLE}", encoding="utf-8")
    store = make_store()
    build_index(store, [tmp_path / "in"], show_progress=False)
    (article,) = store.articles()
    assert article.chunks >= 4, "the article should span several overlapping chunks"
    assert article.chunks == len(store.collection.get(where={"article_id": article.id})["ids"])
    whole = store.article_text(article.id)
    assert whole is not None
    # Every sentence once, in order (whitespace between chunks is not kept exactly).
    assert whole.split() == LONG_ARTICLE.split()
    assert store.article_text("no-such-article") is None


def test_each_chip_leads_to_its_own_passage_and_the_whole_article_is_offered_once(seed_assistant: Assistant) -> None:
    answer = seed_assistant.ask("What does Turkey demand in Libya?")
    assert answer.answered and len(answer.citations) >= 2
    reply = render_answer(answer, article_text=seed_assistant.store.article_text, key="k1")

    chips = re.findall(r'<a class="cite-chip" href="#(source-k1-\d+)"[^>]*>\[(\d+)\]</a>', reply)
    assert chips, "no clickable chip"
    for anchor, n in chips:
        assert anchor == f"source-k1-{n}"
        assert f'<blockquote class="passage" id="{anchor}">' in reply, f"chip [{n}] leads nowhere"
    sirte_passage = re.search(r'id="source-k1-1">(.*?)</blockquote>', reply, re.S)
    assert sirte_passage and re.search(r"<mark>[^<]*Sirte", sirte_passage.group(1)), "Sirte not highlighted"

    # Both sources come from the one seed article: its whole text is offered once, every sentence of it.
    assert reply.count("Read the whole article") == 1
    whole = re.search(r'<div class="article-text">(.*?)</div>', reply, re.S)
    article = seed_assistant.store.article_text(answer.citations[0].article_id) or ""
    sentences = [" ".join(article[start:end].split()) for start, end in split_sentences(article)]
    assert whole and all(html.escape(sentence) in whole.group(1) for sentence in sentences)
    first_quoted = html.escape(answer.text.split(" [")[0])
    assert f'<mark class="in-article">{first_quoted}</mark>' in whole.group(1), "quoted sentence not marked in it"
    assert "\n\n" not in reply.split('<div class="sources">')[1], "a blank line would end the HTML block"


def test_a_second_reply_gets_anchors_of_its_own(seed_assistant: Assistant) -> None:
    answer = seed_assistant.ask("What does Turkey demand in Libya?")
    first, second = render_answer(answer), render_answer(answer)
    anchors = set(re.findall(r'id="(source-[^"]+)"', first))
    assert anchors and anchors.isdisjoint(re.findall(r'id="(source-[^"]+)"', second))


def test_an_earlier_reply_is_read_back_as_its_answer_without_sources_or_markup(seed_assistant: Assistant) -> None:
    answer = seed_assistant.ask("What does Turkey demand in Libya?")
    gist = reply_gist(render_answer(answer, article_text=seed_assistant.store.article_text))
    assert gist.startswith("Turkey on Saturday announced")
    assert "[1]" in gist and "<" not in gist and "Sources" not in gist


def test_example_questions_come_from_what_is_indexed_and_are_all_answered(tmp_path: Path, embeddings) -> None:
    feed = tmp_path / "in" / "news.jsonl"
    feed.parent.mkdir()
    feed.write_text(json.dumps(OTHER_NEWS) + "\n", encoding="utf-8")
    settings = AssistantSettings(db_path=tmp_path / "db")
    store = ArticleStore.open(settings, embeddings=embeddings)
    build_index(store, [feed.parent], show_progress=False)
    assistant = Assistant(settings, store=store)

    questions = example_questions(assistant, ["What does Turkey demand in Libya?"], count=3)

    assert "What does Turkey demand in Libya?" not in questions, "an example the index cannot answer was offered"
    assert questions == ["What is the latest on Fagradalsfjall?"]
    reply = assistant.ask(questions[0])
    assert reply.answered and reply.citations[0].title == "Iceland eruption"


def test_the_main_name_is_the_one_mentioned_most_and_sentence_openers_are_not_names() -> None:
    text = "The court ruled on Monday. Officials in Kenya said the Kenya Airways deal stands. Kenya will appeal."
    assert main_name(text) == "Kenya"
    assert main_name("nothing capitalised here at all.") is None
    # A name the headline carries wins over one mentioned more often; contractions are no names.
    text = "Fans in Madrid cheered as Spain won. Police in Madrid said Madrid was calm, and so We’ve heard."
    assert main_name(text) == "Madrid"
    assert main_name(text, title="Spain wins the final") == "Spain"
    assert main_name("So We’ve said, and so We’ve done it again.") is None


def test_an_example_names_a_person_in_full_and_a_thing_in_the_singular() -> None:
    # Seen on the eval corpus's newest articles: "What is the latest on Swift?", "… on World Cups?".
    text = "Taylor Swift and Travis Kelce married on Saturday. Swift wore white. Guests said Swift sang."
    assert main_name(text) == "Taylor Swift"
    assert main_name("Swift wore white, and fans said Swift sang.", title="Taylor Swift's wedding") == "Taylor Swift"
    assert main_name("Fans of past World Cups were loud.", title="USMNT World Cup loss to Belgium") == "World Cup"
    # A headline's opening word is no first name when the text writes it in lower case.
    text = "Engineers refilled the reservoir behind the rebuilt Kessel dam. Kessel holds again."
    assert main_name(text, title="Rebuilt Kessel dam refilled") == "Kessel"


def test_an_example_asks_about_a_name_with_the_article_the_text_gives_it() -> None:
    text = "Porto beat Sevilla to lift the Iberian Cup. Porto won the Iberian Cup final in Lisbon."
    assert with_article("Iberian Cup", text) == "the Iberian Cup"
    # "the" before what follows the name does not count: a dam, a summit, a wedding.
    assert with_article("Kessel", "Engineers refilled the Kessel dam. Kessel holds.") == "Kessel"
    assert with_article("NATO", "The NATO summit opened. Leaders met the NATO chief, and NATO agreed.") == "NATO"
    assert with_article("Taylor Swift", "The Taylor Swift-Travis Kelce wedding. Fans of the Taylor Swift's") == (
        "Taylor Swift"
    )


GERMAN_PAGE = """<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Hafenstreik in Hamburg</title>
<meta property="article:published_time" content="2024-05-14"></head><body><nav>Startseite Politik Sport</nav>
<article><h1>Hafenstreik in Hamburg</h1>
<p>Die Hafenarbeiter in Hamburg haben am Dienstag ihre Arbeit niedergelegt, um höhere Löhne zu fordern.
Nach Angaben der Gewerkschaft beteiligten sich mehr als dreitausend Beschäftigte an dem Warnstreik.</p>
<p>Die Containerterminals blieben den ganzen Tag geschlossen, und mehrere Frachtschiffe mussten vor der
Elbmündung warten. Die Arbeitgeber nannten den Streik unverhältnismäßig und boten Gespräche am Freitag an.</p>
<p>Der Senat der Stadt rief beide Seiten auf, rasch eine Einigung zu finden, damit der Hafen wieder arbeiten kann.</p>
</article><footer>Alle Rechte vorbehalten</footer></body></html>"""


def test_a_passage_in_another_language_is_quoted_as_written_and_says_its_language(tmp_path: Path, embeddings) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "hafen.html").write_text(GERMAN_PAGE, encoding="utf-8")
    settings = AssistantSettings(db_path=tmp_path / "db")
    store = ArticleStore.open(settings, embeddings=embeddings)
    build_index(store, [folder], show_progress=False)

    answer = Assistant(settings, store=store).ask("Warum streikten die Hafenarbeiter in Hamburg?")

    assert answer.answered and "höhere Löhne" in answer.text, "answered in the article's own words"
    assert answer.citations[0].language == "de"
    [facts] = re.findall(r'<span class="source-facts">([^<]*)</span>', render_answer(answer))
    assert facts.startswith("— 2024-05-14") and facts.endswith("· in German")


def test_two_passages_of_one_article_are_one_source_with_an_anchor_for_each() -> None:
    def cite(n: int, article: str, passage: str) -> Citation:
        return Citation(n, article, f"Title of {article}", "2020-06-20", "aa.com.tr", f"https://x.org/{article}",
                        passage, 0.5)  # fmt: skip

    text = "Turkey wants Sirte. [1] France objects. [2] Talks go on. [3]"
    citations = [cite(1, "a", "Turkey wants Sirte."), cite(2, "b", "France objects."), cite(3, "a", "Talks go on.")]
    reply = render_answer(Answer("q", text, True, citations), article_text=lambda _: "Whole text.", key="k")

    sources = re.findall(r'<details class="source" open>\n<summary>(.*?)</summary>', reply)
    assert len(sources) == 2, "article a is one source, b another"
    assert sources[0].startswith('<span class="cite-chip">[1]</span> <span class="cite-chip">[3]</span> <strong>')
    assert reply.split(SOURCES_START)[1].count("Title of a") == 1, "its heading once"
    assert reply.count("https://x.org/a") == 1 and reply.count("Read the whole article") == 2
    for n in (1, 2, 3):  # every chip still leads to its own passage
        assert f'href="#source-k-{n}"' in reply and reply.count(f'id="source-k-{n}"') == 1
    first = reply.index('id="source-k-1"')
    assert first < reply.index('id="source-k-3"') < reply.index('id="source-k-2"'), "a's passages together"
    assert '<p class="passage-n"><span class="cite-chip">[3]</span></p>' in reply, "each passage says its number"
    assert "passage-n" not in reply.split('id="source-k-2"')[1].split("</blockquote>")[0], "alone: no label"


def test_the_short_answer_is_highlighted_in_its_sentence_escaped() -> None:
    passage = "<b>Ada</b> & Co won the vote."
    citation = Citation(1, "a", "Vote", "2024-05-03", "Wire", "", passage, 0.9)
    answer = Answer("Who won?", f"{passage} [1]", True, [citation], short_answer="<b>Ada</b> & Co")
    shown = render_answer(answer, key="k").split(SOURCES_START)[0]
    assert '<mark class="short-answer" title="Short answer: &lt;b&gt;Ada&lt;/b&gt; &amp; Co">' in shown
    assert "<b>Ada</b>" not in shown  # the name is text, never markup
    plain = Answer("Who won?", f"{passage} [1]", True, [citation])
    assert reply_gist(render_answer(answer, key="k")) == reply_gist(render_answer(plain, key="k"))  # reads the same


def test_an_article_without_a_title_shows_its_first_sentence_and_a_readable_source(
    seed_assistant: Assistant, tmp_path: Path
) -> None:
    answer = seed_assistant.ask("What does Turkey demand in Libya?")
    citation = answer.citations[0]
    assert citation.title.startswith("Turkey on Saturday announced that forces loyal to Libya")
    assert citation.title.endswith("…") and len(citation.title) <= 121, "the first sentence, shortened"
    assert citation.source == YOUR_FILES
    sources = render_answer(answer, key="k").split(SOURCES_START)[1]
    heading = f'<strong>{html.escape(citation.title)}</strong> <span class="source-facts">— 2020-06-20 · {YOUR_FILES}'
    assert heading in sources and SEED_FILE not in sources, "the sentence title and a readable source, no file name"

    store = ConversationStore.open(f"sqlite:///{tmp_path / 'conversations.sqlite'}")
    conversation = store.start("")
    store.save_turn(conversation, "", answer)
    markdown = conversation_markdown(store.conversation(conversation, ""))
    assert f"- [1] {citation.title} — {YOUR_FILES}, 2020-06-20\n" in markdown
    assert SEED_FILE not in markdown


def test_the_sample_s_questions_are_offered_only_while_the_sample_is_all_there_is(tmp_path: Path, embeddings) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / SEED_FILE).write_text((SEEDS / SEED_FILE).read_text(encoding="utf-8"), encoding="utf-8")
    settings = AssistantSettings(db_path=tmp_path / "db")
    store = ArticleStore.open(settings, embeddings=embeddings)
    build_index(store, [folder], show_progress=False)
    assistant = Assistant(settings, store=store)
    alone = example_questions(assistant, SAMPLE, count=3, sample=True)
    assert alone and set(alone) <= set(SAMPLE), "the sample alone: its own questions"

    (folder / "news.jsonl").write_text(json.dumps(OTHER_NEWS) + "\n", encoding="utf-8")
    build_index(store, [folder], show_progress=False)
    mine = example_questions(assistant, SAMPLE, count=3, sample=True)

    assert mine[0] == "What is the latest on Fagradalsfjall?", "the reader's newest story first"
    assert not set(mine) & set(SAMPLE), "no question about the sample once the reader's articles are there"
    assert all(assistant.ask(question).answered for question in mine)
    configured = example_questions(assistant, SAMPLE[:1], count=3)  # set by an operator: offered first
    assert configured[:2] == [SAMPLE[0], "What is the latest on Fagradalsfjall?"]
