"""JSON responses through orjson are the JSON Flask's own provider gave."""

import dataclasses
import decimal
import json
import uuid
from datetime import UTC, date, datetime

from flask import jsonify
from flask.json.provider import DefaultJSONProvider

from floorapp.models import Status


@dataclasses.dataclass
class _Point:
    x: int
    label: str


def _awkward() -> dict:
    return {"zebra": 1, "apple": [1.5, None, True, "señor ☕"],
            "when": datetime(2026, 12, 4, 18, 30, tzinfo=UTC), "day": date(2026, 12, 4),
            "money": decimal.Decimal("12.30"), "id": uuid.UUID(int=5),
            "point": _Point(3, "p"), "status": Status.WAITING, "nested": {"b": {}, "a": []}}


def test_a_response_is_the_json_flasks_provider_gave_with_its_keys_sorted(app):
    with app.test_request_context():
        fast = jsonify(_awkward())
        plain = DefaultJSONProvider(app).response(_awkward())
    assert fast.mimetype == plain.mimetype == "application/json"
    assert fast.get_data().endswith(b"\n") and b"\n" not in fast.get_data()[:-1]
    assert json.loads(fast.get_data()) == json.loads(plain.get_data())
    assert json.loads(fast.get_data())["when"] == "Fri, 04 Dec 2026 18:30:00 GMT"
    keys = list(json.loads(fast.get_data()))
    assert keys == sorted(keys)


def test_what_json_cannot_encode_still_fails_as_before(app):
    with app.test_request_context():
        try:
            jsonify({"object": object()})
        except TypeError as error:
            assert "not JSON serializable" in str(error)
        else:
            raise AssertionError("an object() was encoded")


def test_an_api_answer_is_compact_sorted_json_and_a_newline(client):
    answer = client.get("/api/v1/does-not-exist")
    assert answer.status_code == 404
    assert answer.get_json()["error"]["code"]
    assert answer.get_data() == json.dumps(answer.get_json(), sort_keys=True,
                                           separators=(",", ":")).encode() + b"\n"
