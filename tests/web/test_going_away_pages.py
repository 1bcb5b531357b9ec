"""Going on break or off from the handheld and the API, without JavaScript: plain forms."""

from sqlalchemy import select

from floorapp.extensions import db
from floorapp.models import Availability, Break, HelpRequest, Role, Status, User
from floorapp.services.help import availability
from tests.factories import make_user

FLOOR = "/stores/NYC-1/floor"


def _user(login):
    return db.session.scalar(select(User).where(User.login == login))


def _on_floor(app, login):
    """Put a colleague on the floor as their own handheld would (logging out sets off)."""
    with app.app_context():
        availability.set_availability(_user(login), "on_floor")


def test_going_on_break_while_holding_a_request_answers_409_with_the_choices(
        app, client, auth, floor):
    _on_floor(app, "sam")
    auth.login("maria")
    client.post(f"{FLOOR}/availability", data={"availability": "on_floor"})
    client.post(f"{FLOOR}/requests/{floor['old']}/claim")
    page = client.get(FLOOR).get_data(as_text=True)
    assert f'name="held-{floor["old"]}" required' in page  # the form asks before anything
    refused = client.post(f"{FLOOR}/availability", data={"availability": "on_break"})
    assert refused.status_code == 409
    text = refused.get_data(as_text=True)
    assert "You still hold a request" in text and "Put back in the queue" in text
    assert "Hand to Sam Okafor" in text
    with app.app_context():
        assert _user("maria").availability is Availability.WITH_CUSTOMER
        assert db.session.scalar(select(Break)) is None


def test_going_on_break_hands_the_request_over_and_names_the_backup(app, client, auth, floor):
    _on_floor(app, "sam")
    auth.login("maria")
    client.post(f"{FLOOR}/requests/{floor['old']}/claim")
    with app.app_context():
        sam_id = _user("sam").id
    done = client.post(f"{FLOOR}/availability", data={
        "availability": "on_break", f"held-{floor['old']}": str(sam_id), "until": "30",
        "backup_id": str(sam_id)})
    assert done.status_code == 303
    page = client.get(FLOOR).get_data(as_text=True)
    assert "On break until" in page and "Backup: <strong>Sam Okafor</strong>" in page
    with app.app_context():
        assert db.session.get(HelpRequest, floor["old"]).claimed_by_id == sam_id
        assert _user("maria").availability is Availability.ON_BREAK
    with app.app_context():
        assert db.session.get(Break, db.session.scalar(select(Break.id))).backup_id == sam_id


def test_the_api_refuses_with_the_list_then_takes_the_choices(app, client, auth, floor):
    _on_floor(app, "sam")
    auth.login("maria")
    client.post(f"{FLOOR}/requests/{floor['old']}/claim")
    refused = client.post("/api/v1/me/availability", json={"availability": "off"})
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "holding_requests"
    assert [(r["id"], r["status"]) for r in error["requests"]] == [(floor["old"], "claimed")]
    bad = client.post("/api/v1/me/availability",
                      json={"availability": "off", "held": ["queue"]})
    assert bad.status_code == 400
    done = client.post("/api/v1/me/availability",
                       json={"availability": "on_break", "until": "15",
                             "held": {str(floor["old"]): "queue"}})
    assert done.status_code == 200
    assert done.get_json()["on_break"]["backup_id"] is not None
    with app.app_context():
        assert db.session.get(HelpRequest, floor["old"]).status is Status.WAITING


def test_a_manager_changes_a_backup_and_an_associate_may_not_change_anothers(
        app, client, auth, floor):
    _on_floor(app, "sam")
    _on_floor(app, "maria")
    with app.app_context():
        boss = make_user(login="boss", name="Ada Boss", store=_user("sam").home_store,
                         role=Role.MANAGER)
        availability.set_availability(boss, "on_floor")
        availability.set_availability(_user("maria"), "on_break", until="15",
                                      backup_id=_user("sam").id)
        break_id, boss_id = db.session.scalar(select(Break.id)), boss.id
    auth.login("sam")  # an associate, not the one on break
    refused = client.post(f"/api/v1/stores/NYC-1/breaks/{break_id}/backup",
                          json={"backup_id": boss_id})
    assert refused.status_code == 403
    assert "Breaks: change a backup" not in client.get("/stores/NYC-1/board").text
    auth.logout()
    auth.login("boss")
    assert "Backup for Maria Lopez (whole store, back" in client.get("/stores/NYC-1/board").text
    bad = client.post(f"/api/v1/stores/NYC-1/breaks/{break_id}/backup",
                      json={"backup_id": "x"})
    assert bad.status_code == 400
    done = client.post(f"{FLOOR}/breaks/{break_id}/backup",
                       data={"backup_id": str(boss_id), "back": "board"})
    assert done.status_code == 303 and done.location.endswith("/stores/NYC-1/board")
    with app.app_context():
        assert db.session.get(Break, break_id).backup_id == boss_id
