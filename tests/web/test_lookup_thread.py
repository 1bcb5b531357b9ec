"""The size run opened from a request carries its thread: the holder answers there without
JavaScript too, a colleague reads it, another store's request or a bad id is a 404."""

import re

import pytest
from sqlalchemy import func, select

from floorapp.extensions import db
from floorapp.models import HelpRequest, LookupMiss, RequestMessage, Role, User
from floorapp.services.conversation import thread
from floorapp.services.help import availability, moves
from tests.factories import make_product, make_sign, make_store, make_user, submit_request


@pytest.fixture
def asked(app):
    """Maria holds a request for a 9 W of NYC-1 that its customer wrote on; Sam, Ada (the
    manager) work there, Olga in another store."""
    with app.app_context():
        store = make_store(code="NYC-1")
        other = make_store(code="BOS-1")
        runner = make_product(style="NW100", name="Harbor Runner", sizes=("9", "9.5"),
                              widths=("W",), stock={store: {("9", "W"): (2, 3, "B-12"),
                                                            ("9.5", "W"): (0, 0)}})
        maria = make_user(login="maria", name="Maria Lopez", store=store)
        make_user(login="sam", name="Sam Okafor", store=store)
        make_user(login="ada", name="Ada Boss", store=store, role=Role.MANAGER)
        make_user(login="olga", store=other)
        request = submit_request(sign=make_sign(zone=store.zones[0]), product="NW100",
                                 size="9 W")
        elsewhere = submit_request(sign=make_sign(zone=other.zones[0]))
        moves.claim(store.id, request.id, maria)
        thread.post_as_customer(request.public_token, "<i>by the mirrors</i>")
        page = (f"/stores/NYC-1/products/{runner.id}?help_request={request.id}"
                f"&variant={runner.variants_by_key[('9', 'W')].id}")
        return {"id": request.id, "page": page, "elsewhere": elsewhere.id,
                "half": runner.variants_by_key[("9.5", "W")].id, "product": runner.id}


def _messages(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(RequestMessage.body).order_by(RequestMessage.id)))


def test_the_holder_answers_from_the_size_run_and_lands_back_on_it(app, client, auth, asked):
    auth.login("maria")
    page = client.get(asked["page"]).get_data(as_text=True)
    assert "Messages with the customer" in page and "&lt;i&gt;by the mirrors&lt;/i&gt;" in page
    assert page.count('class="quick-reply"') == 4 and "B-12" in page
    assert f"?help_request={asked['id']}&amp;variant={asked['half']}#selected" in page
    answer = client.post(f"/stores/NYC-1/floor/requests/{asked['id']}/messages", data={
        "body": "Bringing your size", "idempotency_key": "grid-1",
        "next": asked["page"] + "#conversation"})
    assert answer.status_code == 303 and answer.location == asked["page"] + "#conversation"
    again = client.post(f"/stores/NYC-1/floor/requests/{asked['id']}/messages", data={
        "body": "Bringing your size", "idempotency_key": "grid-1"})  # resent: one message
    assert again.status_code == 303
    assert _messages(app) == ["<i>by the mirrors</i>", "Bringing your size"]
    assert "Sent to the customer." in client.get(answer.location).get_data(as_text=True)


@pytest.mark.parametrize("target", ["https://evil.example/x", "//evil.example", "/\\evil"])
def test_a_reply_with_a_foreign_next_lands_on_the_queue(client, auth, asked, target):
    auth.login("maria")
    answer = client.post(f"/stores/NYC-1/floor/requests/{asked['id']}/messages", data={
        "body": "Two minutes", "next": target})
    assert answer.location == f"/stores/NYC-1/floor#request-{asked['id']}"


def test_a_colleague_reads_the_thread_and_a_manager_may_answer_folded(client, auth, asked):
    auth.login("sam")
    page = client.get(asked["page"]).get_data(as_text=True)
    assert "by the mirrors" in page and 'class="quick-reply"' not in page
    assert "Maria holds this request and answers the customer." in page
    refused = client.post(f"/stores/NYC-1/floor/requests/{asked['id']}/messages",
                          data={"body": "On my way"})
    assert refused.status_code == 303
    assert "Maria holds this request" in client.get(refused.location).get_data(as_text=True)
    auth.logout()
    auth.login("ada")
    page = client.get(asked["page"]).get_data(as_text=True)
    assert "<summary>Answer the customer as a manager</summary>" in page
    assert page.count('class="quick-reply"') == 4


def test_the_thread_part_answers_alone_for_the_live_page(client, auth, asked):
    auth.login("maria")
    part = client.get(f"/stores/NYC-1/floor/requests/{asked['id']}/thread?back=/x")
    text = part.get_data(as_text=True)
    assert part.status_code == 200 and "<html" not in text and "by the mirrors" in text
    assert 'name="next" value="/x"' in text
    foreign = client.get(f"/stores/NYC-1/floor/requests/{asked['id']}/thread"
                         "?back=https://evil.example").get_data(as_text=True)
    assert 'name="next"' not in foreign
    assert client.get(f"/stores/NYC-1/floor/requests/{asked['elsewhere']}/thread"
                      ).status_code == 404


@pytest.mark.parametrize("value", ["elsewhere", "0", "abc", "99999999", "²"])
def test_another_stores_or_a_bad_request_is_404_and_records_no_miss(app, client, auth, asked,
                                                                    value):
    auth.login("maria")
    named = str(asked["elsewhere"]) if value == "elsewhere" else value
    answer = client.get(f"/stores/NYC-1/products/{asked['product']}?help_request={named}"
                        f"&variant={asked['half']}")
    assert answer.status_code == 404
    with app.app_context():  # the 9.5 W is out: a real lookup of it would be a miss
        assert db.session.scalar(select(func.count()).select_from(LookupMiss)) == 0


def test_another_stores_associate_cannot_open_the_thread(client, auth, asked):
    auth.login("olga")
    assert client.get(asked["page"]).status_code == 404
    assert client.get(f"/stores/NYC-1/floor/requests/{asked['id']}/thread").status_code == 404


def test_the_plain_size_run_has_no_thread(client, auth, asked):
    auth.login("maria")
    page = client.get(asked["page"].split("?")[0]).get_data(as_text=True)
    assert "Messages with the customer" not in page and "staff-thread.js" not in page


def test_after_a_hand_off_only_the_new_holder_answers(app, client, auth, asked):
    with app.app_context():
        found = db.session.get(HelpRequest, asked["id"])
        sam = db.session.scalar(select(User).where(User.login == "sam"))
        availability.set_availability(sam, "on_floor")
        moves.handoff(found.store_id, found.id, found.claimed_by, sam.id)
    auth.login("maria")
    page = client.get(asked["page"]).get_data(as_text=True)
    assert 'class="quick-reply"' not in page and "Sam holds this request" in page


def test_a_hold_from_the_grid_opened_from_a_request_keeps_its_thread_without_js(client, auth,
                                                                               asked):
    auth.login("maria")
    page = client.get(asked["page"]).get_data(as_text=True)
    action = re.search(r'action="([^"]*/hold\?help_request=\d+)"', page).group(1)
    held = client.post(action.replace("&amp;", "&"), data={
        "variant_id": "", "customer_label": "Ms Lee", "minutes": "30",
        "idempotency_key": "hold-1"})
    assert held.status_code == 302
    assert f"help_request={asked['id']}&variant=" in held.location
    assert "by the mirrors" in client.get(held.location).get_data(as_text=True)
