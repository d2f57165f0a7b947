"""The one registry shape behind encoders, LLM backends and keyword indexes."""

from __future__ import annotations

import pytest

from index.errors import UserError
from index.registry import Registry, UnknownNameError


class UnknownThingError(UserError):
    """A thing nobody registered."""


def test_names_aliases_case_and_order() -> None:
    things: Registry[int] = Registry("thing", UnknownThingError)
    things.register("Beta", 2, aliases=("b", "second"))
    things.register("alpha", 1)
    assert things.find(" BETA ") == things.find("Second") == things.get("b") == 2
    assert things.names() == ["Beta", "alpha"] and list(things) == [2, 1] and len(things) == 2
    assert "ALPHA" in things and "gamma" not in things and things.find("gamma") is None


def test_a_taken_name_is_replaced_in_place_with_its_aliases() -> None:
    things: Registry[int] = Registry("thing")
    things.register("a", 1, aliases=("old",))
    things.register("b", 2)
    things.register("A", 10, aliases=("new",))
    assert list(things) == [10, 2] and things.find("new") == 10 and things.find("old") is None


def test_unregister_forgets_every_spelling() -> None:
    things: Registry[int] = Registry("thing")
    things.register("a", 1, aliases=("x",))
    things.unregister("X")
    things.unregister("never-registered")
    assert things.find("a") is None and things.find("x") is None and things.names() == []


def test_get_refuses_an_unknown_name_with_the_known_ones() -> None:
    things: Registry[int] = Registry("thing", UnknownThingError)
    things.register("zeta", 1)
    things.register("eta", 2)
    with pytest.raises(UnknownThingError, match=r"^no thing is registered as 'nu'; registered: eta, zeta$"):
        things.get("nu")
    with pytest.raises(UnknownNameError):
        Registry[int]("thing").get("nu")
