"""One folding of text for matching, so a name is found however it is typed.

People type "Kalin", "Erdogan", "Sao Paulo", "Muller", "Strasse", "Zelensky"; articles write
"Kalın", "Erdoğan", "São Paulo", "Müller", "Straße", "Zelenskyy", and quote with ’ “ ” and dash
with – —. Keyword search (both backends), the encoders' input and the answerer's shared words all
read text through :func:`fold` (or :func:`fold_key`), at indexing and at question time alike, so
the two sides always meet in the same form. What is stored and shown stays the article's own text.

What is folded, and why only that:

- Typographic variants: curly quotes and primes to ``'`` and ``"``, the dashes and the minus sign
  to ``-``, the ellipsis to ``...``, unusual spaces to a space; invisible characters that split a
  word (soft hyphen, zero-width space, word joiner) are dropped.
- Latin letters with marks lose the marks (é → e, ğ → g, ñ → n, Nguyễn → Nguyen; a name written
  with a combining accent, "Beyonce" + U+0301, too), and the letters that are not a letter plus a
  mark are spelt as people type them without them: ı/İ → i/I, ß → ss, ø → o, ł → l, đ/ð → d, þ → th,
  æ → ae, œ → oe (the letters Lucene's ASCII folding filter maps, for the Latin scripts of Europe
  and Turkey). Marks on other scripts are kept: a Devanagari vowel sign or a Cyrillic breve is part
  of the letter, and the multilingual encoder reads those languages as written.
- One transliteration rule: a word ending in a consonant then ``iy``, ``yy``, ``yi`` or ``ii`` ends
  in ``y`` instead, the endings by which Ukrainian and Russian names vary in English (Zelenskyy,
  Zelenskiy, Zelenskyi → Zelensky; Dmitriy → Dmitry; Vitalii → Vitaly). English words rarely end so
  (after a vowel, as in Hawaii, nothing changes). Other variants (Kyiv/Kiev, Gaddafi/Qaddafi,
  Mueller/Müller) are different spellings, not a rule, and are left to the encoder.

Case is kept by :func:`fold` (the encoders read capitals as names) and dropped by :func:`fold_key`.
Changing any of this changes what indexes hold: bump :data:`FOLDING` (see ``index.store``).
"""

from __future__ import annotations

import re
import unicodedata

# Recorded with what an index stores (the keyword index, the vectors): an index folded otherwise, or
# built before folding, is detected at open by comparing this.
FOLDING = "fold-1"

_TYPOGRAPHIC = {
    **dict.fromkeys("‘’‚‛′‵ʹʻʼʽ`´", "'"),
    **dict.fromkeys("“”„‟″‶«»", '"'),
    **dict.fromkeys("‐‑‒–—―−⁃﹘﹣－", "-"),
    **dict.fromkeys("\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000", " "),
    **dict.fromkeys("\u00ad\u200b\u2060\ufeff", ""),
    "…": "...",
}
# Letters that Unicode does not decompose into a letter and a mark, spelt as typed without them.
_LETTERS = {
    "ı": "i",
    "İ": "I",
    "ß": "ss",
    "ẞ": "SS",
    "ø": "o",
    "Ø": "O",
    "ł": "l",
    "Ł": "L",
    "đ": "d",
    "Đ": "D",
    "ð": "d",
    "Ð": "D",
    "þ": "th",
    "Þ": "Th",
    "æ": "ae",
    "Æ": "Ae",
    "œ": "oe",
    "Œ": "Oe",
    "ħ": "h",
    "Ħ": "H",
    "ŀ": "l",
    "Ŀ": "L",
    "ſ": "s",
    "ƒ": "f",
}
_TABLE = str.maketrans({**_TYPOGRAPHIC, **_LETTERS})
_LAST_LATIN = 0x024F  # the end of Latin Extended-B: marks after these letters are dropped
_SLAVIC_ENDING = re.compile(r"(?<=[b-df-hj-np-tv-zB-DF-HJ-NP-TV-Z])(?:iy|yy|yi|ii|IY|YY|YI|II)\b")


def fold(text: str) -> str:
    """``text`` with typographic variants, Latin marks and name endings folded; case kept.

    >>> fold("Ibrahim Kalın met Erdoğan in São Paulo — “Straße” and Zelenskyy’s aide")
    'Ibrahim Kalin met Erdogan in Sao Paulo - "Strasse" and Zelensky\\'s aide'
    """
    text = text.translate(_TABLE)
    if not text.isascii():
        kept: list[str] = []
        for char in unicodedata.normalize("NFD", text):
            if unicodedata.combining(char) and kept and ord(kept[-1]) <= _LAST_LATIN:
                continue  # a mark on a Latin letter (several marks in a row: each dropped)
            kept.append(char)
        text = unicodedata.normalize("NFC", "".join(kept))
    return _SLAVIC_ENDING.sub(lambda ending: "Y" if ending.group().isupper() else "y", text)


def fold_key(text: str) -> str:
    """:func:`fold`, lower-cased: the form words are compared in (keyword search, shared words).

    >>> fold_key("MÜLLER, Müller, Muller")
    'muller, muller, muller'
    """
    return fold(text).casefold()
