"""The associate's handheld queue: plain forms that work without JavaScript."""


from sqlalchemy import select

from floorapp.extensions import db
from floorapp.models import Availability, HelpRequest, Status, User
from tests.factories import make_user


def test_an_associate_lands_on_the_queue_oldest_first_with_sla_words(client, auth, floor):
    auth.login("maria")
    response = client.get("/", follow_redirects=True)
    assert response.request.path == "/stores/NYC-1/floor"
    page = response.get_data(as_text=True)
    assert page.index("Denim jacket") < page.index("due soon") < page.rindex("on time")
    assert "overdue" in page and "size M" in page and "by the mirrors" in page
    assert page.count("Claim – on my way") == 3


def test_claim_arrive_resolve_from_the_handheld(app, client, auth, floor):
    auth.login("maria")
    rid = floor["old"]
    after = client.post(f"/stores/NYC-1/floor/requests/{rid}/claim", follow_redirects=True)
    page = after.get_data(as_text=True)
    assert "My current request" in page and "I'm with the customer" in page
    client.post(f"/stores/NYC-1/floor/requests/{rid}/arrive")
    client.post(f"/stores/NYC-1/floor/requests/{rid}/resolve", data={"outcome": "sold"})
    with app.app_context():
        done = db.session.get(HelpRequest, rid)
        assert done.status is Status.RESOLVED and done.outcome.value == "sold"


def test_a_wrong_move_is_explained_not_an_error_page(client, auth, floor):
    auth.login("maria")
    client.post(f"/stores/NYC-1/floor/requests/{floor['old']}/claim")
    auth.logout()
    auth.login("sam")
    page = client.post(f"/stores/NYC-1/floor/requests/{floor['old']}/claim",
                       follow_redirects=True).get_data(as_text=True)
    assert "already claimed by Maria" in page


def test_availability_is_set_from_the_handheld(app, client, auth, floor):
    auth.login("maria")
    with app.app_context():
        denim = db.session.scalar(select(User)).home_store.zones[0]
    client.post("/stores/NYC-1/floor/availability",
                data={"availability": "on_floor", "zone_id": str(denim.id)})
    page = client.get("/stores/NYC-1/floor").get_data(as_text=True)
    assert "My availability: <span class=\"availability-now\">on the floor" in page
    with app.app_context():
        maria = db.session.scalar(select(User).where(User.login == "maria"))
        assert (maria.availability, maria.availability_zone_id) == (Availability.ON_FLOOR,
                                                                     denim.id)


def test_another_stores_queue_is_not_found(app, client, auth, floor):
    with app.app_context():
        make_user(login="stranger", name="Other Store")
    auth.login("stranger")
    assert client.get("/stores/NYC-1/floor").status_code == 404
    assert client.post(f"/stores/NYC-1/floor/requests/{floor['old']}/claim").status_code == 404
    assert client.get("/stores/NYC-1/floor").status_code == 404


def test_the_queue_needs_a_login(client, floor):
    assert client.get("/stores/NYC-1/floor").status_code == 302


def test_the_page_tells_its_script_which_zones_are_covered(app, client, auth, floor):
    with app.app_context():
        store = db.session.scalar(select(User).where(User.login == "sam")).home_store
        shoes = store.zones[1]
    auth.login("sam")
    client.post("/stores/NYC-1/floor/availability",
                data={"availability": "on_floor", "zone_id": str(shoes.id)})
    page = client.get("/stores/NYC-1/floor").get_data(as_text=True)
    assert f'data-covered="{shoes.id}"' in page and 'data-whole-store=""' in page
