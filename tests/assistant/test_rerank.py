"""The offline reranker: what it promotes among candidates the searches scored alike."""

from __future__ import annotations

from langchain_core.documents import Document

from assistant.rerank import Candidate, Reranker
from assistant.text import content_phrases, content_words, sentence_words


def Scored(document: Document) -> Candidate:  # noqa: N802 - reads as the candidate it makes
    return Candidate(str(document.id), fused=1.0, document=document)


def test_a_passage_repeating_the_questions_phrase_outranks_one_with_the_words_apart() -> None:
    # Both sentences hold all four of the question's words; only one says "toxic masculinity".
    apart = Scored(Document(page_content="Masculinity is toxic, Putin's war shows.", id="apart"))
    phrase = Scored(Document(page_content="Putin's war shows toxic masculinity.", id="phrase"))
    ranked = Reranker().rerank("Is Putin's war about toxic masculinity?", [apart, phrase])
    assert [c.document.id for c in ranked] == ["phrase", "apart"]


def test_title_words_lift_a_passage() -> None:
    plain = Scored(Document(page_content="The council met on Tuesday.", metadata={"title": "Council notes"}))
    titled = Scored(Document(page_content="The council met on Tuesday.", metadata={"title": "Harbour strike ends"}))
    ranked = Reranker().rerank("When did the harbour strike end?", [plain, titled])
    assert ranked[0] is titled


def test_phrases_are_neighbouring_content_words() -> None:
    assert content_phrases("the atmospheric river hit California") == {
        ("atmospheric", "river"),
        ("river", "hit"),
        ("hit", "california"),
    }


def test_a_sentence_is_read_in_its_passages_language() -> None:
    # The reranker reads each candidate's sentences in the passage's language, guessed once: alone,
    # "La vie en rose, she sang, ..." reads as Finnish and would lose "la vie en rose" as function words.
    quoted = "La vie en rose, she sang, to a standing crowd."
    passage = (
        "The singer closed the gala at the opera house on Tuesday night, and the audience was on its feet for "
        f"most of the evening. She had not performed in the city for more than ten years. {quoted} Tickets for "
        "her next concert sold out within an hour, the organisers said."
    )
    assert {"vie", "rose"} <= sentence_words(passage)[2]
    assert not {"vie", "rose"} & content_words(quoted)
