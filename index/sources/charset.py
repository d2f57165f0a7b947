"""A web page's bytes as text, decoded as a browser would decode them.

Pages name their charset in a BOM, a ``<meta charset>`` or an XML declaration, or not at all, and
are often mislabelled; the rules below are the WHATWG Encoding standard's where it has one, and
measured choices (in comments) where it has none.
"""

from __future__ import annotations

import codecs
import re

_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_CHARSET_PROBE = 16384
_DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""", re.IGNORECASE
)
# What browsers do (WHATWG Encoding): a page labelled Latin-1 or ASCII is read as Windows-1252, whose
# extra characters (’ “ ” € …) such pages use all the time; a UTF-16 label without a BOM means UTF-8.
_AS_WINDOWS_1252 = frozenset({"latin_1", "iso8859-1", "ascii", "cp1252"})
_SINGLE_BYTE_LATIN = _AS_WINDOWS_1252 | {"iso8859-15", "cp1250", "iso8859-2"}


def decode_html(data: bytes) -> str:
    """A page's bytes as text: by its BOM, else its declared charset, else UTF-8, else Windows-1252.

    A page labelled with a single-byte Latin charset whose bytes are valid UTF-8 with non-ASCII in them
    is UTF-8 mislabelled (the other way round practically never decodes), so it is read as UTF-8.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    declared = _declared_charset(data[:_CHARSET_PROBE])
    mislabelled = declared in _SINGLE_BYTE_LATIN and not data.isascii() and _is_utf8(data)
    if declared and declared != "utf-8" and not mislabelled:
        return data.decode("cp1252" if declared in _AS_WINDOWS_1252 else declared, errors="replace")
    if _is_utf8(data):
        return data.decode("utf-8")
    # Undeclared and not UTF-8: Windows-1252, the web's default. charset_normalizer was tried and
    # guessed Windows-1250 for short French/German pages ("Crème" → "Crčme").
    return data.decode("cp1252", errors="replace")


def _declared_charset(head: bytes) -> str | None:
    match = _DECLARED_CHARSET.search(head)
    if not match:
        return None
    label = (match.group(1) or match.group(2)).decode("ascii", errors="replace")
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "utf-8" if name.startswith("utf-16") or name == "utf-8" else name


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
