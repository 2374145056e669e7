"""The small Python client, against the test server over real HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from screening.client import ScreeningClient, ScreeningError, contest_link, field_messages
from tests.helpers import auth, signup


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_form_checks_as_the_person_types_then_submits_and_passes_the_link_on(
    live_server: str, client: Any, screen_key: str
) -> None:
    service = ScreeningClient(live_server, screen_key)
    form = signup(email="maria.janssens@gmial.com")
    check = service.screen(form, dry_run=True, accept_language="nl-BE")
    assert check["dry_run"] is True and "contest_token" not in check
    assert check["suggestions"] == {"email": "maria.janssens@gmail.com"}
    assert check["language"] == "nl"

    form["email"] = check["suggestions"]["email"]  # the person took the suggestion
    decision = service.screen(form, language="fr", idempotency_key="host-signup-1")
    assert decision["outcome"] == "approve" and decision["suggestions"] == {}
    link = contest_link(live_server, decision)
    decision_id, token = link.split("#decision=")[1].split("&token=")
    view = client.get(f"/v1/decisions/{decision_id}", headers=auth(token)).get_json()
    assert view["language"] == "fr"
    assert (
        service.screen(form, language="fr", idempotency_key="host-signup-1")["decision_id"]
        == decision["decision_id"]
    )


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_field_messages_and_errors(live_server: str, screen_key: str) -> None:
    service = ScreeningClient(live_server, screen_key)
    held = service.screen(signup(email="someone@mailinator.com", phone=""), dry_run=True)
    messages = field_messages(held)
    assert set(messages) >= {"email", "phone"}
    with pytest.raises(ScreeningError) as failed:
        service.screen({"first_name": 5}, dry_run=True)
    assert failed.value.status == 422
    with pytest.raises(ScreeningError) as refused:
        ScreeningClient(live_server, "not-a-key").screen(signup())
    assert refused.value.status == 401
