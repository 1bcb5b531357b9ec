"""The manager marks a zone as the stockroom: those covering it get the stock pulls' pushes."""

import pytest
from sqlalchemy import select

from floorapp.extensions import db
from floorapp.models import AuditEntry, Role, Zone
from tests.factories import make_store, make_user


@pytest.fixture
def shop(app):
    with app.app_context():
        store = make_store(code="NYC-1", zones=("Shoes", "Back room"))
        other = make_store(code="LA-1", zones=("Stock",))
        make_user(login="nyc.manager", role=Role.MANAGER, store=store)
        make_user(login="nyc.associate", store=store)
        make_user(login="la.manager", role=Role.MANAGER, store=other)
        return {zone.name: zone.id for zone in (*store.zones, *other.zones)}


def _stockroom(app) -> dict[str, bool]:
    with app.app_context():
        return {zone.name: zone.stockroom for zone in db.session.scalars(select(Zone))}


def test_the_settings_page_offers_the_box_and_ticking_it_marks_the_stockroom(
        app, client, auth, shop):
    auth.login("nyc.manager")
    page = client.get("/stores/NYC-1/settings")
    assert "Stockroom: associates covering this zone get the stock pulls" in page.text
    url = f"/stores/NYC-1/zones/{shop['Back room']}/stockroom"
    assert client.post(url, data={"stockroom": "yes"}).status_code == 302
    assert _stockroom(app) == {"Shoes": False, "Back room": True, "Stock": False}
    page = client.get("/stores/NYC-1/settings")
    assert f'id="stockroom-{shop["Back room"]}" name="stockroom" value="yes" checked' in page.text
    assert client.post(url, data={}).status_code == 302  # unticked: not a stockroom
    assert not _stockroom(app)["Back room"]
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action)).all()
        assert actions.count("zone.stockroom") == 2


def test_bad_input_or_another_stores_zone_changes_nothing(app, client, auth, shop):
    auth.login("nyc.manager")
    refused = client.post(f"/stores/NYC-1/zones/{shop['Shoes']}/stockroom",
                          data={"stockroom": "maybe"})
    assert refused.status_code == 400 and "either ticked or not" in refused.text
    assert client.post(f"/stores/NYC-1/zones/{shop['Stock']}/stockroom",
                       data={"stockroom": "yes"}).status_code == 404
    assert client.post(f"/stores/LA-1/zones/{shop['Stock']}/stockroom",
                       data={"stockroom": "yes"}).status_code == 404
    assert not any(_stockroom(app).values())


def test_an_associate_cannot_mark_a_stockroom(app, client, auth, shop):
    auth.login("nyc.associate")
    assert client.post(f"/stores/NYC-1/zones/{shop['Shoes']}/stockroom",
                       data={"stockroom": "yes"}).status_code == 403
    assert not any(_stockroom(app).values())
