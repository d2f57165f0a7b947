"""The answer first: the sentence that names the person, place or number asked for opens the answer,
ahead of sentences that only repeat the question's words, and its name is the short answer.

Each written article first restates its story in the question's own words (the sentence a word
count would pick) and gives the answer later in other words. Real index, real default encoder.
"""

from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.answer_kind import asked_kind, is_circular
from assistant.short_answer import short_answer
from assistant.types import Answer
from tests.conftest import assistant_over

ARTICLES = [
    {
        "doc_id": "mayor",
        "title": "Harbour Town picks a mayor",
        "publish_date": "2024/05/03",
        "source": "Test wire",
        "text": (
            "The Harbour Town mayoral election was won this week after a long recount of the mayoral ballots. "
            "The winner of the Harbour Town mayoral election will take office in June, election officials said. "
            "Margarethe Olsen, a retired ferry captain who promised cheaper moorings, won the vote for mayor. "
            "Turnout was higher than at any local vote since the harbour was dredged."
        ),
    },
    {
        "doc_id": "meteorite",
        "title": "Meteorite found",
        "publish_date": "2024/05/04",
        "source": "Test wire",
        "text": (
            "Scientists confirmed this week where the Orvella meteorite was found after it lit up the night sky. "
            "The Orvella meteorite was found after a bright fireball was seen by thousands of people, scientists said. "
            "The meteorite was found in a barley field outside Tromsø by farmers who saw the blackened rock. "
            "A museum hopes to put it on show next spring."
        ),
    },
    {
        "doc_id": "ferry",
        "title": "Ferry rescue",
        "publish_date": "2024/05/05",
        "source": "Test wire",
        "text": (
            "Coast guard crews rescued passengers from the stranded Kestrel ferry on Tuesday, the coast guard said. "
            "The passengers rescued from the Kestrel ferry were taken to the port by coast guard boats. "
            "In all, 214 passengers were lifted off the ferry before the tide turned. "
            "The ferry company said it would pay for hotels."
        ),
    },
]
ARTICLES.append(
    {
        "doc_id": "port",
        "title": "Harbour master to retire",
        "publish_date": "2024/05/06",
        "source": "Test wire",
        "text": (
            "The Harbour Town port authority said on Friday that harbour master Tomas Vikander will retire after "
            "the summer season. "
            "Ingrid Saether, the port authority's spokeswoman, told reporters that a successor would be named in July. "
            "The port handled a record number of ferries last year."
        ),
    }
)
# A quiz page asks the question word for word above its options; a report answers it.
ARTICLES += [
    {
        "doc_id": "quiz",
        "title": "Quiz of the week",
        "publish_date": "2024/05/07",
        "source": "Test weekly",
        "text": (
            "Test yourself on the week's news with our quiz. "
            "Which animal escaped from the Tromsø aquarium this week? "
            "A. A seal. B. An otter. C. A walrus. D. A penguin."
        ),
    },
    {
        "doc_id": "aquarium",
        "title": "Aquarium keepers search the harbour",
        "publish_date": "2024/05/06",
        "source": "Test wire",
        "text": (
            "An otter named Pip slipped out of the Tromsø aquarium through a drain on Tuesday night, keepers said. "
            "Keepers found Pip asleep under a fishing boat in the harbour on Thursday."
        ),
    },
]
# Question, the sentence that answers it, its short answer, and the circular sentence it must beat.
CASES = [
    ("Who won the Harbour Town mayoral election?", "Margarethe Olsen, a retired", "Margarethe Olsen", "mayor"),
    ("Where was the Orvella meteorite found?", "outside Tromsø", "Tromsø", "meteorite"),
    ("How many passengers were rescued from the Kestrel ferry?", "214 passengers", "214", "ferry"),
]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory, embeddings) -> Assistant:
    return assistant_over(tmp_path_factory.mktemp("answer-kind"), ARTICLES, embeddings)


@pytest.mark.parametrize(("question", "answer_words", "short", "article"), CASES)
def test_the_answer_opens_with_the_sentence_naming_what_was_asked(
    assistant: Assistant, question: str, answer_words: str, short: str, article: str
) -> None:
    result = assistant.ask(question)
    assert result.answered
    first_sentence = result.text.split("[1]")[0]
    assert answer_words in first_sentence, result.text
    assert result.citations[0].article_id.startswith(article)
    assert result.short_answer == short
    assert result.to_dict()["short_answer"] == short


def test_a_quiz_asking_the_question_is_not_quoted_as_its_answer(assistant: Assistant) -> None:
    result = assistant.ask("Which animal escaped from the Tromsø aquarium this week?")
    assert result.answered
    assert "?" not in result.text, result.text
    assert "otter named Pip" in result.text.split("[1]")[0], result.text
    assert result.citations[0].article_id.startswith("aquarium")


def test_the_circular_sentences_repeat_the_question_and_are_told_apart() -> None:
    """The written articles are what the test says: their first sentences restate the question."""
    for question, _, _, article in CASES:
        text = next(a["text"] for a in ARTICLES if a["doc_id"] == article)
        kind = asked_kind(question)
        assert kind is not None
        assert is_circular(text.split(". ")[1] + ".", question, kind), question


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Who won France's presidential election in a runoff this week?", "person"),
        ("Which world leader did Boris Johnson accuse of toxic masculinity?", "person"),
        ("The second-largest diamond ever has been found in which African country?", "place"),
        ("Where is the UN headquartered?", "place"),
        ("Former President Jimmy Carter celebrated a milestone birthday. How old did he turn?", "number"),
        ("Around how much will the gold card cost?", "number"),
        ("Which airline unveiled an Independence One plane?", "organisation"),
        ("When is the next total solar eclipse?", "date"),
        ("Which film topped the box office?", "title"),
        ("Which slang term was selected as Oxford's word of the year?", "title"),
        ("Which product is selling out?", "name"),
        ("Why did the markets fall?", None),
    ],
)
def test_the_question_form_says_what_kind_of_thing_is_asked_for(question: str, kind: str | None) -> None:
    assert asked_kind(question) == kind


def test_the_short_answer_is_a_span_of_the_first_sentence_that_the_question_does_not_name() -> None:
    question = "Who won France's presidential election in a runoff this week?"
    assert short_answer(question, "Emmanuel Macron won the runoff against Marine Le Pen. [1] More. [2]") == (
        "Emmanuel Macron"
    )
    assert short_answer(question, "France held a runoff this week. [1] Emmanuel Macron won. [2]") is None
    assert short_answer("Why did France vote?", "Emmanuel Macron won the runoff. [1]") is None
    assert short_answer("How much did the fine cost Trump?", "Trump was fined $9,000 on Tuesday. [1]") == "$9,000"


def test_the_short_answer_is_none_rather_than_a_wrong_name() -> None:
    spokesman = "Ibrahim Kalın, the presidential spokesman, told AFP that Turkey backs the GNA in Tripoli. [1]"
    # "Who is X?" asks for a description: no other name is X.
    assert short_answer("Who is Ibrahim Kalin?", spokesman) is None
    assert short_answer("Who is the presidential spokesman?", spokesman) == "Ibrahim Kalın"
    # A compound adjective is not a name; a plain word opening the sentence yields to a real name.
    assert short_answer("Which app was banned on official phones?", "Chinese-owned TikTok was banned. [1]") == "TikTok"
    assert short_answer("Which planet has the most moons?", "There are now 92 known moons of Jupiter. [1]") == "Jupiter"
    # A city asked for is not its country; "where" wants the most precise place, gazetteer or not.
    sirte = "Turkey said forces loyal to Libya's Gen. Khalifa Haftar must withdraw from the city of Sirte. [1]"
    assert short_answer("Which city must Hafter's forces leave?", sirte) == "Sirte"
    assert short_answer("Where must Haftar's troops pull out of?", sirte) == "Sirte"


def test_an_office_asked_about_is_answered_only_by_the_name_given_its_holder() -> None:
    lede = "Turkey said Gen. Khalifa Haftar must withdraw, accusing France of jeopardizing NATO security. [1]"
    assert short_answer("Who is the president of France?", lede) is None  # the lede names no president
    macron = "French President Emmanuel Macron said on Monday that Turkey was playing a dangerous game. [1]"
    assert short_answer("Who is the president of France?", macron) == "Emmanuel Macron"
    wiles = "Trump named Susie Wiles chief of staff on Thursday, his first appointment. [1]"
    assert short_answer("Who is the new chief of staff?", wiles) == "Susie Wiles"


def test_what_the_verb_is_done_to_is_the_name_after_it_in_the_sentence() -> None:
    lede = "Turkey said Gen. Khalifa Haftar must withdraw, accusing France of jeopardizing NATO security. [1]"
    assert short_answer("Whom did Turkey accuse?", lede) == "France"  # a country for "whom", not Haftar
    assert short_answer("Which country did Turkey accuse?", lede) == "France"
    uprising = "A Western-backed uprising in 2011 toppled longtime dictator Moammar Gadhafi. [1]"
    assert short_answer("Who did the uprising topple?", uprising) == "Moammar Gadhafi"
    attal = "Macron appointed on Tuesday Gabriel Attal as prime minister. [1]"  # never the day
    assert short_answer("Who did Macron appoint as prime minister?", attal) == "Gabriel Attal"
    stefanik = "Trump named Rep. Elise Stefanik as his pick for the post. [1]"  # past the title
    assert short_answer("Who did Trump name as his pick for UN ambassador?", stefanik) == "Elise Stefanik"


def test_who_does_it_is_the_name_just_before_the_sentences_verb() -> None:
    lede = 'Gen. Khalifa Haftar must withdraw, Turkey said, accusing France of "jeopardizing" NATO security. [1]'
    assert short_answer("Who is jeopardizing NATO security?", lede) == "France"  # not the first name, Haftar
    said = "Ibrahim Kalın told AFP that Turkey supports the Government of National Accord. [1]"
    assert short_answer("Who supports the Government of National Accord?", said) == "Turkey"


def test_a_country_asked_for_is_the_country_its_people_or_its_city_stand_for_or_none() -> None:
    """Sentences written after the dev questions' articles: for those, the short answers were Riyadh,
    South Carolina, Kyiv, Phoenix (the question's own US) and the arena of the closing ceremony."""
    toys = "Saudi Arabian officials cracked down on rainbow-colored toys in the capital, Riyadh. [1]"
    assert short_answer("What country cracked down on rainbow-colored toys?", toys) == "Saudi Arabia"
    assert short_answer("¿Qué país tomó medidas contra los juguetes de colores?", toys) == "Saudi Arabia"
    assert short_answer("Where did officials crack down on rainbow-colored toys?", toys) == "Riyadh"  # a city first
    balloon = "A jet shot down the suspected Chinese spy balloon off the South Carolina coast. [1]"
    assert short_answer("Which country did the spy balloon belong to?", balloon) == "China"
    kyiv = "Biden arrived in Kyiv on Monday for a secret visit. [1]"
    assert short_answer("President Biden made a secret trip to which country this week?", kyiv) == "Ukraine"
    zoo = "The Phoenix zoo apologised to New Zealand over its treatment of a kiwi. [1]"
    assert short_answer("A US zoo apologised to which country over the mistreatment of a bird?", zoo) == "New Zealand"
    nato = "MADRID - NATO formalized its invitation to Sweden and Finland to join, Ukraine said. [1]"
    assert short_answer("Какие две страны НАТО пригласила вступить в альянс?", nato) == "Sweden and Finland"
    arena = "The closing ceremony was held at the Verona Olympic Arena on Sunday. [1]"
    assert short_answer("Which country will host the next Winter Olympics?", arena) is None
    turkish = "Turkish officials accused France of jeopardizing NATO security. [1]"
    assert short_answer("Hangi ülke Fransa'yı suçladı?", turkish) is None  # France is the one asked about


def test_the_country_of_the_questions_own_subject_is_not_the_country_asked_for() -> None:
    """Written sentences: "Libya's … Haftar" says whose general Haftar is, not who backs him; a question
    asking "which country's" asks for just that."""
    lede = "Forces loyal to Libya's eastern-based Gen. Khalifa Haftar, backed by France, must withdraw. [1]"
    assert short_answer("Which country backs Haftar?", lede) == "France"
    visit = "Britain's King Charles and Queen Camilla arrived in Nairobi on Tuesday. [1]"
    assert short_answer("Which country did King Charles visit?", visit) == "Kenya"  # Nairobi's, not his own
    meloni = "Italy's Giorgia Meloni claimed victory on Sunday. [1]"
    assert short_answer("Giorgia Meloni will become which country's prime minister?", meloni) == "Italy"


def test_a_name_holding_the_noun_asked_comes_before_the_sentences_other_names() -> None:
    """Written sentences: the sentence opens with the one who said it, not with what was asked."""
    gna = "Ibrahim Kalın told AFP that Turkey supports the U.N.-recognized Government of National Accord. [1]"
    assert short_answer("Which government does Turkey support?", gna) == "Government of National Accord"
    suit = "He filed the suit on Monday in Florida against the British Broadcasting Corporation. [1]"
    assert short_answer("Which broadcaster did the president sue?", suit) == "British Broadcasting Corporation"
    musk = "Tesla chief Elon Musk lost the top spot in the Forbes World's Billionaires List. [1]"
    assert short_answer("Which billionaire lost the top spot?", musk) == "Elon Musk"  # a person: as before


def test_a_regions_words_are_no_persons_name() -> None:
    sentence = "The French government is supporting a warlord and jeopardizing North African security, he said. [1]"
    assert short_answer("Who does France support in Libya?", sentence) is None  # not "North African"
    assert short_answer("Who won?", "Northern Ireland's Rory McIlroy won on Sunday. [1]") == "Rory McIlroy"


def test_a_us_state_asked_for_is_a_state_or_none() -> None:
    """Written after dev articles whose highlighted answers were Sturgis, a stadium's town, a recycling
    agency and Baja California."""
    recall = "Abbott's plant in Sturgis, Michigan, was shut down in February. [1]"
    assert short_answer("At which state's plant did the recall begin?", recall) == "Michigan"
    assert short_answer("Which state will host the final?", "MetLife Stadium in East Rutherford, New Jersey. [1]") == (
        "New Jersey"
    )
    assert short_answer("Which state will ban plastic bags?", "CalRecycle said the ban starts in 2026. [1]") is None
    fires = "Evacuations were ordered across Southern California on Monday. [1]"
    assert short_answer("Which state issued evacuation orders?", fires) == "California"
    hilary = "Hurricane Hilary made landfall in Baja California, Mexico. [1]"
    assert short_answer("Which state was hit by Hurricane Hilary?", hilary) is None


def test_a_title_or_term_asked_for_is_a_name_or_a_short_quoted_phrase() -> None:
    # Coined words are written in lower case, as a quotation: "goblin mode", not a capitalised name.
    question = "Which slang term was selected as Oxford's word of the year for 2022?"
    said = "Oxford Dictionaries said Monday that “goblin mode” has been selected as its word of the year. [1]"
    assert short_answer(question, said) == "goblin mode"
    assert short_answer("Which word did Merriam-Webster choose?", 'It announced its word: "gaslighting." [1]') == (
        "gaslighting"
    )
    assert short_answer("Which film swept the Oscars?", "Oppenheimer swept the Oscars on Sunday. [1]") == "Oppenheimer"
    # A long quotation is what someone said, not a title.
    speech = 'The senator said "we will not stop until every family has what it needs" on Monday. [1]'
    assert short_answer("Which phrase did the senator use?", speech) is None


def test_a_dateline_or_a_plain_word_opening_the_sentence_is_no_short_answer() -> None:
    # Where and by whom it was written, not what was asked.
    term = "LONDON — Asked to sum up 2022 in a word, the public has chosen a phrase. [1]"
    assert short_answer("Which slang term was chosen as word of the year?", term, term) is None
    cuts = "DUBAI, United Arab Emirates (AP) — Saudi Arabia and other producers announced cuts. [1]"
    assert short_answer("Which country announced oil production cuts?", cuts) == "Saudi Arabia"
    assert short_answer("Which company will unveil a new phone?", "(CNN) Apple will unveil a new phone. [1]") == "Apple"
    # A word opening the sentence is a name when its passage writes it capitalised inside a sentence too.
    legal = "Legal experts say the draft could lead the court to overturn other rulings."
    assert short_answer("Which ruling may be overturned?", legal, f"{legal} The experts disagree.") is None
    amazon = "Amazon shares are about to get much cheaper."
    assert short_answer("Which company split its stock?", amazon, f"{amazon} Investors in Amazon cheered.") == "Amazon"
    # A date's day is no count, and a count ends before its comma.
    maui = "The fire that tore through Lahaina on Aug. 8, was the deadliest in a century, leaving at least 96 dead. [1]"
    assert short_answer("How many people died in the Maui fires?", maui, maui) == "96"
    floods = "Germany was hit by floods."
    assert short_answer("Which country was hit?", floods, floods) == "Germany"  # a country whatever its place


def test_short_answer_round_trips_and_answers_stored_before_it_load_without_one() -> None:
    answer = Answer("Who?", "Margarethe Olsen won. [1]", True, short_answer="Margarethe Olsen")
    assert Answer.from_dict(answer.to_dict()).short_answer == "Margarethe Olsen"
    stored_before = {key: value for key, value in answer.to_dict().items() if key != "short_answer"}
    assert Answer.from_dict(stored_before).short_answer is None


def test_a_refusal_has_no_short_answer(assistant: Assistant) -> None:
    result = assistant.ask("What is the boiling point of tungsten?")
    assert not result.answered and result.short_answer is None


def test_a_question_word_of_another_language_says_the_kind_for_ranking_only() -> None:
    # For ranking sentences (the answer floor counts on the kind's lift); never for the short answer.
    assert asked_kind("¿Quién es el portavoz presidencial?") is None
    assert asked_kind("¿Quién es el portavoz presidencial?", other_languages=True) == "person"
    assert asked_kind("Wie viele Menschen starben?", other_languages=True) == "number"
    assert asked_kind("Türkiye Libya'da ne zaman ateşkes ilan etti?", other_languages=True) == "date"
    assert asked_kind("Где находится Сирт?", other_languages=True) == "place"
    assert asked_kind("¿Qué exige Turquía en Libia?", other_languages=True) is None  # "what": no kind
    assert asked_kind("Who heads the GNA?", other_languages=True) == "person"  # English as before


def test_the_holder_of_the_office_asked_about_opens_the_answer_and_is_its_short_answer(assistant: Assistant) -> None:
    # The lede names a person too (the harbour master) and repeats more of the question's words; the
    # spokeswoman is the one named beside the role asked about (assistant/apposition.py).
    result = assistant.ask("Who is the port authority's spokeswoman?")
    assert result.answered
    assert "Ingrid Saether, the port authority's spokeswoman" in result.text.split("[1]")[0], result.text
    assert result.short_answer == "Ingrid Saether"
