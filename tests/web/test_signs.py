"""The signs pages: only the store's managers, bad input answered with a message, print sheet."""

import pytest
from sqlalchemy import func, select

from floorapp.extensions import db
from floorapp.models import RetiredSignToken, Role, Sign
from floorapp.services.org import signs as signage
from tests.factories import TEST_PASSWORD, make_sign, make_store, make_user


@pytest.fixture
def stores(app):
    """NYC-1 with a manager, an associate and a sign; LA-1 with its own sign."""
    with app.app_context():
        nyc = make_store(code="NYC-1", name="Fifth Avenue", zones=("Kids", "Women's Shoes"))
        la = make_store(code="LA-1", name="The Grove", zones=("Bags",))
        make_user(login="nyc.manager", role=Role.MANAGER, store=nyc)
        make_user(login="nyc.associate", store=nyc)
        make_user(login="boss", role=Role.ADMIN)
        return {"zone": nyc.zones[1].id, "sign": make_sign(zone=nyc.zones[1], label="Mirrors").id,
                "la_zone": la.zones[0].id, "la_sign": make_sign(zone=la.zones[0]).id}


def _signs() -> int:
    return db.session.scalar(select(func.count()).select_from(Sign))


def test_the_settings_page_links_to_the_signs(client, auth, stores):
    auth.login("nyc.manager")
    assert "/stores/NYC-1/signs" in client.get("/stores/NYC-1/settings").text


def test_a_manager_sees_signs_by_zone_and_adds_one(app, client, auth, stores):
    auth.login("nyc.manager")
    page = client.get("/stores/NYC-1/signs")
    assert page.status_code == 200
    assert "Women&#39;s Shoes" in page.text and "Mirrors" in page.text
    response = client.post("/stores/NYC-1/signs", data={"zone_id": stores["zone"],
                                                         "label": "By the stairs"})
    assert response.status_code == 302
    assert "By the stairs" in client.get(response.headers["Location"]).text
    with app.app_context():
        assert _signs() == 3


@pytest.mark.parametrize(("form", "status", "message"), [
    ({"zone_id": "abc"}, 400, "Choose a zone"),
    ({"zone_id": "LA"}, 404, "No zone with that number"),
    ({"zone_id": "OWN", "label": "y" * 200}, 400, "at most 80 characters"),
    ({"zone_id": "OWN", "label": "  "}, 400, "only spaces"),
])
def test_bad_sign_forms_get_a_message_and_write_nothing(app, client, auth, stores,
                                                        form, status, message):
    auth.login("nyc.manager")
    form = {**form, "zone_id": {"LA": stores["la_zone"], "OWN": stores["zone"]}.get(
        form["zone_id"], form["zone_id"])}
    response = client.post("/stores/NYC-1/signs", data=form)
    assert response.status_code == status
    assert message in response.text
    with app.app_context():
        assert _signs() == 2


def test_rotating_from_the_page_retires_the_printed_code(app, client, auth, stores):
    auth.login("nyc.manager")
    with app.app_context():
        old = db.session.get(Sign, stores["sign"]).token
    response = client.post(f"/stores/NYC-1/signs/{stores['sign']}/rotate")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Sign, stores["sign"]).token != old
        assert db.session.scalar(select(RetiredSignToken.token)) == old


def test_deactivating_twice_is_a_conflict_with_a_message(client, auth, stores):
    auth.login("nyc.manager")
    assert client.post(f"/stores/NYC-1/signs/{stores['sign']}/deactivate").status_code == 302
    again = client.post(f"/stores/NYC-1/signs/{stores['sign']}/deactivate")
    assert again.status_code == 409 and "deactivated already" in again.text


def test_another_stores_sign_or_nonsense_ids_are_refused(app, client, auth, stores):
    auth.login("nyc.manager")
    assert client.post(f"/stores/NYC-1/signs/{stores['la_sign']}/rotate").status_code == 404
    assert client.post("/stores/NYC-1/signs/x%00y/deactivate").status_code == 400
    assert client.post("/stores/NYC-1/signs/99999999999999/rotate").status_code == 400
    assert client.get("/stores/LA-1/signs").status_code == 404
    assert client.get("/stores/NYC-1/signs/print?sign=nope").status_code == 400
    with app.app_context():
        assert db.session.get(Sign, stores["la_sign"]).active
        assert db.session.scalar(select(func.count()).select_from(RetiredSignToken)) == 0


def test_associates_cannot_open_or_change_signs(client, auth, stores):
    auth.login("nyc.associate")
    assert client.get("/stores/NYC-1/signs").status_code == 403
    assert client.get("/stores/NYC-1/signs/print").status_code == 403
    assert client.post("/stores/NYC-1/signs", data={"zone_id": stores["zone"]}).status_code == 403
    assert client.post(f"/stores/NYC-1/signs/{stores['sign']}/rotate").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, stores):
    response = client.get("/stores/NYC-1/signs/print")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_print_sheet_has_a_qr_code_and_both_languages_per_sign(app, client, auth, stores):
    auth.login("boss")
    with app.app_context():
        token = db.session.get(Sign, stores["sign"]).token
    page = client.get("/stores/NYC-1/signs/print")
    assert page.status_code == 200
    assert page.text.count("<svg") == 1
    assert "Scan for help" in page.text and "Escanee para pedir ayuda" in page.text
    assert f"http://127.0.0.1:8000/s/{token}" in page.text
    assert "Fifth Avenue" in page.text and "Women&#39;s Shoes" in page.text
    assert "style=" not in page.text and "onclick" not in page.text
    one = client.get(f"/stores/NYC-1/signs/print?sign={stores['sign']}")
    assert one.text.count("<svg") == 1


def test_the_print_sheet_names_the_configured_base_url_whatever_the_host_header(
        make_app, stores):
    app = make_app(PUBLIC_BASE_URL="https://help.shoes.example")
    client = app.test_client()
    evil = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}
    client.post("/login", data={"login": "boss", "password": TEST_PASSWORD}, headers=evil)
    with app.app_context():
        sign = db.session.get(Sign, stores["sign"])
        token, zone = sign.token, sign.zone.name
    page = client.get("/stores/NYC-1/signs/print", headers=evil)
    assert page.status_code == 200
    assert "evil.example" not in page.text
    expected = f"https://help.shoes.example/s/{token}"
    assert f'<p class="sheet-url">{expected}</p>' in page.text
    qr = signage.qr_svg(expected, title=f"QR code for help in {zone}")
    assert qr in page.text  # the code encodes the same URL
