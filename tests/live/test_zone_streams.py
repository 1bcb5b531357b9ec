"""A zone's store stream, filtered on the server, through a real gunicorn on both databases.

With `?zone=` the stream sends that zone's request events, every zone's arrivals and
escalations (the page alerts for a zone nobody covers), and availability; it drops the
other zones' later moves. The floor page asks for its associate's zone.
"""

import re

from sqlalchemy import select

from floorapp import create_app
from floorapp.extensions import db
from floorapp.models import Availability, Sign, Store, User, Zone
from floorapp.services.help import moves
from tests.factories import make_sign, make_store, submit_request
from tests.gunicorn_server import Gunicorn
from tests.live.clients import EventStream, log_in, request

PASSWORD = "correct-horse-battery"


def _app(url):
    return create_app({"DATABASE_URL": url, "SECRET_KEY": "x"})


def _seed(url) -> dict:
    """Add a second zone (with a sign) and another store; put Maria on the first zone."""
    app = _app(url)
    with app.app_context():
        store = db.session.scalar(select(Store))
        shoes = next(zone for zone in store.zones if zone.name == "Shoes")
        denim = Zone(store=store, name="Denim")
        db.session.add(denim)
        db.session.commit()
        make_sign(zone=denim)
        maria = db.session.scalar(select(User).where(User.login == "maria"))
        maria.availability, maria.availability_zone_id = Availability.ON_FLOOR, shoes.id
        db.session.commit()
        elsewhere = make_store(zones=("Shoes",)).zones[0].id
        seeded = {"shoes": shoes.id, "denim": denim.id, "elsewhere": elsewhere}
        db.engine.dispose()
    return seeded


def _act(url, steps) -> list[tuple[str, int]]:
    """Submit and claim in-process (the server's listener sees the commits); return the
    (zone name, request id) of each submission."""
    app = _app(url)
    done = []
    with app.app_context():
        maria = db.session.scalar(select(User).where(User.login == "maria"))
        signs = {zone.name: zone for zone in db.session.scalars(
            select(Zone).where(Zone.store_id == maria.home_store_id))}
        for step, zone_name in steps:
            if step == "submit":
                sign = db.session.scalar(select(Sign).where(Sign.zone_id == signs[zone_name].id))
                done.append((zone_name, submit_request(sign=sign).id))
            else:
                request_id = next(r for z, r in reversed(done) if z == zone_name)
                moves.claim(maria.home_store_id, request_id, maria)
        db.engine.dispose()
    return done


def _kinds(stream, count) -> list[tuple[str, int | None]]:
    return [(e["kind"], e["request_id"]) for e in (stream.next_event() for _ in range(count))]


def test_a_zone_stream_drops_the_other_zones_moves_live_and_on_resume(migrated_url):
    url, code = migrated_url["url"], migrated_url["code"]
    zones = _seed(url)
    with Gunicorn(url, workers=2) as server:
        cookie = log_in(server, "maria", PASSWORD)
        _, page, _ = request(server, "GET", f"/stores/{code}/floor", headers={"Cookie": cookie})
        assert f'data-events="/api/v1/stores/{code}/events?zone={zones["shoes"]}"' in page
        mine = EventStream(server, f"/api/v1/stores/{code}/events?zone={zones['shoes']}",
                           cookie=cookie)
        everything = EventStream(server, f"/api/v1/stores/{code}/events", cookie=cookie)
        for stream in (mine, everything):
            stream.wait_connected()
        (_, denim_id), (_, shoes_id) = _act(url, [("submit", "Denim"), ("claim", "Denim"),
                                                  ("submit", "Shoes"), ("claim", "Shoes")])
        assert _kinds(everything, 5) == [("requested", denim_id), ("claimed", denim_id),
                                         ("availability", None), ("requested", shoes_id),
                                         ("claimed", shoes_id)]
        assert _kinds(mine, 4) == [("requested", denim_id), ("availability", None),
                                   ("requested", shoes_id), ("claimed", shoes_id)]
        resumed = EventStream(server, f"/api/v1/stores/{code}/events?zone={zones['shoes']}",
                              cookie=cookie, last_event_id=0)  # the catch-up filters too
        caught = _kinds(resumed, 4)
        assert ("claimed", denim_id) not in caught and caught[-1] == ("claimed", shoes_id)
        for stream in (mine, everything, resumed):
            stream.close()


def test_a_zone_that_is_not_this_stores_is_refused_with_400(migrated_url):
    url, code = migrated_url["url"], migrated_url["code"]
    zones = _seed(url)
    with Gunicorn(url, workers=1) as server:
        cookie = log_in(server, "maria", PASSWORD)
        for zone in (zones["elsewhere"], "abc", "0", "99999"):
            status, body, _ = request(server, "GET", f"/api/v1/stores/{code}/events?zone={zone}",
                                      headers={"Cookie": cookie})
            assert status == 400, (zone, status)
            assert body["error"]["code"] == "invalid_zone"
            assert re.search("this store's zones", body["error"]["message"])
