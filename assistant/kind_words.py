"""The kind of thing a question in German, Spanish, Russian or Turkish asks for, from its question word.

The answerer lifts a sentence that names a thing of the kind asked for (:mod:`assistant.answer_kind`),
and its answer floor was calibrated with that lift in English. A question in another language got no
kind, so its best sentence scored lower than the same question's in English and it was refused more
often (issue 27, docs/lab-notes.md "The kind asked, in four more languages"). Here are the question
words of the four languages the multilingual dev questions are written in, for the unambiguous kinds
only: who, where (and which country or city), how many or how much, when; and "which X" where X is
one of the nouns news questions ask about most (a company, a film, a player, an island…), written
down in :data:`_WHICH_NOUNS` by the English kind they stand for.

The short answer reads the same words (:mod:`assistant.short_answer`), with the forms that change
what it may be: "Wer ist Ibrahim Kalın?" asks for a description, not a name
(:func:`asks_for_description`); "¿En qué ciudad…?" is not answered by a country
(:func:`asks_for_city`).
"""

from __future__ import annotations

import re
from typing import Literal

from index.folding import fold_key

KindAsked = Literal["person", "place", "number", "date", "organisation", "title"]

# Folded as index.folding.fold_key folds (accents gone, lower case); Cyrillic keeps its letters.
_WORDS: tuple[tuple[str, KindAsked], ...] = (
    ("wie viele|wie viel|wieviel|cuantos|cuantas|cuanto|cuanta|сколько|kac|ne kadar", "number"),
    ("wann|cuando|когда|ne zaman", "date"),
    (
        "wo|wohin|woher|welches land|welchem land|welche stadt|donde|adonde|que pais|que ciudad|где|куда|откуда"
        "|какая страна|какой стране|какой город|каком городе|nerede|nereye|nereden|hangi ulke|hangi sehir",
        "place",
    ),
    ("wer|wem|wen|wessen|quien|quienes|кто|кого|кому|kim|kimin|kime|kimi|kimdir|kimdi", "person"),
)
_FORMS = tuple((re.compile(rf"(?<!\w)(?:{words})(?!\w)"), kind) for words, kind in _WORDS)


# "Which X": the word for "which" (Spanish "qué" is also "what", so its noun must follow at once;
# elsewhere one word may stand between, "Какой государственный орган", "Hangi devlet kurumu"), then a
# noun by the start of its folded form (cases and suffixes follow: "компании", "şirketi"); a start of
# fewer than four letters must be the whole word.
_WHICH = {"welche": 2, "welcher": 2, "welches": 2, "welchen": 2, "welchem": 2, "que": 1, "cual": 2, "cuales": 2}
_WHICH.update(dict.fromkeys(("какой", "какая", "какое", "какие", "какого", "каком", "какую", "каким"), 2))
_WHICH["hangi"] = 2
_WHICH_NOUNS: dict[KindAsked, list[str]] = {
    "person": (
        "person mensch mann frau politiker kandidat schauspieler sanger musiker kunstler sportler spieler star "
        "senator gouverneur richter milliardar autor schriftsteller regisseur moderator konig konigin prinz papst "
        "trainer golfer fahrer grunder astronaut wissenschaftler "
        "persona hombre mujer lider politico candidat actor actriz cantante musico artista atleta deportista jugador "
        "estrella senador gobernador juez multimillonario autor escritor presentador rey reina principe princesa papa "
        "entrenador golfista piloto fundador astronauta cientifico "
        "человек мужчин женщин лидер политик кандидат актер актрис певец певиц музыкант художник артист спортсмен "
        "игрок звезд сенатор губернатор судья миллиардер писател режиссер ведущ корол принц принцесс тренер "
        "гольфист гонщик основател астронавт учен "
        "kisi adam kadin lider politikaci aday aktor oyuncu sarkici muzisyen sanatci sporcu yildiz senator yargic "
        "hakim milyarder yazar yonetmen sunucu kral kralice prens prenses papa antrenor golfcu pilot surucu kurucu "
        "astronot"
    ).split(),
    "organisation": (
        "unternehmen firma konzern mannschaft team partei organisation behorde bank universitat hochschule "
        "institution sender fluggesellschaft marke kette gruppe verein club klub zeitung plattform dienst gericht "
        "ministerium regierung hersteller autobauer einzelhandler "
        "empresa compania equipo partido organizacion agencia banco universidad institucion cadena aerolinea marca "
        "grupo periodico plataforma aplicacion servicio tribunal ministerio gobierno fabricante minorista "
        "компани фирм корпораци команд парти организаци агентств ведомств банк университет учреждени орган "
        "телеканал авиакомпани бренд групп клуб газет платформ приложени сервис суд министерств правительств "
        "производител "
        "sirket firma takim parti orgut kurulus kurum ajans banka universite kanal havayolu marka zincir grup kulup "
        "gazete platform uygulama servis mahkeme bakanlik hukumet uretici"
    ).split(),
    "title": (
        "film lied song wort begriff ausdruck sendung show serie buch roman album titel "
        "pelicula cancion palabra termino expresion programa serie libro novela album titulo "
        "фильм песн слов термин выражени шоу программ сериал книг роман альбом "
        "film sarki kelime sozcuk terim ifade program dizi kitap roman album"
    ).split(),
    "place": (
        "land stadt staat bundesstaat insel region provinz flughafen hafen fluss meer berg vulkan park stadion "
        "kontinent hauptstadt pais ciudad estado isla region provincia lugar aeropuerto puerto lago montana volcan "
        "parque estadio continente capital стран город штат остров регион област провинци аэропорт порт озер вулкан "
        "стадион континент столиц ulke sehir kent eyalet ada bolge havalimani liman nehir deniz dag yanardag "
        "stadyum kita baskent"
    ).split(),
    "number": "prozentsatz anteil porcentaje proporcion процент доля oran".split(),
}
_SHORTEST_START = 4


def kind_in_other_language(asking: str) -> KindAsked | None:
    """The kind the asking sentence of a question not in English asks for, read from its question word.

    >>> kind_in_other_language("¿Quién es Ibrahim Kalın?"), kind_in_other_language("Сколько людей погибло?")
    ('person', 'number')
    >>> kind_in_other_language("¿Qué empresa compró Twitter?"), kind_in_other_language("Какой фильм победил?")
    ('organisation', 'title')
    >>> kind_in_other_language("¿Qué exige Turquía en Libia?") is None
    True
    """
    folded = fold_key(" ".join(asking.split()))
    found = next((kind for pattern, kind in _FORMS if pattern.search(folded)), None)
    return found or _which_noun(_TOKENS.findall(folded))


def _which_noun(words: list[str]) -> KindAsked | None:
    """The kind of the noun after a "which" (:data:`_WHICH`), if it is one of :data:`_WHICH_NOUNS`."""
    for index, word in enumerate(words):
        for noun in words[index + 1 : index + 1 + _WHICH.get(word, 0)]:
            kind = next((kind for kind, starts in _WHICH_NOUNS.items() if _starts(noun, starts)), None)
            if kind is not None:
                return kind
    return None


def _starts(word: str, starts: list[str]) -> bool:
    return any(word == start or (len(start) >= _SHORTEST_START and word.startswith(start)) for start in starts)


# "Wer ist X?", "¿Quién fue X?", "Кто такой X?", "X kimdir?": the question word (and its copula) and
# nothing but a name. Folded as above.
_WHO = frozenset({"wer", "quien", "кто", "хто"})
_COPULAS = frozenset({"ist", "war", "es", "era", "fue", "такой", "такая", "такие", "это", "такий", "така"})
_WHO_LAST = frozenset({"kimdir", "kim", "kimdi"})  # Turkish asks after the name
_TOKENS = re.compile(r"[^\W\d_][\w'’.-]*")
_COUNTRY = re.compile(r"(?<!\w)(?:land|pais|страна|страны|стране|страну|ulke\w*)(?!\w)")
_CITY = re.compile(r"(?<!\w)(?:stadt|ciudad|город\w*|sehir\w*)(?!\w)")
_WHERE = re.compile(r"(?<!\w)(?:wo|wohin|donde|adonde|где|куда|nerede|nereye)(?!\w)")


def asks_for_description(asking: str) -> bool:
    """Whether the asking sentence only asks who someone it names is: no name answers it.

    >>> asks_for_description("Кто такой Ибрагим Калын?"), asks_for_description("Hafter kimdir?")
    (True, True)
    >>> asks_for_description("¿Quién es el portavoz presidencial?")
    False
    """
    words = _TOKENS.findall(asking)
    folded = [fold_key(word) for word in words]
    if folded and folded[0] in _WHO:
        rest = words[2:] if len(folded) > 1 and folded[1] in _COPULAS else words[1:]
    elif folded and folded[-1] in _WHO_LAST:
        rest = words[:-1]
    else:
        return False
    return bool(rest) and all(word[0].isupper() for word in rest)


def asks_for_country(asking: str) -> bool:
    """Whether the asking sentence asks for a country ("welches Land", "qué país", "какая страна", "hangi ülke")."""
    return _COUNTRY.search(fold_key(asking)) is not None


def asks_for_city(asking: str) -> bool:
    """Whether the asking sentence asks for a city ("welche Stadt", "qué ciudad", "какой город", "hangi şehir")."""
    return _CITY.search(fold_key(asking)) is not None


def asks_where(asking: str) -> bool:
    """Whether the asking sentence asks where ("wo", "dónde", "где", "nerede"): the most precise place answers."""
    return _WHERE.search(fold_key(asking)) is not None
