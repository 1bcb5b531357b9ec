"""Going on break in Chromium: the handheld's form and the live board's coverage, axe-clean."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from floorapp.demo import seed as demo
from floorapp.extensions import db
from floorapp.models import Break, HelpRequest, Status, Store, User
from floorapp.services.help import availability, moves
from tests.browser.conftest import DESKTOP, PHONE, check_page, log_in
from tests.factories import make_sign, submit_request

PASSWORD = "browser-demo-pw"
FLOOR = "/stores/NYC-5TH/floor"


def _person(login):
    return db.session.scalar(select(User).where(User.login == login))


@pytest.fixture
def away_store(live_server):
    """The demo store: associate1 holds a request, associate2 covers, associate3 is on break."""
    with live_server.app.app_context():
        demo.seed_demo(seed=1, password=PASSWORD, history_days=0)
        store = db.session.scalar(select(Store).where(Store.code == "NYC-5TH"))
        shoes, other = store.zones[0], store.zones[1]
        one, two, three = (_person(f"nyc.associate{n}") for n in (1, 2, 3))
        availability.set_availability(one, "on_floor", shoes.id)
        availability.set_availability(two, "on_floor", other.id)
        availability.set_availability(three, "on_floor", shoes.id)
        availability.set_availability(three, "on_break", until="30", backup_id=two.id)
        held = submit_request(sign=make_sign(zone=shoes))
        moves.claim(store.id, held.id, one)
        submit_request(sign=make_sign(zone=store.zones[2]))  # a zone nobody covers
        live_server.held_id = held.id
    return live_server


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_going_away_form_and_the_coverage_board_are_axe_clean(away_store, new_page,
                                                                  viewport):
    width = viewport["width"]
    associate = new_page(viewport)
    log_in(associate, away_store.url, "nyc.associate1", PASSWORD)
    check_page(associate, away_store.url + FLOOR, f"going-away-held-{width}")
    covering = new_page(viewport)
    log_in(covering, away_store.url, "nyc.associate2", PASSWORD)
    check_page(covering, away_store.url + FLOOR, f"going-away-backup-{width}")
    expect(covering.get_by_text("their new requests come to you first")).to_be_visible()
    manager = new_page(viewport)
    log_in(manager, away_store.url, "nyc.manager", PASSWORD)
    check_page(manager, away_store.url + "/stores/NYC-5TH/board", f"board-coverage-{width}")
    expect(manager.get_by_text("Nobody covers it").first).to_be_visible()


def test_going_on_break_puts_the_held_request_back_and_shows_the_return(away_store, new_page):
    page = new_page(PHONE)
    log_in(page, away_store.url, "nyc.associate1", PASSWORD)
    page.goto(away_store.url + FLOOR)
    page.get_by_role("button", name="Go on break").click()  # the browser asks first
    expect(page.get_by_label("Who takes")).to_have_count(0)
    page.locator(f"#held-{away_store.held_id}").select_option("queue")
    page.get_by_label("Back in").select_option("15")
    page.get_by_role("button", name="Go on break").click()
    expect(page.get_by_text("On break until")).to_be_visible()
    check_page(page, page.url, "going-away-on-break-360")
    with away_store.app.app_context():
        assert db.session.get(HelpRequest, away_store.held_id).status is Status.WAITING


def test_a_manager_names_another_backup_from_the_board(away_store, new_page):
    page = new_page(DESKTOP)
    log_in(page, away_store.url, "nyc.manager", PASSWORD)
    page.goto(away_store.url + "/stores/NYC-5TH/board")
    with away_store.app.app_context():
        one = _person("nyc.associate1")
        name, one_id = one.name, one.id
    page.get_by_label("Backup for").first.select_option(label=name)
    page.get_by_role("button", name="Change backup").first.click()
    expect(page.get_by_text("Backup changed")).to_be_visible()
    expect(page.locator("#board")).to_contain_text(f"backup: {name}")
    with away_store.app.app_context():
        three = _person("nyc.associate3")
        assert db.session.scalar(select(Break.backup_id).where(
            Break.user_id == three.id, Break.ended_at.is_(None))) == one_id
