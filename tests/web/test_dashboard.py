"""The managers' pages: dashboard, staffing, all stores and the live board."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from floorapp.models import Availability, LookupSource, Role, Status
from floorapp.services.help import availability, coverage
from floorapp.services.help.sla import sla_state
from floorapp.services.metrics import rollup_upkeep
from tests.factories import (
    make_help_request,
    make_product,
    make_sign,
    make_store,
    make_timed_request,
    make_user,
)
from tests.inventory_factories import make_hold, make_miss, make_out_of_stock_request, make_pull


@pytest.fixture
def shop(app):
    with app.app_context():
        store = make_store(code="NY-7", name="Fifth Avenue", zones=("Shoes", "Kids"),
                           acknowledge_target_s=60, reach_target_s=180)
        make_user(login="boss", role=Role.MANAGER, store=store)
        make_user(login="clerk", role=Role.ASSOCIATE, store=store, name="Mei Chen")
        make_user(login="root", role=Role.ADMIN)
        other = make_store(code="LA-7")
        make_user(login="other-boss", role=Role.MANAGER, store=other)
        yield store


def test_the_dashboard_shows_figures_charts_and_tables(shop, client, auth):
    sign = make_sign(zone=shop.zones[0])
    now = datetime.now(UTC) - timedelta(hours=1)
    make_timed_request(sign=sign, requested_at=now, acknowledge_s=30, reach_s=120, handle_s=300)
    auth.login("boss")
    page = client.get("/stores/NY-7/dashboard?range=7d").text
    assert "How long customers waited" in page
    assert page.count('role="img"') == 4  # no ratings, so no ratings chart
    assert "<title" in page and "<desc" in page
    assert "Arrives with the inventory feature" not in page  # the placeholder is gone
    assert "No stock pull was asked for, no hold placed" in page
    assert "requests.csv" in page and "metrics.csv" in page
    assert "<script>" not in page and "style=" not in page


def test_the_dashboard_shows_pulls_holds_and_the_sizes_not_in_stock(shop, client, auth):
    sign = make_sign(zone=shop.zones[0])
    clerk = make_user(store=shop)
    product = make_product(style="TRL-1", name="Trail Runner", sizes=("8", "9"))
    eight = product.variants_by_key[("8", "")]
    asked = datetime.now(UTC) - timedelta(hours=2)
    make_pull(store=shop, variant=eight, user=clerk, asked_at=asked, pick_s=60, deliver_s=185)
    make_pull(store=shop, variant=eight, user=clerk, asked_at=asked, not_found_s=200)
    make_hold(store=shop, variant=eight, created_at=asked, minutes=30, released_s=300)
    make_miss(store=shop, variant=eight, at=asked)
    make_miss(store=shop, variant=eight, at=asked, source=LookupSource.CUSTOMER)
    make_out_of_stock_request(sign=sign, requested_at=asked, variant=eight)
    make_out_of_stock_request(sign=sign, requested_at=asked, product="Pegasus <41>", size="9")
    auth.login("boss")
    page = client.get("/stores/NY-7/dashboard?range=7d").text
    section = page.split('id="inventory-heading"')[1]
    assert "Pulls asked for</dt><dd>2</dd>" in section
    assert "Median time to deliver</dt><dd>3 min 05 s</dd>" in section
    assert "1 not found" in section and "Released by hand</dt><dd>1</dd>" in section
    assert "Median hold length</dt><dd>5 min</dd>" in section
    assert ('<th scope="col">Looked up</th><th scope="col">Customer looked it up</th>'
            '<th scope="col">Asked for by customers</th>') in section
    assert ("Trail Runner<br><span class=\"unit\">Northway · TRL-1</span></th>\n"
            "        <td>8</td><td>1</td><td>1</td><td>1</td>") in section
    assert "Pegasus &lt;41&gt;<br><span class=\"unit\">as the customer typed it</span>" in section
    assert "1 lookup ended on a size not in stock (previous 0)" in section
    assert "1 customer looked a size up at a sign and it was not here (previous 0)" in section


def test_a_range_without_requests_says_so(shop, client, auth):
    auth.login("boss")
    page = client.get("/stores/NY-7/dashboard?range=custom&from=2020-01-01&to=2020-01-31").text
    assert "No help requests in this range" in page
    assert "How long customers waited" not in page
    assert "No stock pull was asked for, no hold placed" in page


def test_a_bad_custom_range_is_a_400_page_with_the_reason(shop, client, auth):
    auth.login("boss")
    response = client.get("/stores/NY-7/dashboard?range=custom&from=2026-02-01&to=2026-01-01")
    assert response.status_code == 400
    assert "ends (2026-01-01) before it starts" in response.text


@pytest.mark.parametrize(("login", "status"), [("clerk", 403), ("other-boss", 404),
                                               ("root", 200), ("boss", 200)])
def test_dashboard_and_staffing_are_for_the_stores_managers(shop, client, auth, login, status):
    auth.login(login)
    assert client.get("/stores/NY-7/dashboard").status_code == status
    assert client.get("/stores/NY-7/staffing").status_code == status


def test_the_staffing_page_explains_the_computation(shop, client, auth):
    sign = make_sign(zone=shop.zones[0])
    make_timed_request(sign=sign, requested_at=datetime.now(UTC) - timedelta(days=1),
                       acknowledge_s=30, reach_s=120, handle_s=300)
    auth.login("boss")
    page = client.get("/stores/NY-7/staffing?range=30d&target_share=0.8").text
    assert "Erlang C queueing formula" in page and "80.0%" in page
    assert client.get("/stores/NY-7/staffing?target_share=2").status_code == 400


def test_the_admin_sees_every_store_side_by_side(shop, client, auth):
    auth.login("root")
    page = client.get("/admin/dashboard?range=30d").text
    assert "Fifth Avenue" in page and "Test Store" in page
    assert "The roll-ups have not been built yet." in page
    auth.logout()
    auth.login("boss")
    assert client.get("/admin/dashboard").status_code == 403


def test_the_stores_side_by_side_come_from_the_roll_ups_with_a_chain_total(shop, client, auth):
    sign = make_sign(zone=shop.zones[0])
    yesterday = datetime.now(UTC) - timedelta(days=1)
    for reach_s in (100, 200, 300):
        make_timed_request(sign=sign, requested_at=yesterday, acknowledge_s=30,
                           reach_s=reach_s, handle_s=60)
    make_timed_request(sign=sign, requested_at=yesterday, closed_s=400)  # walked away
    rollup_upkeep.rebuild(now=datetime.now(UTC))
    auth.login("root")
    page = client.get("/admin/dashboard?range=7d").text
    store_row = page.split("Fifth Avenue</a></th>")[1].split("</tr>")[0]
    assert [cell.split("</td>")[0] for cell in store_row.split("<td>")[1:]] == [
        "4", "30 s", "3 min 22 s", "5 min", "75%", "25%", "1"]  # 202 s: 200's bucket's middle
    total_row = page.split("All 2 stores</th>")[1].split("</tr>")[0]
    assert "<td>4</td>" in total_row and "within 1% or half a second" in page
    assert "Requests up to about a minute before" in page
    response = client.get("/admin/dashboard?range=custom&from=2026-02-01&to=2026-01-01")
    assert response.status_code == 400 and "before it starts" in response.text


def test_the_live_board_shows_waits_against_the_targets_and_the_team(shop, client, auth):
    sign = make_sign(zone=shop.zones[0])
    clerk = make_user(login="runner", role=Role.ASSOCIATE, store=shop, name="Tom Novak")
    clerk.availability = Availability.ON_BREAK
    now = datetime.now(UTC)
    make_help_request(sign=sign, requested_at=now - timedelta(seconds=300))
    make_help_request(sign=sign, requested_at=now - timedelta(seconds=10))
    make_help_request(sign=sign, requested_at=now - timedelta(seconds=600), status=Status.CLAIMED,
                      claimed_by_id=clerk.id, acknowledged_at=now, escalation_level=1)
    make_help_request(sign=sign, requested_at=now - timedelta(hours=2), status=Status.RESOLVED)
    auth.login("clerk")
    page = client.get("/stores/NY-7/board").text
    assert page.count('class="board-item') == 3
    assert "Overdue" in page and "On time" in page
    assert "Tom Novak is on the way" in page and "escalated to everyone on the floor" in page
    assert "board.js" in page
    part = client.get("/stores/NY-7/board/live")
    assert part.status_code == 200 and "<html" not in part.text


def test_another_stores_board_is_not_found(shop, client, auth):
    auth.login("other-boss")
    assert client.get("/stores/NY-7/board").status_code == 404
    assert client.get("/stores/NY-7/board/live").status_code == 404


@pytest.mark.parametrize(("wait", "target", "state"), [
    (10, 60, "on_time"), (45, 60, "due_soon"), (61, 60, "overdue"), (999, None, "reached")])
def test_sla_states_warn_before_the_target_is_missed(wait, target, state):
    assert sla_state(wait, target) == state


def test_the_live_board_shows_coverage_by_zone_breaks_until_store_time_and_uncovered_waits(
        shop, client, auth):
    shoes, kids = shop.zones
    mei = make_user(login="mei2", store=shop, name="Mei Park")
    tom = make_user(login="tom2", store=shop, name="Tom Novak")
    availability.set_availability(mei, "on_floor", shoes.id)
    availability.set_availability(tom, "on_floor", shoes.id)
    availability.set_availability(tom, "on_break", until="10", backup_id=mei.id)
    make_help_request(sign=make_sign(zone=kids))
    until = coverage.open_break(tom.id).expected_return_at
    auth.login("boss")
    page = client.get("/stores/NY-7/board").text
    assert "Coverage by zone" in page
    assert "Covered by Mei Park" in page
    local = until.astimezone(ZoneInfo("America/New_York"))
    assert f"Tom Novak on break until {local:%H:%M}" in page and "backup: Mei Park" in page
    assert "Nobody covers it" in page  # Kids
    assert "1 request waiting in zones nobody covers" in page
