"""Who holds the office asked about: a name set beside the role the question names.

"Who is the president's spokesman?" is answered by "Ibrahim Kalın, the presidential spokesman, told
AFP…", not by the lede naming another person ("…Gen. Khalifa Haftar must withdraw…"), although both
name a person and the lede says more of the story. News writes an office holder's role beside the
name, after it ("Ibrahim Kalın, the presidential spokesman") or before it ("spokesman Ibrahim Kalın",
"Chief of Staff Susie Wiles"): such a sentence opens the answer (:mod:`assistant.extractive`) and
its name is the short answer (:mod:`assistant.short_answer`).

The role is matched by its head noun: an English question's own word ("spokesman"); in German,
Spanish, Russian or Turkish (the languages :mod:`assistant.kind_words` reads) one of the offices
news names most, written down in :data:`ROLES` ("Sprecher", "portavoz", "пресс-секретарь",
"sözcüsü" are the spokesman), the head being the first office the question names, the last in
Turkish, which puts it after its owner ("Cumhurbaşkanlığı sözcüsü": the presidency's spokesman).
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.answer_kind import new_spans
from assistant.kind_words import asks_for_description
from assistant.languages import text_language
from assistant.text import question_focus
from index.folding import fold_key

# "Who is the president's spokesman?", "Who was named the new chief of staff?": the role after the
# article; its head noun is its last word before "of", "for", "in", "at" ("chief of staff" → chief).
_ROLE_QUESTION = re.compile(
    r"^who\s+(?:is|was|are|were|has been|will be|became|was named|was appointed)\s+"
    r"(?:the|a|an)\s+(?P<role>[^?]+?)\s*\??$",
    re.IGNORECASE,
)
# "Who heads the GNA?": the office in the verb.
_HEADS = re.compile(r"^who\s+(?:heads|leads|runs|chairs)\s", re.IGNORECASE)
_HEAD_OF = "head|leader|chief|chair|chairman|chairwoman"
_WORDS = re.compile(r"[^\W\d_][\w-]*")
_AFTER_HEAD = re.compile(r"\s+(?:of|for|in|at|to|on)\s+.*$", re.IGNORECASE)
_DETERMINERS = r"(?:(?:the|a|an|its|his|her|their)\s+)?(?:(?:new|next)\s+)?"
_ROLE_AFTER_CHARS = 60  # "Ibrahim Kalın, the Turkish presidential spokesman": the role within these characters

# English head nouns (a pattern) → how German, Spanish, Russian and Turkish questions begin the word (folded as
# index.folding.fold_key folds; a word is the office when it starts so: "sözcüsü", "президента").
ROLES: dict[str, tuple[str, ...]] = {
    "spokesman|spokeswoman|spokesperson": ("sprecher", "portavoz", "пресс-секретар", "представител", "sozcu"),
    "president": ("prasident", "presidente", "президент", "cumhurbaskan"),
    "minister": ("minister", "ministr", "министр", "bakan"),
    "chief": ("chef", "jefe", "глав", "baskan"),
    "leader": ("anfuhrer", "lider", "лидер"),
    "secretary": ("sekretar", "secretari", "секретар", "sekreter"),
    "ambassador": ("botschafter", "embajador", "посол", "buyukelci"),
    "chancellor": ("kanzler", "canciller", "канцлер", "sansolye"),
    "governor": ("gouverneur", "gobernador", "губернатор", "vali"),
    "mayor": ("burgermeister", "alcalde", "мэр"),  # Turkish "belediye başkanı" is its "başkan", the chief
    "director": ("direktor", "director", "директор", "mudur"),
}
_OTHER_LANGUAGE_WHO = frozenset({"wer", "quien", "кто", "kim", "kimdir"})


@lru_cache(maxsize=256)
def asked_role(question: str) -> str | None:
    """The head noun of the office a "Who is the …?" asks about, in English, as a pattern (read once
    per question: the answerer asks it of each chosen sentence).

    >>> asked_role("Who is the president's spokesman?"), asked_role("Who heads the GNA?")
    ('spokesman', 'head|leader|chief|chair|chairman|chairwoman')
    >>> asked_role("Who is Ibrahim Kalın?") is None
    True
    """
    focus = question_focus(question).strip()
    if text_language(focus) is not None:
        return _role_in_other_language(focus)
    match = _ROLE_QUESTION.match(focus)
    if match is None:
        return _HEAD_OF if _HEADS.match(focus) else None
    words = _AFTER_HEAD.sub("", match.group("role")).split()
    head = words[-1].lower().strip("'’\".,") if words else ""
    return _HEAD_OF if head in _HEAD_OF.split("|") else re.escape(head) or None  # a leader is the head


def _role_in_other_language(focus: str) -> str | None:
    """The English head (pattern) of the office a "who" question in another language names (:data:`ROLES`)."""
    words = [fold_key(word) for word in _WORDS.findall(focus)]
    if not _OTHER_LANGUAGE_WHO & set(words) or asks_for_description(focus):
        return None
    offices = [head for word in words for head, forms in ROLES.items() if word.startswith(forms)]
    if not offices:
        return None
    return offices[-1] if text_language(focus) == "Turkish" else offices[0]


def named_in_role(question: str, sentence: str) -> str | None:
    """The person ``sentence`` names beside the role ``question`` asks about, or None."""
    role = asked_role(question)
    if not role:
        return None
    head = rf"\b(?:{role})s?\b"
    for name in new_spans(sentence, question, "person"):
        titled = re.search(rf"{head}(?:\s+(?:of|for)\s+\w+)?\s+(?P<name>\S.*)$", name, re.IGNORECASE)
        if titled:  # one run of capitals, the role inside it: "White House Chief of Staff Susie Wiles"
            return titled.group("name")
        at = sentence.find(name)
        if at < 0:
            continue
        after = sentence[at + len(name) : at + len(name) + _ROLE_AFTER_CHARS]
        before = sentence[max(0, at - _ROLE_AFTER_CHARS) : at]
        if re.match(rf",\s+(?:the|a|an|its|his|her|their)\b[^,.;]*?{head}", after, re.IGNORECASE):
            return name
        if re.match(rf"\s+(?:as\s+{_DETERMINERS}(?:[\w'’-]+\s+)?|{_DETERMINERS}){head}", after, re.IGNORECASE):
            return name  # "named Susie Wiles chief of staff", "appointed Gabriel Attal as prime minister"
        if re.search(rf"{head}(?:\s+(?:of|for)\s+[\w ]{{1,25}}?)?\s*$", before, re.IGNORECASE):
            return name
    return None


def role_sentence(question: str, sentences: list[str]) -> int | None:
    """The first of ``sentences`` (best first) naming someone in the role ``question`` asks about."""
    if asked_role(question) is None:
        return None
    return next((i for i, sentence in enumerate(sentences) if named_in_role(question, sentence)), None)
