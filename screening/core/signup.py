"""The normalised signup: one frozen value, typed by field, read-only as a mapping too.

The checks produce it from the fields the policy keeps; everything after them (identifiers,
lists, the record, the response) reads it. A field the policy did not keep, or the signup
did not carry, is ``None`` and absent from the mapping view and from :meth:`Signup.as_dict`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

ADDRESS_KEYS = ("line1", "line2", "city", "postal_code", "region", "country")
FIELDS = ("first_name", "last_name", "email", "phone", "address", "external_ref", "language")


class _Present(Mapping[str, Any]):
    """A read-only mapping over the dataclass fields that are not ``None``."""

    __slots__ = ()
    _NAMES: ClassVar[tuple[str, ...]] = ()

    def __getitem__(self, key: str) -> Any:
        if key not in self._NAMES:
            raise KeyError(key)
        value = getattr(self, key)
        if value is None:
            raise KeyError(key)
        return value

    def __iter__(self) -> Iterator[str]:
        return (name for name in self._NAMES if getattr(self, name) is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)


@dataclass(frozen=True, slots=True, eq=True)
class Address(_Present):
    """A normalised postal address (values trimmed, country upper-case)."""

    _NAMES: ClassVar[tuple[str, ...]] = ADDRESS_KEYS

    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    postal_code: str | None = None
    region: str | None = None
    country: str | None = None

    @classmethod
    def of(cls, values: Mapping[str, str]) -> Address:
        return cls(**{key: values[key] for key in ADDRESS_KEYS if key in values})

    def as_dict(self) -> dict[str, str]:
        return {key: getattr(self, key) for key in self}


@dataclass(frozen=True, slots=True, eq=True)
class Signup(_Present):
    """The kept fields of one signup, as the checks normalised them."""

    _NAMES: ClassVar[tuple[str, ...]] = FIELDS

    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    address: Address | None = None
    external_ref: str | None = None
    # The customer's language (en, nl, fr, de) for what they read.
    language: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return the fields in the request's shape (what the host stores instead)."""
        out: dict[str, Any] = {}
        for name in FIELDS:
            value = getattr(self, name)
            if value is not None:
                out[name] = value.as_dict() if isinstance(value, Address) else value
        return out
