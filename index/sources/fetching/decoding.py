"""Content-Encoding decoded a bounded piece at a time, so a compression bomb costs no memory.

A server chooses how much a few bytes on the wire become: 1,617 bytes of brotli are a GiB of zeros.
``httpx``'s own decoders turn each network chunk into all it expands to before anyone can count
it, so the size cap (``fetch_max_mb``) used to be checked after the damage: 2 GB of memory for a
brotli or zstd bomb, ~130 MB for gzip (``bench/bombs.py``). Here the client reads the raw bytes
(``response.iter_raw()``) and :func:`decoded` stacks one reader per coding, each of whose
``read(size)`` returns at most ``size`` bytes (brotli: about that, its output grows in blocks), so
the caller counts every piece before the next is made:

* ``gzip`` and ``deflate`` (zlib, or raw deflate as some servers send): ``zlib``'s ``max_length``,
  the rest of the input waiting in ``unconsumed_tail``;
* ``br``: the ``brotli`` package's ``output_buffer_limit`` (1.2+), when installed;
* ``zstd``: ``zstandard``'s ``stream_reader``, when installed, and only frames whose window is at
  most 8 MB (what RFC 9659 allows the ``zstd`` coding; a larger one would cost that much memory).

:func:`accept_encoding` advertises exactly these. A body in a compression that cannot be decoded
boundedly here (``br`` without the package, ``compress``) is refused, as are more than
:data:`MAX_CODINGS` codings stacked; a token that names no compression at all ("utf-8", as
misconfigured servers send) is ignored, as ``httpx`` and browsers do. A truncated stream ends
where the body does, as with ``httpx``.
"""

from __future__ import annotations

import importlib
import logging
import zlib
from collections.abc import Callable, Iterator
from typing import Any, Protocol

logger = logging.getLogger(__name__)

PIECE = 64 * 1024
"""Bytes asked of a decoder at a time, and of the network for it."""
MAX_CODINGS = 2
"""Compressions stacked on one body that are decoded ("gzip, br"); nobody sends more."""
ZSTD_MAX_WINDOW = 8 * 1024 * 1024
_KNOWN_COMPRESSIONS = frozenset({"gzip", "x-gzip", "deflate", "br", "zstd", "compress", "x-compress"})


def _optional(module: str) -> Any:
    """An optional package (as for httpx), or None when it is not installed."""
    try:
        return importlib.import_module(module)
    except ImportError:  # pragma: no cover - both are installed with the project's constraints
        return None


brotli = _optional("brotli")
if brotli is not None and not hasattr(brotli.Decompressor, "can_accept_more_data"):
    brotli = None  # brotli < 1.2 has no output_buffer_limit: its output cannot be bounded
zstandard = _optional("zstandard")


class UndecodableBody(Exception):  # noqa: N818 - it names what the body is
    """The body's Content-Encoding cannot be decoded here, or its data is broken; ``str()`` says how."""


class Reader(Protocol):
    """Bytes a piece at a time: ``read(size)`` gives at most about ``size`` bytes, ``b""`` only at the end."""

    def read(self, size: int, /) -> bytes: ...


class _Chunks:
    """The raw network chunks as a :class:`Reader`."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._rest = memoryview(b"")

    def read(self, size: int, /) -> bytes:
        while not self._rest:
            chunk = next(self._chunks, None)
            if chunk is None:
                return b""
            self._rest = memoryview(chunk)
        piece, self._rest = self._rest[:size], self._rest[size:]
        return bytes(piece)


class _Zlib:
    """gzip or deflate. ``deflate`` is the zlib format by the standard, raw deflate by some servers:
    the first failure of the zlib format starts again as raw deflate, as ``httpx`` does."""

    def __init__(self, source: Reader, *, gzip: bool) -> None:
        self._source = source
        self._inflater = zlib.decompressobj(zlib.MAX_WBITS | 16 if gzip else zlib.MAX_WBITS)
        self._name = "gzip" if gzip else "deflate"
        self._may_be_raw = not gzip
        self._ended = False

    def read(self, size: int, /) -> bytes:
        while not self._inflater.eof:
            data = self._inflater.unconsumed_tail
            if not data and not self._ended:
                data = self._source.read(PIECE)
                self._ended = not data
            out = self._inflate(data, size)
            if out:
                return out
            if self._ended and not self._inflater.unconsumed_tail:
                return b""
        return b""

    def _inflate(self, data: bytes, size: int) -> bytes:
        try:
            out = self._inflater.decompress(data, size)
        except zlib.error as error:
            if not self._may_be_raw:
                raise UndecodableBody(f"broken {self._name} data: {error}") from None
            self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            self._may_be_raw = False
            return self._inflate(data, size)
        self._may_be_raw = False
        return out


class _Brotli:
    """brotli 1.2's ``output_buffer_limit``: output past the limit stays in the decoder, and comes out of
    further calls with no input (which ``can_accept_more_data`` alone does not tell)."""

    def __init__(self, source: Reader) -> None:
        self._source = source
        self._decompressor = brotli.Decompressor()
        self._held = False  # the last call stopped at the limit: more output may be waiting

    def read(self, size: int, /) -> bytes:
        try:
            while True:
                if self._held or not self._decompressor.can_accept_more_data():
                    out = self._decompressor.process(b"", output_buffer_limit=size)
                    if not out and not self._decompressor.can_accept_more_data():
                        raise UndecodableBody("broken brotli data: the decoder is stuck")
                elif self._decompressor.is_finished():
                    return b""
                else:
                    data = self._source.read(PIECE)
                    if not data:
                        return b""
                    out = self._decompressor.process(data, output_buffer_limit=size)
                self._held = len(out) >= size
                if out:
                    return bytes(out)
        except brotli.error as error:
            raise UndecodableBody(f"broken brotli data: {error}") from None


class _Zstd:
    def __init__(self, source: Reader) -> None:
        decompressor = zstandard.ZstdDecompressor(max_window_size=ZSTD_MAX_WINDOW)
        self._reader = decompressor.stream_reader(source, read_size=PIECE, read_across_frames=True)

    def read(self, size: int, /) -> bytes:
        try:
            return bytes(self._reader.read(size))
        except zstandard.ZstdError as error:
            raise UndecodableBody(f"broken or too demanding zstd data: {error}") from None


_DECODERS: dict[str, Callable[[Reader], Reader]] = {
    "gzip": lambda source: _Zlib(source, gzip=True),
    "x-gzip": lambda source: _Zlib(source, gzip=True),
    "deflate": lambda source: _Zlib(source, gzip=False),
}
if brotli is not None:
    _DECODERS["br"] = _Brotli
if zstandard is not None:
    _DECODERS["zstd"] = _Zstd


def accept_encoding() -> str:
    """The Accept-Encoding header: exactly the codings decoded here in bounded memory."""
    return ", ".join(coding for coding in _DECODERS if not coding.startswith("x-"))


def decoded(raw: Iterator[bytes], content_encoding: str) -> Reader:
    """The body of ``raw`` network chunks decoded as ``content_encoding`` (the header's value) says.

    Raises :class:`UndecodableBody` for a compression not decoded here or too many stacked; the
    reader raises it for broken data.
    """
    tokens = [token.strip().lower() for token in content_encoding.split(",")]
    codings = [token for token in tokens if token in _KNOWN_COMPRESSIONS]
    ignored = [token for token in tokens if token and token not in _KNOWN_COMPRESSIONS and token != "identity"]
    if ignored:
        logger.debug("Content-Encoding %s names no compression: read as it is", ", ".join(ignored))
    if len(codings) > MAX_CODINGS:
        raise UndecodableBody(f"{len(codings)} stacked Content-Encodings ({content_encoding}): at most {MAX_CODINGS}")
    reader: Reader = _Chunks(raw)
    for coding in reversed(codings):  # the last coding listed was applied last: it comes off first
        decoder = _DECODERS.get(coding)
        if decoder is None:
            raise UndecodableBody(f"Content-Encoding {coding} was not asked for and is not decoded here")
        reader = decoder(reader)
    return reader
