"""The queue's actions go through the outbox: each rendered form has its own API URL and key."""

import re

from sqlalchemy import func, select

from floorapp.extensions import db
from floorapp.models import Event

FORM = re.compile(r'data-outbox="([^"]+)" data-outbox-label="([^"]+)" '
                  r'data-idempotency-key="([^"]+)"')


def test_every_action_form_names_its_api_call_and_a_key_of_its_own(client, auth, floor):
    auth.login("maria")
    first = FORM.findall(client.get("/stores/NYC-1/floor").get_data(as_text=True))
    again = FORM.findall(client.get("/stores/NYC-1/floor").get_data(as_text=True))
    assert [url for url, _, _ in first] == [
        f"/api/v1/help-requests/{floor[name]}/claim" for name in ("old", "due", "fresh")]
    assert first[0][1].startswith("Claim: Find a size · ")
    keys = [key for _, _, key in first + again]
    assert len(set(keys)) == 6, "a key is one user intent: never shared by two renders"


def test_a_replayed_form_post_with_its_key_resolves_once(app, client, auth, floor):
    auth.login("maria")
    rid = floor["old"]
    for move, fields in (("claim", {}), ("arrive", {}), ("resolve", {"outcome": "sold"})):
        client.post(f"/api/v1/help-requests/{rid}/{move}", data=fields,
                    headers={"Idempotency-Key": f"{move}-1", "Accept": "application/json"})
    replay = client.post(f"/api/v1/help-requests/{rid}/resolve", data={"outcome": "sold"},
                         headers={"Idempotency-Key": "resolve-1", "Accept": "application/json"})
    assert replay.status_code == 200 and replay.json["help_request"]["status"] == "resolved"
    with app.app_context():
        resolved = db.session.scalar(select(func.count()).select_from(Event).where(
            Event.request_id == rid, Event.kind == "resolved"))
    assert resolved == 1
