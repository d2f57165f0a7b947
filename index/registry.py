"""One shape for every "pick it by name" plug point: encoders, LLM backends, keyword indexes.

As simonw/llm registers models: a module makes a :class:`Registry` of its kind of thing, registers
its built-ins under short names when imported, and a plugin registers more (or replaces one) with
the same call. Names are matched without regard to case or surrounding spaces; an entry may have
aliases, which :func:`Registry.unregister` forgets with it. :meth:`Registry.get` refuses an unknown
name with the registry's own :class:`~index.errors.UserError`, naming the ones it knows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Generic, TypeVar

from index.errors import UserError

T = TypeVar("T")


class UnknownNameError(UserError, LookupError):
    """A name no entry of the registry is registered under."""


def _fold(name: str) -> str:
    return name.strip().lower()


class Registry(Generic[T]):
    """Entries of type ``T`` by name (plus aliases), kept in registration order."""

    def __init__(self, kind: str, error: type[UserError] = UnknownNameError) -> None:
        self.kind = kind  # what an entry is, for the error: "encoder", "keyword index"
        self.error = error
        self._entries: dict[str, tuple[str, T]] = {}  # folded name -> (name as registered, entry)
        self._spellings: dict[str, str] = {}  # every accepted spelling, folded -> its folded name

    def register(self, name: str, entry: T, *, aliases: Iterable[str] = ()) -> T:
        """Make ``entry`` found under ``name`` and its ``aliases``; a taken name is replaced in place."""
        key = _fold(name)
        for spelling in [s for s, owner in self._spellings.items() if owner == key]:
            del self._spellings[spelling]
        self._entries[key] = (name, entry)
        for spelling in {key, *(_fold(alias) for alias in aliases)}:
            self._spellings[spelling] = key
        return entry

    def unregister(self, name: str) -> None:
        """Forget the entry ``name`` (or an alias of it) names, under every spelling; unknown: nothing."""
        key = self._spellings.get(_fold(name))
        if key is None:
            return
        del self._entries[key]
        for spelling in [s for s, owner in self._spellings.items() if owner == key]:
            del self._spellings[spelling]

    def find(self, name: str) -> T | None:
        """The entry registered under ``name`` or an alias of it, or ``None``."""
        key = self._spellings.get(_fold(name))
        return None if key is None else self._entries[key][1]

    def get(self, name: str) -> T:
        """The entry ``name`` names; an unknown name is the registry's error, listing the known ones."""
        entry = self.find(name)
        if entry is None:
            known = ", ".join(sorted(self.names()))
            raise self.error(f"no {self.kind} is registered as {name!r}; registered: {known}")
        return entry

    def names(self) -> list[str]:
        """The names entries were registered under (not their aliases), in registration order."""
        return [name for name, _ in self._entries.values()]

    def __iter__(self) -> Iterator[T]:
        """The entries, in registration order, each once."""
        return iter([entry for _, entry in self._entries.values()])

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.find(name) is not None

    def __len__(self) -> int:
        return len(self._entries)
