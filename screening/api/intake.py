"""Intake checks on raw request bytes and parsed JSON, before any view or parser sees them.

Everything here is bounded by the body-size limit: the depth scan looks at each
byte once without recursion, the parser refuses what JSON does not allow
(``NaN``, ``Infinity``), and the text check walks the parsed value with an
explicit stack. What a client can send is therefore refused with a 4xx, never
a ``RecursionError`` or a database that chokes on a NUL character.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
from collections.abc import Iterator
from typing import IO, Any

from screening.errors import (
    MalformedJSON,
    NotFound,
    PayloadTooLarge,
    RequestTimeout,
    ValidationFailed,
)

# A signup is 3 levels deep and a rule set 5; nothing we accept needs more.
MAX_JSON_DEPTH = 32
_STRUCTURE = re.compile(rb'[\[\]{}"\\]')
# Lone UTF-16 halves that json.loads turns "\ud800" into, and NUL: text no database stores.
_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")
_READ_CHUNK = 64 * 1024
# How much of a refused streamed body is read and dropped so the client sees its 413.
DRAIN_BYTES = 4 * 1024 * 1024


def read_streamed(stream: IO[bytes], limit: int) -> bytes:
    """Read a body of unknown length (chunked), refusing it once it passes ``limit`` bytes.

    Raises:
        PayloadTooLarge: more than ``limit`` bytes arrived.
        RequestTimeout: the body stopped arriving.
    """
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        try:
            chunk = stream.read(min(_READ_CHUNK, limit + 1 - size))
        except OSError as exc:  # the socket's read timeout, or the client went away
            raise RequestTimeout() from exc
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:
        _drain(stream)
        raise PayloadTooLarge(f"The request body is larger than {limit} bytes.")
    return b"".join(chunks)


def _drain(stream: IO[bytes]) -> None:
    """Read and drop what is left of a refused body, up to ``DRAIN_BYTES``.

    Closing a connection with unread bytes makes the kernel reset it, and the
    client may then lose the 413 it was sent; a modest drain lets it read it.
    """
    drained = 0
    with contextlib.suppress(OSError):
        while drained < DRAIN_BYTES:
            chunk = stream.read(_READ_CHUNK)
            if not chunk:
                return
            drained += len(chunk)


def check_depth(data: bytes, limit: int = MAX_JSON_DEPTH) -> None:
    """Refuse JSON (or flow-style YAML) nested deeper than ``limit``, without parsing it.

    Brackets inside strings do not count. Malformed input that passes is left to the
    parser to refuse.

    Raises:
        MalformedJSON: the document nests deeper than ``limit``.
    """
    depth = 0
    in_string = False
    escaped_at = -2
    for match in _STRUCTURE.finditer(data):
        char, at = match.group(), match.start()
        if in_string:
            if char == b"\\" and escaped_at != at - 1:
                escaped_at = at
            elif char == b'"' and escaped_at != at - 1:
                in_string = False
            continue
        if char == b'"':
            in_string = True
        elif char in (b"[", b"{"):
            depth += 1
            if depth > limit:
                raise MalformedJSON(f"The request body is nested deeper than {limit} levels.")
        elif char in (b"]", b"}"):
            depth -= 1


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        # 1e999 reads as infinity, which no JSON column can store.
        raise ValueError("number out of range")
    return value


def parse_json(data: bytes) -> Any:
    """Parse a JSON body strictly (no ``NaN``/``Infinity``/``1e999``, no 5,000-digit numbers).

    Raises:
        MalformedJSON: the body is not valid JSON, or nests too deep.
    """
    check_depth(data)
    try:
        return json.loads(data, parse_constant=_no_constant, parse_float=_finite)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise MalformedJSON("The request body is not valid JSON.") from exc


def _strings(value: Any) -> Iterator[tuple[str, str]]:
    """Yield ``(dotted path, text)`` for every key and string in ``value`` (no recursion).

    Each container is walked once: YAML aliases share one object many times over
    (a "billion laughs" document is small as objects, exponential as a tree).
    """
    stack: list[tuple[str, Any]] = [("", value)]
    seen: set[int] = set()
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            yield path or "body", item
            continue
        if not isinstance(item, dict | list) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, dict):
            for key, child in item.items():
                where = f"{path}.{key}" if path else str(key)
                yield where, str(key)
                stack.append((where, child))
        else:
            stack.extend((f"{path}.{i}" if path else str(i), c) for i, c in enumerate(item))


def _printable_path(path: str) -> str:
    # A field's name may itself be the bad text: never echo it raw.
    return _BAD_TEXT.sub("\ufffd", path)


def check_text(value: Any) -> None:
    """Refuse NUL characters and unpaired surrogates anywhere in a parsed body (keys too).

    Raises:
        ValidationFailed: naming each field that holds such text (never its value).
    """
    fields: dict[str, str] = {}
    for path, text in _strings(value):
        match = _BAD_TEXT.search(text)
        if match is None:
            continue
        problem = (
            "contains a NUL character"
            if match.group() == "\x00"
            else "contains an unpaired UTF-16 surrogate (not Unicode text)"
        )
        fields.setdefault(_printable_path(path), problem)
    if fields:
        names = ", ".join(sorted(fields))
        raise ValidationFailed(
            f"Text that cannot be stored in: {names}.",
            fields=[{"field": f, "problem": p} for f, p in sorted(fields.items())],
        )


def check_url_text(path: str, params: dict[str, list[str]], headers: dict[str, str]) -> None:
    """Refuse a NUL or unpaired surrogate in the path, the query or a header we read.

    Raises:
        NotFound: in the path (no resource is named that way).
        ValidationFailed: in a query parameter or header, naming it (never the value).
    """
    if _BAD_TEXT.search(path):
        raise NotFound("No resource has this path.")
    bad = [
        name
        for name, values in params.items()
        if _BAD_TEXT.search(name) or any(_BAD_TEXT.search(v) for v in values)
    ]
    bad += [name for name, value in headers.items() if _BAD_TEXT.search(value)]
    if bad:
        names = [_printable_path(n) for n in bad]
        raise ValidationFailed(
            f"Text that cannot be stored in: {', '.join(names)}.",
            fields=[
                {"field": n, "problem": "contains a NUL or an unpaired surrogate"} for n in names
            ],
        )
