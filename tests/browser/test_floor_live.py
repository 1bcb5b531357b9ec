"""A burst of requests reaches the live queue in a couple of page fetches, not one per event."""

from playwright.sync_api import expect
from sqlalchemy import select

from floorapp.demo import seed as demo
from floorapp.extensions import db
from floorapp.models import Store
from floorapp.services.help import intake
from tests.browser.conftest import PHONE, log_in
from tests.factories import make_sign

PASSWORD = "browser-demo-pw"
BURST = 8


def test_a_burst_of_requests_costs_the_queue_two_fetches_and_shows_every_one(
        live_server, new_page):
    with live_server.app.app_context():
        demo.seed_demo(seed=1, password=PASSWORD, history_days=0)
        store = db.session.scalar(select(Store).where(Store.code == "NYC-5TH"))
        token = make_sign(zone=store.zones[0]).token
    associate = new_page(PHONE)
    log_in(associate, live_server.url, "nyc.associate1", PASSWORD)
    associate.wait_for_selector("text=Live.")
    queue_path = associate.evaluate("location.pathname")
    fetches = []
    associate.on("request", lambda request: fetches.append(request.url)
                 if request.url.endswith(queue_path) and request.resource_type == "fetch" else None)

    with live_server.app.app_context():
        for number in range(BURST):  # one event each, committed back to back
            intake.submit(token, intake.parse_submission(
                {"need": "find_size", "size": f"burst {number}"}))

    for number in range(BURST):
        expect(associate.get_by_text(f"size burst {number}", exact=True)).to_be_visible()
    associate.wait_for_timeout(1500)  # a late fetch would show here
    # Two: the first event's, and one for all that came while it ran (three if a loaded
    # machine spreads the burst past the window); without coalescing it is one per event.
    assert 1 <= len(fetches) <= 3, fetches
