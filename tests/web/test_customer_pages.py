"""The customer's pages: the sign's form without JavaScript, the status page, languages, limits."""

import gzip
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from floorapp.extensions import db
from floorapp.models import Feedback, HelpRequest, RetiredSignToken, Status
from floorapp.services.help import moves
from tests.factories import make_sign, make_user, with_pass

STATIC = Path(__file__).resolve().parents[2] / "static"


@pytest.fixture
def sign_token(app):
    with app.app_context():
        return make_sign().token


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(HelpRequest))


def _submit(client, token, **fields):
    data = {"need": "find_size", "idempotency_key": "key-1", **fields}
    return client.post(f"/s/{token}", data=with_pass(client, token, data))


def test_the_sign_page_names_the_zone_and_offers_every_need(client, sign_token):
    page = client.get(f"/s/{sign_token}").get_data(as_text=True)
    assert "Shoes" in page and "Test Store" in page
    assert page.count('type="radio" name="need"') == 5
    assert 'name="idempotency_key"' in page
    # One small deferred script of our own (the product suggestions); nothing inline.
    assert re.findall(r"<script[^>]*>", page) == [
        '<script type="module" src="/static/js/customer-product.js">']


def test_the_page_its_stylesheet_and_its_script_fit_in_14_kb_compressed(client, sign_token):
    page = client.get(f"/s/{sign_token}").get_data()
    css = (STATIC / "css" / "customer.css").read_bytes()
    script = (STATIC / "js" / "customer-product.js").read_bytes()
    assert (len(gzip.compress(page)) + len(gzip.compress(css))
            + len(gzip.compress(script))) <= 14 * 1024
    assert not re.search(rb'(src|href)="(https?:)?//', page)  # nothing from another origin


def test_a_plain_form_post_creates_one_request_and_lands_on_its_status(app, client, sign_token):
    response = _submit(client, sign_token, size="9 wide", note="by the mirrors")
    assert response.status_code == 303 and response.location.startswith("/h/")
    assert _submit(client, sign_token, size="9 wide", note="by the mirrors").location == \
        response.location  # a resent form is the same request
    assert _count(app) == 1
    page = client.get(response.location).get_data(as_text=True)
    assert "You are number 1 in line." in page
    assert 'http-equiv="refresh"' in page and "I don't need help any more" in page


def test_a_form_without_a_need_is_shown_again_with_a_message(app, client, sign_token):
    response = _submit(client, sign_token, need="", note="blue jacket")
    assert response.status_code == 400
    assert "Please choose what you need help with." in response.get_data(as_text=True)
    assert "blue jacket" in response.get_data(as_text=True)
    assert _count(app) == 0


def test_a_retired_sign_gets_a_friendly_410_page(app, client):
    with app.app_context():
        sign = make_sign()
        db.session.add(RetiredSignToken(token="printed-last-year", sign_id=sign.id))
        db.session.commit()
    for method in (client.get, client.post):
        response = method("/s/printed-last-year")
        assert response.status_code == 410
        assert "This code is no longer in use" in response.get_data(as_text=True)
    assert client.get("/s/never-issued").status_code == 404


def test_spanish_comes_from_the_phone_and_the_switch_link_sticks(client, sign_token):
    page = client.get(f"/s/{sign_token}", headers={"Accept-Language": "es-MX,es;q=0.9"})
    assert "¿Qué necesita?" in page.get_data(as_text=True)
    assert 'lang="es"' in page.get_data(as_text=True)
    english = client.get(f"/s/{sign_token}?lang=en", headers={"Accept-Language": "es"})
    assert "What do you need?" in english.get_data(as_text=True)
    later = client.get(f"/s/{sign_token}", headers={"Accept-Language": "es"})
    assert "What do you need?" in later.get_data(as_text=True)  # the cookie remembers


def test_the_status_page_is_in_the_language_the_request_was_made_in(client, sign_token):
    response = client.post(f"/s/{sign_token}",
                           data=with_pass(client, sign_token, {"need": "other"}),
                           headers={"Accept-Language": "es"})
    page = client.get(response.location).get_data(as_text=True)
    assert "Usted es el número 1 en la fila." in page


def test_the_status_follows_the_associate_and_ends_with_a_rating(app, client, sign_token):
    location = _submit(client, sign_token).location
    token = location.rsplit("/", 1)[1]
    with app.app_context():
        help_request = db.session.scalar(select(HelpRequest))
        maria = make_user(name="Maria Lopez", store=help_request.store)
        moves.claim(help_request.store_id, help_request.id, maria)
        assert "Maria is on the way" in client.get(location).get_data(as_text=True)
        moves.arrive(help_request.store_id, help_request.id, maria)
        assert "Maria is with you" in client.get(location).get_data(as_text=True)
        moves.resolve(help_request.store_id, help_request.id, maria, "helped")
    page = client.get(location).get_data(as_text=True)
    assert 'name="rating" value="5"' in page and "http-equiv" not in page
    client.post(f"/h/{token}/rating", data={"rating": "5", "comment": "Great"})
    assert "Thanks for your rating!" in client.get(location).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Feedback.rating)) == 5


def test_the_customer_cancels_from_the_status_page(app, client, sign_token):
    location = _submit(client, sign_token).location
    client.post(location + "/cancel")
    assert "Request cancelled" in client.get(location).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(HelpRequest.status)) is Status.CANCELLED


def test_an_unknown_status_link_is_not_found(client):
    assert client.get("/h/not-a-real-token").status_code == 404


def test_the_public_form_needs_its_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        token = make_sign().token
    client = app.test_client()
    assert client.post(f"/s/{token}",
                       data=with_pass(client, token, {"need": "other"})).status_code == 400
    page = client.get(f"/s/{token}").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    sent = client.post(f"/s/{token}",
                       data=with_pass(client, token, {"need": "other", "csrf_token": csrf}))
    assert sent.status_code == 303


def test_a_flood_from_one_address_gets_the_friendly_429_page(make_app):
    app = make_app(SUBMIT_LIMIT_PER_ADDRESS="3 per minute")
    with app.app_context():
        token = make_sign().token

    def post(n):  # a new browser each time: one browser's second post is its open request
        browser = app.test_client()
        return browser.post(f"/s/{token}", data=with_pass(
            browser, token, {"need": "other", "idempotency_key": str(n)}))

    assert [post(n).status_code for n in range(4)] == [303, 303, 303, 429]
    assert "One moment, please" in post(5).get_data(as_text=True)
    assert app.test_client().get(f"/s/{token}").status_code == 200  # reading is not limited
    assert _count(app) == 3


def test_one_address_at_one_sign_spends_only_its_own_budget(make_app):
    app = make_app(SUBMIT_LIMIT_PER_ADDRESS_PER_SIGN="2 per minute")
    with app.app_context():
        token, other = make_sign().token, make_sign().token

    def post(sign, address="10.0.0.1"):
        browser = app.test_client()
        return browser.post(f"/s/{sign}", data=with_pass(browser, sign, {"need": "other"}),
                            environ_base={"REMOTE_ADDR": address}).status_code

    assert [post(token) for _ in range(3)] == [303, 303, 429]
    assert post(other) == 303  # the same address at another sign
    assert post(token, "10.0.0.2") == 303  # another customer at the same sign: not locked


def test_a_form_sent_again_with_other_answers_asks_to_check_and_send_again(app, client,
                                                                            sign_token):
    assert _submit(client, sign_token, need="checkout").status_code == 303
    again = _submit(client, sign_token, need="fitting_room")  # the back button, then a change
    assert again.status_code == 400
    page = again.get_data(as_text=True)
    assert "already sent with other answers" in page and 'value="key-1"' not in page
    fresh_key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    assert _submit(client, sign_token, need="fitting_room",
                   idempotency_key=fresh_key).status_code == 303
    assert _count(app) == 1  # this browser has its request open: it goes back to it


def test_unprintable_input_is_a_clear_4xx_on_every_database(app, client, sign_token):
    # a NUL in the address is refused before any handler (floorapp/web/wire.py)
    for path in ("/s/bad%00token", "/h/bad%00token", "/api/v1/help-requests/bad%00token"):
        response = client.get(path)
        assert response.status_code == 400, path
        assert "NUL character" in response.text
    response = _submit(client, sign_token, note="nul\x00byte")
    assert response.status_code == 400
    assert _count(app) == 0
