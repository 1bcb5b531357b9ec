"""The customer's price check without JavaScript: check, read the words, "Bring me", status."""

import gzip
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from floorapp.extensions import db
from floorapp.models import HelpRequest, LookupMiss, LookupSource, Need, RetiredSignToken
from tests.factories import make_product, make_sign, make_store

STATIC = Path(__file__).resolve().parents[2] / "static"


class _Forms(HTMLParser):
    """Collect each form's action, method, hidden fields and button text."""

    def __init__(self):
        super().__init__()
        self.forms, self._button = [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action"), "method": attrs.get("method"),
                               "fields": {}, "button": ""})
        elif tag == "input" and self.forms and attrs.get("type") == "hidden":
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value", "")
        self._button = tag == "button"

    def handle_data(self, data):
        if self._button and self.forms:
            self.forms[-1]["button"] += data.strip()

    def handle_endtag(self, tag):
        self._button = False if tag == "button" else self._button


def _form(page: str, button: str) -> dict:
    parser = _Forms()
    parser.feed(page)
    return next(form for form in parser.forms if form["button"] == button)


@pytest.fixture
def shop(app):
    with app.app_context():
        sign = make_sign()
        store = sign.zone.store
        fifth = make_store(code="FIFTH", name="Fifth Avenue")
        runner = make_product(style="NW100", brand="Northway", name="Harbor Runner",
                              price_cents=8999, sizes=("9", "10"), widths=("M", "W"),
                              stock={store: {("9", "W"): (2, 3, "B-12"), ("10", "M"): (0, 1),
                                             ("9", "M"): (0, 4)},
                                     fifth: {("10", "W"): (3, 0)}})
        make_product(style="NW300", brand="Northway", name="Harbor Runner Lite", sizes=("9",),
                     stock={store: {("9", ""): (1, 1)}})
        make_product(style="VL200", name="Vela Boot", sizes=("9",),
                     stock={fifth: {("9", ""): (4, 0)}})
        db.session.add(RetiredSignToken(token="old-code", sign_id=sign.id))
        db.session.commit()
        return {"token": sign.token, "runner": runner.id, "store": store.id}


def _requests(app):
    with app.app_context():
        return db.session.scalars(select(HelpRequest)).all()


def test_the_sign_page_offers_the_check(client, shop):
    page = client.get(f"/s/{shop['token']}").text
    assert f'href="/s/{shop["token"]}/check"' in page and "Check a price or size" in page


def test_a_typed_code_shows_the_product_price_and_each_size_in_words(client, shop):
    response = client.get(f"/s/{shop['token']}/check?q=nw100-9w")
    page = response.text
    assert response.status_code == 200
    assert "Harbor Runner" in page and "$89.99" in page and "Northway" in page
    assert "Size 9 W:" in page
    for word in ("On the shelf", "We can bring it from the back", "Last one",
                 "Not in this store"):
        assert word in page, word
    assert "B-12" not in page and "NW100" not in page.replace('value="nw100-9w"', "")
    assert "Fifth Avenue" not in page  # the store has not turned other stores on
    assert "Bring me size 9 W" in page and "Bring me size 10 W" not in page  # not here: no button


def test_bring_me_creates_the_request_for_that_size_and_lands_on_its_status(app, client,
                                                                             shop):
    page = client.get(f"/s/{shop['token']}/check?q=NW100-9W").text
    form = _form(page, "Bring me size 9 W")
    assert form["action"] == f"/s/{shop['token']}" and form["method"] == "post"
    response = client.post(form["action"], data=form["fields"])
    assert response.status_code == 303 and response.location.startswith("/h/")
    (request,) = _requests(app)
    with app.app_context():
        from floorapp.models import Variant
        variant = db.session.get(Variant, request.variant_id)
        assert (request.need, request.product_id, variant.size_label, variant.width) == (
            Need.FIND_SIZE, shop["runner"], "9", "W")
    status = client.get(response.location).text
    assert "You are number 1 in line." in status
    assert client.post(form["action"], data=form["fields"]).location == response.location
    assert len(_requests(app)) == 1  # a resent form is the same request


def test_a_name_with_several_answers_lists_them_and_one_opens_the_product(client, shop):
    page = client.get(f"/s/{shop['token']}/check?q=harbor").text
    assert "Which one?" in page and "Harbor Runner Lite" in page and "Vela Boot" not in page
    link = f"/s/{shop['token']}/check/{shop['runner']}"
    assert f'href="{link}"' in page
    product = client.get(link)
    assert product.status_code == 200 and "Bring me size 9 W" in product.text


def test_an_unknown_code_or_another_stores_product_offers_a_one_tap_request(app, client, shop):
    for typed in ("VL200-9", "NO-SUCH-1"):
        page = client.get(f"/s/{shop['token']}/check?q={typed}").text
        assert "We couldn't find that code here — an associate can check." in page
        assert "Vela" not in page
    form = _form(page, "Ask an associate to check")
    assert client.post(form["action"], data=form["fields"]).status_code == 303
    (request,) = _requests(app)
    assert (request.need, request.product_query) == (Need.PRODUCT_QUESTION, "NO-SUCH-1")
    assert client.get(f"/s/{shop['token']}/check/999999").status_code == 404


def test_a_size_not_here_looked_up_by_code_is_lost_demand(app, client, shop):
    client.get(f"/s/{shop['token']}/check?q=NW100-9M").close()  # 4 in the back: no miss
    client.get(f"/s/{shop['token']}/check?q=NW100-10W").close()  # recorded once sent
    with app.app_context():
        rows = db.session.execute(select(LookupMiss.size_label, LookupMiss.source)).all()
    assert rows == [("10 W", LookupSource.CUSTOMER)]


def test_other_stores_are_named_when_the_store_turns_them_on(app, client, shop):
    with app.app_context():
        from floorapp.models import Store
        db.session.get(Store, shop["store"]).show_other_stores = True
        db.session.commit()
    page = client.get(f"/s/{shop['token']}/check?q=NW100-10W").text
    assert "At Fifth Avenue" in page


@pytest.mark.parametrize(("typed", "message"), [
    ("", "Please type a name, or the code printed on the tag."),
    ("x" * 10_000, "That is longer than any code"),
    ("١٢٣٤", "Please type only the letters and digits printed on the tag."),
])
def test_junk_is_refused_on_the_page_with_a_message_and_nothing_written(app, client, shop,
                                                                        typed, message):
    response = client.get(f"/s/{shop['token']}/check?q={quote(typed)}")
    assert response.status_code == 400 and message in response.text
    assert 'role="alert"' in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LookupMiss)) == 0
    assert _requests(app) == []


def test_a_retired_sign_answers_410_and_an_unknown_one_404(client, shop):
    assert client.get("/s/old-code/check").status_code == 410
    assert client.get("/s/nope/check?q=NW100-9W").status_code == 404


def test_spanish_reads_the_same_words_in_spanish(client, shop):
    page = client.get(f"/s/{shop['token']}/check?q=NW100-9W&lang=es").text
    assert 'lang="es"' in page and "Revisar un precio o una talla" in page
    assert "En el estante" in page and "Tráiganme la talla 9 W" in page


def test_the_check_page_with_an_answer_fits_in_14_kb_compressed(client, shop):
    page = client.get(f"/s/{shop['token']}/check?q=NW100-9W").get_data()
    first_paint = [page] + [(STATIC / name).read_bytes() for name in (
        "css/customer.css", "css/check.css", "js/customer-check.js")]
    assert sum(len(gzip.compress(part)) for part in first_paint) <= 14 * 1024
    # The scanner is named for the tap to load, never loaded by the page itself.
    scanner = b'data-module="/static/js/customer-check-scanner.js"'
    assert page.count(b"check-scanner.js") == page.count(scanner) == 1
    assert not re.search(rb'(src|href)="(https?:)?//', page)
    assert re.findall(rb"<script[^>]*>", page) == [
        b'<script type="module" src="/static/js/customer-check.js">']


def test_only_the_check_page_may_compile_the_scanners_webassembly(client, shop):
    check = client.get(f"/s/{shop['token']}/check").headers["Content-Security-Policy"]
    sign = client.get(f"/s/{shop['token']}").headers["Content-Security-Policy"]
    assert "script-src 'self' 'wasm-unsafe-eval';" in check
    assert "script-src 'self';" in sign and "wasm" not in sign
    assert check.replace(" 'wasm-unsafe-eval'", "") == sign


def test_the_vendored_reader_is_the_pinned_one(client):
    import hashlib

    folder = STATIC / "vendor" / "zxing-wasm" / "3.1.6"
    for line in (folder / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split()
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    wasm = client.get("/static/vendor/zxing-wasm/3.1.6/reader/zxing_reader.wasm")
    assert wasm.status_code == 200 and wasm.mimetype == "application/wasm"
    wasm.close()


def test_a_manager_turns_the_other_stores_on_in_the_settings_and_off_again(app, client, auth,
                                                                          shop):
    from floorapp.models import Role, Store
    from tests.factories import make_user

    with app.app_context():
        store = db.session.get(Store, shop["store"])
        make_user(login="boss", role=Role.MANAGER, store=store)
        code, name, zone = store.code, store.name, store.timezone
    url = f"/s/{shop['token']}/check?q=NW100-10W"
    assert "At Fifth Avenue" not in client.get(url).text
    auth.login("boss")
    settings = {"name": name, "timezone": zone, "acknowledge_target_s": "60",
                "reach_target_s": "180"}
    page = client.get(f"/stores/{code}/settings").text
    assert 'name="show_other_stores"' in page and "never how many" in page
    assert client.post(f"/stores/{code}/settings",
                       data={**settings, "show_other_stores": "on"}).status_code == 302
    assert "At Fifth Avenue" in client.get(url).text
    client.post(f"/stores/{code}/settings", data=settings)  # unticked: off
    assert "At Fifth Avenue" not in client.get(url).text
