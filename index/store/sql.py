"""SQL database URLs as users write them, turned into what SQLAlchemy can open with the drivers installed.

``postgresql://…`` means psycopg2 to SQLAlchemy, but the project's extra ``server`` installs psycopg
(version 3): such a URL then gets ``+psycopg``, so the same URL works for the record manager and the
shared keyword index, whichever of the two drivers is there.
"""

from __future__ import annotations

import importlib.util


def sqlalchemy_url(url: str) -> str:
    """``url`` with an installed PostgreSQL driver named when it names none."""
    scheme, separator, rest = url.partition("://")
    if separator and scheme in ("postgresql", "postgres") and importlib.util.find_spec("psycopg2") is None:
        return f"postgresql+psycopg://{rest}"
    return url
