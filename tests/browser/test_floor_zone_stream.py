"""The floor page follows its associate's zone stream, and a new zone when they change it."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from floorapp.demo import seed as demo
from floorapp.extensions import db
from floorapp.models import Store, User
from floorapp.services.help import availability, intake, moves
from tests.browser.conftest import PHONE, log_in
from tests.factories import make_sign, make_submission

PASSWORD = "browser-demo-pw"


def test_the_floor_page_streams_its_zone_and_follows_a_change_of_zone(live_server, new_page):
    app = live_server.app
    with app.app_context():
        demo.seed_demo(seed=1, password=PASSWORD, history_days=0)
        store = db.session.scalar(select(Store).where(Store.code == "NYC-5TH"))
        store_id, first, second = store.id, store.zones[0].id, store.zones[1].id
        token = make_sign(zone=store.zones[1]).token
        me = db.session.scalar(select(User).where(User.login == "nyc.associate1"))
        availability.set_availability(me, "on_floor", first)
    associate = new_page(PHONE)
    streams = []
    associate.on("request", lambda r: streams.append(r.url)
                 if r.resource_type == "eventsource" else None)
    log_in(associate, live_server.url, "nyc.associate1", PASSWORD)
    associate.wait_for_selector("text=Live.")
    assert re.search(rf"/events\?zone={first}&last_event_id=\d+$", streams[-1]), streams
    with app.app_context():  # covering the other zone now (as from another tab)
        me = db.session.scalar(select(User).where(User.login == "nyc.associate1"))
        availability.set_availability(me, "on_floor", second)
    expect(associate.locator("#floor")).to_have_attribute(
        "data-events", re.compile(rf"zone={second}$"), timeout=10000)
    for _ in range(50):  # the page closed its stream and opened the new zone's
        if any(f"zone={second}&" in url for url in streams):
            break
        associate.wait_for_timeout(200)
    assert re.search(rf"/events\?zone={second}&last_event_id=\d+$", streams[-1]), streams
    with app.app_context():  # a request of the new zone, then a colleague's claim, arrive live
        submitted, _ = intake.submit(token, make_submission(need="checkout", note="zone two"))
        colleague = db.session.scalar(select(User).where(User.login == "nyc.associate2"))
        associate.wait_for_selector("text=zone two", timeout=10000)
        moves.claim(store_id, submitted.id, colleague)
    expect(associate.locator(f"#request-{submitted.id}")).to_contain_text(
        "is on the way", timeout=10000)
