"""Fixtures of the texts' tests: Twilio's API stand-in, an app that sends to it, a request."""

import pytest
from twilio.request_validator import RequestValidator

from floorapp.extensions import db
from floorapp.models import HelpRequest
from tests.factories import make_sign, make_user, submit_request
from tests.sms.twilio_service import ACCOUNT_SID, AUTH_TOKEN, FROM, TwilioService

MOBILE = "+1 (201) 555-0123"  # a valid US mobile-or-fixed number; E.164 +12015550123
E164 = "+12015550123"


@pytest.fixture
def twilio():
    """Twilio's Messages API stand-in on a random loopback port."""
    with TwilioService() as service:
        yield service


@pytest.fixture
def twilio_app(make_app, twilio):
    """The app with SMS_BACKEND=twilio, pointed at the stand-in (allowed in tests only)."""
    return make_app(SMS_BACKEND="twilio", TWILIO_ACCOUNT_SID=ACCOUNT_SID,
                    TWILIO_AUTH_TOKEN=AUTH_TOKEN, TWILIO_FROM=FROM,
                    TWILIO_API_BASE_URL=twilio.base_url)


@pytest.fixture
def waiting(twilio_app):
    """A waiting request of the twilio app's store, and Maria who works there."""
    with twilio_app.app_context():
        sign = make_sign()
        maria = make_user(name="Maria Lopez", store=sign.zone.store)
        request = submit_request(sign=sign)
        return {"token": request.public_token, "id": request.id,
                "store_id": request.store_id, "maria": maria.id, "sign": sign.token}


def signed_post(client, path: str, fields: dict, *, token: str = AUTH_TOKEN, app=None):
    """POST `fields` to a webhook as Twilio does: form-encoded, with X-Twilio-Signature."""
    base = (app or client.application).config["PUBLIC_BASE_URL"]
    signature = RequestValidator(token).compute_signature(base + path, fields)
    return client.post(path, data=fields, headers={"X-Twilio-Signature": signature})


def get_request(request_id: int) -> HelpRequest:
    return db.session.get(HelpRequest, request_id, populate_existing=True)
