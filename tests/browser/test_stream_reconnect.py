"""The floor page keeps its live queue across the server ending streams, and leaves for the
login page once its session has ended (a refused reconnect closes EventSource for good)."""

import pytest
import requests
from sqlalchemy import select

from floorapp.demo import seed as demo
from floorapp.extensions import db
from floorapp.models import Store
from floorapp.services.org import users
from tests.browser.conftest import PHONE, log_in
from tests.factories import make_sign, sign_pass

PASSWORD = "browser-demo-pw"


@pytest.fixture
def shop(live_server):
    live_server.app.config.update(STREAM_MAX_S=1.5, STREAM_SESSION_CHECK_S=0.3,
                                  STREAM_LEASE_RENEW_S=0.3)
    with live_server.app.app_context():
        demo.seed_demo(seed=1, password=PASSWORD, history_days=0)
        store = db.session.scalar(select(Store).where(Store.code == "NYC-5TH"))
        sign = make_sign(zone=store.zones[0])
        db.session.commit()
        return {"url": live_server.url, "token": sign.token, "app": live_server.app}


def test_a_request_arrives_live_after_the_server_ended_the_floor_stream(shop, new_page):
    associate = new_page(PHONE)
    log_in(associate, shop["url"], "nyc.associate1", PASSWORD)
    associate.wait_for_selector("text=Live.")
    associate.wait_for_timeout(4000)  # the stream ended (1.5 s life) and resumed, twice
    answer = requests.post(f"{shop['url']}/api/v1/signs/{shop['token']}/help-requests",
                           data={"need": "find_size", "size": "11 narrow",
                                 "sign_pass": sign_pass(shop["url"], shop["token"])},
                           timeout=10)
    assert answer.status_code == 201, answer.text
    associate.wait_for_selector("text=size 11 narrow", timeout=10000)  # without a reload


def test_the_floor_page_goes_to_the_login_page_once_its_session_has_ended(shop, new_page):
    associate = new_page(PHONE)
    log_in(associate, shop["url"], "nyc.associate1", PASSWORD)
    associate.wait_for_selector("text=Live.")
    with shop["app"].app_context():
        users.deactivate("nyc.associate1")
    associate.wait_for_url("**/login**", timeout=15000)
