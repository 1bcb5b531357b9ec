"""Two worker processes write to one SQLite file at once (a single host with 2 workers).

Each process queues its writers on an advisory file lock beside the database
(floorapp/extensions.py) rather than on SQLite's busy handler, which sleeps inside C
for up to 100 ms at a time and would stall a whole gevent worker. Nothing may be
lost or refused: every submission commits with exactly one event.
"""

import multiprocessing
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, update

from floorapp import create_app
from floorapp.demo.history import generate_history
from floorapp.demo.history_scale import ensure_bench_stores
from floorapp.demo.scale_catalog import scale_catalog
from floorapp.demo.seed import seed_demo
from floorapp.extensions import db
from floorapp.models import Event, HelpRequest, Role, Store, User
from floorapp.services.core import idempotency, maintenance
from floorapp.services.core.transactions import is_sqlite_writer
from floorapp.services.help import intake
from floorapp.services.inventory import catalog_import, stock
from floorapp.services.inventory.catalog_write import make_upc
from floorapp.services.org import sessions, signs, stores, tokens, users
from tests.factories import TEST_PASSWORD, make_sign, make_store, make_user

PROCESSES = 2
SUBMISSIONS = 150


def _submit_many(url: str, token: str, start, results) -> None:
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "test-secret-key", "TESTING": True})
    start.wait()
    made = 0
    with app.app_context():
        for _ in range(SUBMISSIONS):
            submission = intake.parse_submission({"need": "find_size"})
            _submitted, created = intake.submit(token, submission)
            made += created
        db.engine.dispose()
    results.put(made)


def test_two_processes_submitting_at_once_on_sqlite_lose_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "test-secret-key", "TESTING": True})
    with app.app_context():
        db.create_all()
        token = make_sign().token
        db.engine.dispose()
    spawn = multiprocessing.get_context("spawn")
    start, results = spawn.Event(), spawn.Queue()
    workers = [spawn.Process(target=_submit_many, args=(url, token, start, results))
               for _ in range(PROCESSES)]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0] * PROCESSES
    assert sum(results.get(timeout=5) for _ in workers) == PROCESSES * SUBMISSIONS
    with app.app_context():
        requests = db.session.scalar(select(func.count()).select_from(HelpRequest))
        events = db.session.scalar(select(func.count(func.distinct(Event.request_id))))
    assert requests == events == PROCESSES * SUBMISSIONS
    assert Path(f"{tmp_path / 'shared.sqlite3'}.writer").exists()  # the lock really was used


# Every other service write, each called the way a request or the tick calls it: after
# the transaction has read (its SQLite snapshot is taken) and another worker has
# committed since. A write that upgrades that snapshot fails at once with "database is
# locked"; one that opened its transaction as the writer (`writes`) just waits its turn.

def _world() -> SimpleNamespace:
    sign = make_sign()
    store = sign.zone.store
    manager = make_user(role=Role.MANAGER, store=store)
    associate = make_user(store=store)
    token = sessions.start_session(associate, address="", user_agent="")
    return SimpleNamespace(store=store, sign=sign, manager=manager, associate=associate,
                           token=token, bystander=make_store().id)


def _read_then_another_worker_commits(world: SimpleNamespace) -> None:
    db.session.scalar(select(func.count(User.id)))  # this request's snapshot
    with db.engine.begin() as other:
        other.execute(update(Store).where(Store.id == world.bystander)
                      .values(name=f"Elsewhere {secrets.token_hex(3)}"))


def _touch_session(w):
    later = datetime.now(UTC) + timedelta(minutes=2)
    session_id = f"{w.associate.id}.{w.associate.session_version}"
    return sessions.load_session_user(session_id, w.token, idle=timedelta(minutes=30),
                                      now=later)


CSV = ("style,brand,name,color,price,department,sku,upc,size,width,store,floor,stockroom,bin\n"
       f"W1,Vela,Glide Flat,Navy,89.99,Women's Shoes,W1-8M,{make_upc(1)},8,M,,1,2,A-1\n")
WRITES = {
    "authenticate": lambda w: users.authenticate(w.associate.login, TEST_PASSWORD),
    "create_user": lambda w: users.create_user(
        login="newcomer", name="New Comer", password="long-enough-pw", role="associate",
        store_code=w.store.code),
    "set_role": lambda w: users.set_role(w.associate.login, "manager"),
    "deactivate": lambda w: users.deactivate(w.associate.login),
    "start_session": lambda w: sessions.start_session(w.associate, address="", user_agent=""),
    "end_session": lambda w: sessions.end_session(w.token) or True,
    "refresh_session": _touch_session,
    "create_token": lambda w: tokens.create_token(name="till", store=w.store,
                                                  scopes=["catalog:read"], created_by=w.manager),
    "create_store": lambda w: stores.create_store(code="NEWS", name="New", timezone="UTC"),
    "update_store": lambda w: stores.update_store(w.store, name="Renamed", timezone="UTC",
                                                  acknowledge_target_s=60, reach_target_s=180),
    "add_zone": lambda w: stores.add_zone(w.store, "Boots"),
    "create_sign": lambda w: signs.create_sign(w.manager, w.store, zone_id=w.sign.zone_id),
    "rotate_sign": lambda w: signs.rotate_sign(w.manager, w.store, w.sign.id),
    "deactivate_sign": lambda w: signs.deactivate_sign(w.manager, w.store, w.sign.id),
    "purge_expired_holds": lambda w: stock.purge_expired_holds() + 1,
    "purge_idempotency": lambda w: idempotency.purge(datetime.now(UTC)) + 1,
    "maintenance_purge": lambda w: maintenance.purge(retention_days=30,
                                                     session_idle=timedelta(minutes=30)),
    "import_csv": lambda w: catalog_import.import_csv(CSV, dry_run=False, actor=None,
                                                     default_store=w.store),
    "generate_history": lambda w: generate_history(w.store, days=1, seed=1),
    "ensure_bench_stores": lambda w: ensure_bench_stores(1, "unused-hash") + 1,
    "scale_catalog": lambda w: scale_catalog(styles=2, seed=1, store_count=1),
    "seed_demo": lambda w: seed_demo(seed=1, password="floor-demo-pw", history_days=0) or True,
}


@pytest.mark.parametrize("name", WRITES)
def test_a_service_write_after_another_worker_committed_waits_instead_of_failing(app, name):
    with app.app_context():
        world = _world()
        _read_then_another_worker_commits(world)
        assert WRITES[name](world)
        db.session.rollback()
        assert not is_sqlite_writer()  # and the writer lock is free again
