"""The texts' pages and webhooks as a browser and Twilio meet them: CSRF, limits, languages."""

import re

from floorapp.extensions import db
from floorapp.services.texts import consent
from tests.factories import make_sign, submit_request, with_pass
from tests.sms.conftest import E164, MOBILE, signed_post


def _token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def _request(app, **fields):
    with app.app_context():
        request = submit_request(sign=make_sign(), **fields)
        return request.public_token, request.id


def test_the_status_pages_opt_in_form_needs_its_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    public_token, request_id = _request(app)
    page = client.get(f"/h/{public_token}").text
    assert "Text me when someone is on the way" in page and "Reply STOP to stop" in page
    assert client.post(f"/h/{public_token}/texts", data={"mobile": MOBILE}).status_code == 400
    answer = client.post(f"/h/{public_token}/texts",
                         data={"mobile": MOBILE, "csrf_token": _token(page)})
    assert answer.status_code == 303 and answer.location.endswith("#texts")
    with app.app_context():
        assert consent.for_request(request_id).number == E164
    assert "number ending 0123" in client.get(f"/h/{public_token}").text


def test_twilios_webhooks_need_no_csrf_token_but_a_signature(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    fields = {"From": E164, "Body": "STOP", "MessageSid": "SM1"}
    assert signed_post(client, "/sms/inbound", fields).status_code == 200
    assert client.post("/sms/inbound", data=fields).status_code == 403


def test_a_webhook_without_an_auth_token_configured_refuses_everything(make_app):
    app = make_app(TWILIO_AUTH_TOKEN="")
    client = app.test_client()
    fields = {"From": E164, "Body": "STOP"}
    assert signed_post(client, "/sms/inbound", fields, token="anything").status_code == 403


def test_the_webhooks_are_rate_limited_per_address(make_app):
    app = make_app(SMS_WEBHOOK_LIMIT="2 per minute")
    client = app.test_client()
    fields = {"MessageSid": "SMnone", "MessageStatus": "delivered"}
    codes = [signed_post(client, "/sms/status", fields).status_code for _ in range(3)]
    assert codes == [204, 204, 429]


def test_the_opt_in_reads_in_spanish(app, client):
    public_token, _ = _request(app)
    page = client.get(f"/h/{public_token}?lang=es").text
    assert "Envíenme un mensaje cuando alguien venga en camino" in page
    answer = client.post(f"/h/{public_token}/texts?lang=es", data={"mobile": "12"})
    assert answer.status_code == 400 and "no parece un número de móvil" in answer.text


def test_the_sign_page_offers_the_number_with_its_consent_wording(app, client):
    with app.app_context():
        sign_token = make_sign().token
    page = client.get(f"/s/{sign_token}").text
    assert 'type="tel"' in page
    assert "We erase the number half an hour after the request ends" in page
    fields = {"need": "find_size", "idempotency_key": "k1", "mobile": ""}
    answer = client.post(f"/s/{sign_token}", data=with_pass(client, sign_token, fields))
    assert answer.status_code == 303  # the number is optional
    with app.app_context():
        from sqlalchemy import func, select

        from floorapp.models import SmsConsent

        assert db.session.scalar(select(func.count()).select_from(SmsConsent)) == 0


def test_an_ended_request_without_texts_shows_no_texts_section(app, client):
    public_token, _ = _request(app)
    client.post(f"/h/{public_token}/cancel")
    page = client.get(f"/h/{public_token}").text
    assert 'id="texts"' not in page and 'name="mobile"' not in page
    assert client.post(f"/h/{public_token}/texts", data={"mobile": MOBILE}).status_code == 409
