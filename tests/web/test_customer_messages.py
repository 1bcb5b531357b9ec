"""The status page's thread without JavaScript: a form post, then the page with the thread."""

import io

import pytest
from sqlalchemy import func, select

from floorapp.extensions import db
from floorapp.models import RequestMessage
from floorapp.services.conversation import thread
from floorapp.services.help import moves
from tests.factories import make_sign, make_user, submit_request
from tests.photo_files import TEXT_AS_JPEG, jpeg_with_gps


@pytest.fixture
def request_page(app):
    with app.app_context():
        sign = make_sign()
        maria = make_user(name="Maria Lopez", store=sign.zone.store)
        request = submit_request(sign=sign)
        return {"token": request.public_token, "id": request.id, "store_id": request.store_id,
                "maria": maria.id}


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(RequestMessage))


def test_a_form_post_lands_on_the_page_with_the_thread_escaped(app, client, request_page):
    url = f"/h/{request_page['token']}/messages"
    answer = client.post(url, data={"body": "<script>alert(1)</script> see http://x.example",
                                    "idempotency_key": "k1"})
    assert answer.status_code == 303 and answer.headers["Location"].endswith("#thread")
    page = client.get(f"/h/{request_page['token']}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; see http://x.example" in page
    assert "<script>alert(1)" not in page and 'href="http://x.example' not in page
    again = client.post(url, data={"body": "<script>alert(1)</script> see http://x.example",
                                   "idempotency_key": "k1"})  # the back button, resent
    assert again.status_code == 303 and _count(app) == 1


def test_a_quick_reply_reaches_a_spanish_customer_in_spanish(app, client, request_page):
    with app.app_context():
        from floorapp.models import User

        maria = db.session.get(User, request_page["maria"])
        moves.claim(request_page["store_id"], request_page["id"], maria)
        thread.post_as_staff(maria, request_page["id"], "On my way")
        thread.post_as_staff(maria, request_page["id"], "Blue or black?")
    page = client.get(f"/h/{request_page['token']}?lang=es").text
    assert "Mensajes" in page and "Maria" in page and "Voy para allá" in page
    assert "Blue or black?" in page  # free text stays as typed
    assert "Voy para allá" not in client.get(f"/h/{request_page['token']}?lang=en").text


def test_the_associate_sees_the_thread_and_answers_with_a_quick_reply_without_js(
        app, client, auth, request_page):
    with app.app_context():
        from floorapp.models import Store, User

        maria = db.session.get(User, request_page["maria"])
        code = db.session.get(Store, request_page["store_id"]).code
        moves.claim(request_page["store_id"], request_page["id"], maria)
        thread.post_as_customer(request_page["token"], "<i>by the mirrors</i>")
        login = maria.login
    auth.login(login)
    page = client.get(f"/stores/{code}/floor").text
    assert "&lt;i&gt;by the mirrors&lt;/i&gt;" in page and "Bringing your size" in page
    answer = client.post(f"/stores/{code}/floor/requests/{request_page['id']}/messages",
                         data={"body": "Bringing your size", "idempotency_key": "q1"})
    assert answer.status_code == 303
    assert "Maria:</span> <span class=\"body\">Bringing your size" in client.get(
        f"/stores/{code}/floor").text
    assert _count(app) == 2


def test_a_photo_from_the_form_shows_in_the_thread(app, client, request_page):
    answer = client.post(f"/h/{request_page['token']}/messages", data={
        "body": "", "photo": (io.BytesIO(jpeg_with_gps((400, 300))), "IMG_1.JPG")})
    assert answer.status_code == 303
    page = client.get(f"/h/{request_page['token']}").text
    assert f"/api/v1/help-requests/{request_page['token']}/photos/" in page


@pytest.mark.parametrize("data,shown", [
    ({"body": "x" * 501}, "up to 500 characters"), ({"body": "  "}, "Please write a message"),
    ({"body": "hi", "photo": TEXT_AS_JPEG}, "could not be read")])
def test_a_refused_post_shows_the_page_again_with_a_message(app, client, request_page,
                                                             data, shown):
    if "photo" in data:  # a fresh file each time: the client closes what it sent
        data = {**data, "photo": (io.BytesIO(data["photo"]), "a.jpg")}
    answer = client.post(f"/h/{request_page['token']}/messages", data=data)
    assert answer.status_code == 400 and shown in answer.text
    assert 'role="alert"' in answer.text and _count(app) == 0


def test_the_thread_shows_the_stores_wall_clock(app, client, request_page):
    from datetime import UTC, datetime

    with app.app_context():
        from floorapp.models import Store

        store = db.session.get(Store, request_page["store_id"])
        store.timezone = "America/New_York"
        db.session.commit()
        thread.post_as_customer(request_page["token"], "hello",
                                now=datetime(2026, 12, 3, 17, 5, tzinfo=UTC))
    assert ">12:05</time>" in client.get(f"/h/{request_page['token']}").text


def test_without_javascript_the_refreshing_page_links_to_a_page_to_write_on(client,
                                                                            request_page):
    token = request_page["token"]
    status = client.get(f"/h/{token}").text
    assert '<meta http-equiv="refresh" content="15">' in status
    assert f'href="/h/{token}/write#message-body"' in status  # inside <noscript>
    assert 'class="needs-js"' in status  # the forms there need the live page
    writing = client.get(f"/h/{token}/write").text
    assert 'http-equiv="refresh"' not in writing and 'class="needs-js"' not in writing
    assert 'name="body"' in writing and "autofocus" in writing
    refused = client.post(f"/h/{token}/messages", data={"body": "x" * 600})
    assert refused.status_code == 400 and 'http-equiv="refresh"' not in refused.text
    assert "x" * 500 in refused.text  # what was typed is still there to fix
