"""The service screens with the shipped model: its version, a calibrated score, explanations."""

from __future__ import annotations

from typing import Any

from screening.core.model.artifact import LoadedModel
from tests.helpers import auth, signup


def test_decisions_carry_the_model_version_and_its_score(
    client: Any, runtime: Any, screen_key: str, shipped: LoadedModel
) -> None:
    assert runtime.model_version == shipped.version
    ordinary = client.post("/v1/screenings", json=signup(), headers=auth(screen_key))
    assert ordinary.status_code == 201, ordinary.get_json()
    body = ordinary.get_json()
    assert body["versions"]["model"] == shipped.version
    assert 0.0 <= body["score"] < 0.1 and body["outcome"] == "approve"

    junk = signup(first_name="Qwerty", last_name="Asdfgh", email="zx9kq2vb7m@gmail.com")
    held = client.post("/v1/screenings", json=junk, headers=auth(screen_key)).get_json()
    assert held["score"] > 0.5 and held["outcome"] != "approve"


def test_the_runtime_explains_a_decision(runtime: Any) -> None:
    signals = {"email.disposable": True, "email.valid_syntax": True, "phone.valid": True}
    items = runtime.explain(signals)
    assert items and items[0]["feature"] == "email.disposable"
    assert items[0]["effect"] == "raises"
