"""The shift planner and the calendar feed, through the real pages and their forms."""

import io
from datetime import UTC, date, datetime, time

import icalendar
import pytest
from sqlalchemy import func, select

from floorapp.extensions import db
from floorapp.models import Role, Shift, Store
from floorapp.services.metrics.periods import local_today
from floorapp.services.org.shift_times import next_week
from tests.factories import (
    NEW_YORK,
    TEST_PASSWORD,
    make_sign,
    make_store,
    make_timed_request,
    make_user,
    utc,
)

WEEK = "2026-03-02"  # Monday; the clocks spring forward on Sunday March 8 in New York
HEADER = "login,date,start,end,zone\n"


@pytest.fixture
def planner(app):
    with app.app_context():
        store = make_store(code="NY-P", name="Park Slope", timezone=NEW_YORK,
                           zones=("Shoes", "Kids"))
        make_user(login="boss", name="Ada Boss", role=Role.MANAGER, store=store)
        make_user(login="maria", name="Maria Lopez", store=store)
        make_user(login="sam", name="Sam Okafor", store=store)
        other = make_store(code="NY-Q")
        make_user(login="q.boss", role=Role.MANAGER, store=other)
        make_user(login="root", role=Role.ADMIN)
    return app


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Shift))


def _add(client, **fields):
    data = {"login": "maria", "day": "2026-03-03", "start": "09:00", "end": "17:00",
            "zone_id": ""} | fields
    return client.post("/stores/NY-P/shifts", data=data)


def _import(client, text: str, *, skip: bool = False):
    data = {"file": (io.BytesIO(text.encode()), "week.csv")}
    if skip:
        data["skip_bad_rows"] = "on"
    return client.post("/stores/NY-P/shifts/import", data=data,
                       content_type="multipart/form-data")


def test_a_manager_plans_edits_and_deletes_a_shift_without_javascript(planner, client, auth):
    auth.login("boss")
    response = _add(client)
    assert response.status_code == 302 and "week=2026-03-02" in response.headers["Location"]
    page = client.get(f"/stores/NY-P/shifts?week={WEEK}").text
    assert "Maria Lopez" in page and "09:00" in page
    with planner.app_context():
        shift_id = db.session.scalar(select(Shift.id))
    assert 'value="2026-03-03" selected' in client.get(f"/stores/NY-P/shifts/{shift_id}").text
    moved = client.post(f"/stores/NY-P/shifts/{shift_id}", data={
        "login": "sam", "day": "2026-03-04", "start": "12:00", "end": "20:00", "zone_id": ""})
    assert moved.status_code == 302
    with planner.app_context():
        shift = db.session.get(Shift, shift_id)
        assert (shift.user.login, shift.local_date, shift.start_time) == (
            "sam", date(2026, 3, 4), time(12))
    assert client.post(f"/stores/NY-P/shifts/{shift_id}/delete").status_code == 302
    assert _count(planner) == 0


def test_a_bad_shift_is_a_400_naming_the_problem_and_nothing_is_written(planner, client, auth):
    auth.login("boss")
    response = _add(client, day="2026-03-08", start="02:15")
    assert response.status_code == 400
    assert "02:15 does not exist on 2026-03-08" in response.text
    assert _count(planner) == 0


def test_the_week_defaults_to_next_week_and_a_bad_week_is_a_400(planner, client, auth):
    auth.login("boss")
    assert "Week of Monday" in client.get("/stores/NY-P/shifts").text
    assert client.get("/stores/NY-P/shifts?week=next").status_code == 400


def test_an_associate_cannot_plan_and_another_stores_manager_cannot_see(planner, client, auth):
    auth.login("maria")
    assert client.get("/stores/NY-P/shifts").status_code == 403
    assert _add(client).status_code == 403
    auth.logout()
    auth.login("q.boss")
    assert client.get("/stores/NY-P/shifts").status_code == 404
    assert _add(client).status_code == 404
    assert _count(planner) == 0
    auth.logout()
    auth.login("root")
    assert _add(client).status_code == 302  # an admin plans any store


def test_a_shift_form_without_its_csrf_token_is_refused(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        store = make_store(code="NY-C", timezone=NEW_YORK)
        make_user(login="boss", role=Role.MANAGER, store=store)
        make_user(login="maria", store=store)
    client = app.test_client()
    page = client.get("/login").text
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"login": "boss", "password": TEST_PASSWORD,
                                "csrf_token": token})
    response = client.post("/stores/NY-C/shifts", data={
        "login": "maria", "day": "2026-03-03", "start": "09:00", "end": "17:00"})
    assert response.status_code == 400


def test_a_csv_with_bad_rows_lists_them_by_line_and_writes_nothing(planner, client, auth):
    auth.login("boss")
    response = _import(client, HEADER + "maria,2026-03-02,09:00,17:00,Shoes\n"
                       "nobody,2026-03-02,09:00,17:00,\n"
                       "\n"
                       "sam,2026-03-08,02:30,10:00,\n"
                       "sam,2026-03-03,9am,17:00,Kids\n"
                       "maria,2026-03-02,16:00,20:00,\n"
                       "sam,2026-03-04,09:00,17:00,Toys\n")
    assert response.status_code == 400
    page = response.text
    for line, reason in ((3, "Nobody active"), (5, "02:30 does not exist"),
                         (6, "not a time like"), (7, "earlier in the file"), (8, "no zone named")):
        assert f"<td>{line}</td><td>" in page and reason in page, (line, reason)
    assert "<td>2</td><td>" not in page
    assert _count(planner) == 0


def test_skipping_bad_rows_imports_the_rest_and_a_reimport_adds_nothing(planner, client, auth):
    auth.login("boss")
    text = (HEADER + "maria,2026-03-02,09:00,17:00,Shoes\n"
            "sam,2026-03-07,22:00,06:00,\n"
            "nobody,2026-03-02,09:00,17:00,\n")
    first = _import(client, text, skip=True)
    assert first.status_code == 200 and "Imported 2 shifts" in first.text
    assert _count(planner) == 2
    again = _import(client, text, skip=True)
    assert "Imported 0 shifts; 2 were already planned" in again.text
    assert _count(planner) == 2
    assert _import(client, HEADER + "maria,2026-03-02,09:00,17:00,shoes\n").status_code == 200
    assert _count(planner) == 2  # the zone's name is matched whatever its case


def test_the_week_exports_as_csv_the_import_reads_back(planner, client, auth):
    auth.login("boss")
    _import(client, HEADER + "maria,2026-03-02,09:00,17:00,Shoes\nsam,2026-03-08,22:00,02:00,\n")
    exported = client.get(f"/stores/NY-P/shifts.csv?week={WEEK}")
    assert exported.mimetype == "text/csv"
    assert exported.text.splitlines() == [
        "login,date,start,end,zone", "maria,2026-03-02,09:00,17:00,Shoes",
        "sam,2026-03-08,22:00,02:00,"]
    assert "2 were already planned" in _import(client, exported.text).text


def test_an_upload_over_the_cap_is_refused(planner, client, auth):
    auth.login("boss")
    big = HEADER + "maria,2026-03-02,09:00,17:00,\n" * 20_000
    response = _import(client, big)
    assert response.status_code == 400 and "over 512 KB" in response.text
    assert _count(planner) == 0


def test_a_csv_with_wrong_columns_is_refused(planner, client, auth):
    auth.login("boss")
    response = _import(client, "who,when\nmaria,monday\n")
    assert response.status_code == 400 and "must name the columns" in response.text


def _feed_url(client) -> str:
    page = client.post("/stores/NY-P/my-shifts/feed").text
    return page.split('id="feed-url" class="copy-field" readonly value="')[1].split('"')[0]


def test_the_calendar_feed_gives_the_shifts_in_the_stores_zone(planner, client, auth):
    auth.login("boss")
    _import(client, HEADER + "maria,2026-03-07,22:00,06:00,Kids\n"
            "maria,2026-03-09,09:00,17:00,\nsam,2026-03-09,09:00,17:00,\n")
    auth.logout()
    auth.login("maria")
    path = _feed_url(client).split("://", 1)[1].split("/", 1)[1]
    auth.logout()
    with planner.app_context():
        from floorapp.services.org import shift_feed
        owner = db.session.scalar(select(Shift)).user
        body = shift_feed.calendar_bytes(owner, today=date(2026, 3, 1))
    response = client.get("/" + path)  # logged out: the link is the key
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(body)
    events = sorted(calendar.walk("VEVENT"), key=lambda event: event.start)
    assert [e["summary"] for e in events] == ["Shift at Park Slope · Kids", "Shift at Park Slope"]
    overnight = events[0]
    assert str(overnight.start.tzinfo) == NEW_YORK
    assert overnight.start.replace(tzinfo=None) == datetime(2026, 3, 7, 22)
    assert overnight.end.replace(tzinfo=None) == datetime(2026, 3, 8, 6)
    elapsed = overnight.end.astimezone(UTC) - overnight.start.astimezone(UTC)
    assert elapsed.total_seconds() == 7 * 3600  # the clocks spring forward that night
    assert [tz.tz_name for tz in calendar.timezones] == [NEW_YORK]
    assert b"TZID=America/New_York:20260307T220000" in body


def test_the_feed_url_serves_this_weeks_and_next_weeks_shifts(planner, client, auth):
    auth.login("boss")
    with planner.app_context():
        monday = next_week(local_today(NEW_YORK))
    _add(client, day=monday.isoformat(), start="22:00", end="06:00")
    auth.logout()
    auth.login("maria")
    link = "/calendar/" + _feed_url(client).split("/calendar/")[1]
    auth.logout()
    response = client.get(link)
    assert response.headers["Cache-Control"].startswith("private")
    (event,) = icalendar.Calendar.from_ical(response.data).walk("VEVENT")
    assert event.start.replace(tzinfo=None) == datetime.combine(monday, time(22))
    assert str(event.start.tzinfo) == NEW_YORK and event["uid"].endswith("@floorapp")


def test_a_new_link_or_a_revocation_ends_the_old_feed(planner, client, auth):
    auth.login("maria")
    first = _feed_url(client).split("/calendar/")[1]
    second = _feed_url(client).split("/calendar/")[1]
    assert client.get(f"/calendar/{first}").status_code == 404
    assert client.get(f"/calendar/{second}").status_code == 200
    client.post("/stores/NY-P/my-shifts/feed/revoke")
    assert client.get(f"/calendar/{second}").status_code == 404
    assert client.get("/calendar/not-a-real-link.ics").status_code == 404


def test_the_feed_is_rate_limited_per_link(make_app):
    app = make_app(SHIFT_FEED_LIMIT_PER_LINK="2 per hour")
    with app.app_context():
        make_user(login="maria", store=make_store(code="NY-L", timezone=NEW_YORK))
    client = app.test_client()
    client.post("/login", data={"login": "maria", "password": TEST_PASSWORD})
    link = _feed_url_at(client, "NY-L")
    assert [client.get(link).status_code for _ in range(3)] == [200, 200, 429]


def _feed_url_at(client, code: str) -> str:
    page = client.post(f"/stores/{code}/my-shifts/feed").text
    return "/calendar/" + page.split("/calendar/")[1].split('"')[0]


def test_the_staffing_page_shows_the_planned_week_against_the_need(planner, client, auth):
    with planner.app_context():
        store = db.session.scalar(select(Store).where(Store.code == "NY-P"))
        sign = make_sign(zone=store.zones[0])
        for minute in range(30):  # Monday June 1, 10:00 EDT: A = 2 erlangs, 5 needed
            make_timed_request(sign=sign, requested_at=utc(2026, 6, 1, 14, minute * 2),
                               acknowledge_s=10, reach_s=40, handle_s=210)
    auth.login("boss")
    for login in ("maria", "sam"):
        _add(client, login=login, day="2026-06-08", start="09:00", end="17:00")
    page = client.get("/stores/NY-P/staffing?range=custom&from=2026-06-01&to=2026-06-01"
                      "&day=0&plan_week=2026-06-10").text
    assert "week of 2026-06-08" in page
    assert "1 understaffed hour this week" in page and "3 associate-hours short" in page
    row = page.split('<tr class="understaffed"><th scope="row">10:00</th>')[1].split("</tr>")[0]
    assert "<td>2</td><td>5</td>" in row and "grows without end" in row
    assert client.get("/stores/NY-P/staffing?plan_week=soon").status_code == 400


def test_the_week_grid_marks_the_skipped_hour_of_spring_forward(planner, client, auth):
    auth.login("boss")
    _add(client, day="2026-03-08", start="00:00", end="04:00")
    page = client.get("/stores/NY-P/staffing?plan_week=2026-03-02").text
    grid = page.split('id="plan-week-heading"')[1].split("</table>")[0]
    two_am = grid.split('<th scope="row">02</th>')[1].split("</tr>")[0]
    assert two_am.count("no such hour") == 1  # Sunday March 8 has no 2 a.m.
    assert "1 / 0" in grid.split('<th scope="row">03</th>')[1].split("</tr>")[0]
