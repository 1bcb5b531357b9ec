"""The live tests' database: migrated to head, with a sign and an associate, on both backends."""

import flask_migrate
import pytest

from floorapp import create_app
from floorapp.extensions import db
from floorapp.models import Availability
from tests import databases
from tests.factories import make_sign, make_user

PASSWORD = "correct-horse-battery"


@pytest.fixture(params=("sqlite", "postgresql"))
def migrated_url(request, tmp_path):
    """A database migrated to head, with a sign and an associate."""
    with databases.fresh_database(request.param, tmp_path / "live.sqlite3") as url:
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x"})
        with app.app_context():
            flask_migrate.upgrade()
            sign = make_sign()
            make_user(login="maria", name="Maria Lopez", store=sign.zone.store).availability = \
                Availability.ON_FLOOR
            db.session.commit()
            seeded = {"url": url, "token": sign.token, "code": sign.zone.store.code}
            db.engine.dispose()
        yield seeded
