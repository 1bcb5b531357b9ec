"""Work hung on a response's close (web/after_response.py) runs under the real server.

The customer's code check answers first and records a size that is not here as lost
demand after the last byte: gunicorn's gevent worker must call the response's close()
for that row to exist. Both databases, through a real gunicorn.
"""

import time

from sqlalchemy import select

from floorapp import create_app
from floorapp.extensions import db
from floorapp.models import LookupMiss, LookupSource, Store
from tests.factories import make_product
from tests.gunicorn_server import Gunicorn
from tests.live.clients import request


def _stock_a_product(url: str) -> None:
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x"})
    with app.app_context():
        store = db.session.scalar(select(Store))
        make_product(style="NW100", sizes=("9", "10"), stock={store: {("9", ""): (2, 0),
                                                                      ("10", ""): (0, 0)}})
        db.engine.dispose()


def _customer_misses(url: str) -> list[tuple[str, LookupSource]]:
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x"})
    with app.app_context():
        rows = db.session.execute(select(LookupMiss.size_label, LookupMiss.source)).all()
        db.engine.dispose()
    return [tuple(row) for row in rows]


def test_a_scanned_size_not_here_is_recorded_after_the_answer(migrated_url):
    url, token = migrated_url["url"], migrated_url["token"]
    _stock_a_product(url)
    with Gunicorn(url, workers=1) as server:
        status, body, _ = request(server, "GET", f"/api/v1/signs/{token}/codes/NW100-9")
        assert status == 200 and body["looked_up"]["availability"] == "on_shelf"
        status, body, _ = request(server, "GET", f"/api/v1/signs/{token}/codes/NW100-10")
        assert status == 200 and body["looked_up"]["availability"] == "not_here"
        deadline = time.monotonic() + 5
        while not _customer_misses(url) and time.monotonic() < deadline:
            time.sleep(0.05)
    assert _customer_misses(url) == [("10", LookupSource.CUSTOMER)]
