"""Logging in and out: fresh sessions, one message for every failure, throttling."""

from floorapp.extensions import db
from floorapp.models import Role, User
from floorapp.services.org import users
from tests.factories import TEST_PASSWORD, make_store, make_user


def test_an_associate_logs_in_and_lands_on_their_home_store(app, client, auth):
    with app.app_context():
        store = make_store(code="NYC-1", name="Fifth Avenue")
        make_user(login="maria", name="Maria Garcia", store=store)
    response = auth.login("maria")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/", follow_redirects=True)
    assert page.status_code == 200
    assert "Fifth Avenue" in page.text
    assert "Maria Garcia" in page.text


def test_login_is_case_insensitive_and_records_the_time(app, auth):
    with app.app_context():
        make_user(login="maria")
    assert auth.login("  MARIA ").status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(User.last_login_at)) is not None


def test_wrong_password_and_unknown_login_give_the_same_answer(app, auth):
    with app.app_context():
        make_user(login="maria")
    wrong_password = auth.login("maria", "not-the-password")
    unknown_user = auth.login("nobody", "not-the-password")
    assert wrong_password.status_code == unknown_user.status_code == 401
    assert "don&#39;t match an active account" in wrong_password.text
    assert _error_text(wrong_password) == _error_text(unknown_user)


def test_a_deactivated_user_cannot_log_in(app, auth):
    with app.app_context():
        make_user(login="gone", active=False)
    assert auth.login("gone").status_code == 401


def test_deactivating_a_user_ends_their_open_session(app, client, auth):
    with app.app_context():
        make_user(login="maria")
    auth.login("maria")
    assert client.get("/", follow_redirects=True).status_code == 200
    with app.app_context():
        users.deactivate("maria")
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_logout_ends_the_session(app, client, auth):
    with app.app_context():
        make_user(login="maria")
    auth.login("maria")
    assert auth.logout().headers["Location"] == "/login"
    assert client.get("/").headers["Location"].startswith("/login")


def test_logout_needs_a_post(app, client, auth):
    with app.app_context():
        make_user(login="maria")
    auth.login("maria")
    assert client.get("/logout").status_code == 405


def test_login_returns_to_a_local_next_page_only(app, client, auth):
    with app.app_context():
        store = make_store(code="NYC-1")
        make_user(login="maria", store=store)
    local = client.post("/login?next=/stores/NYC-1", data=_credentials("maria"))
    assert local.headers["Location"] == "/stores/NYC-1"
    auth.logout()
    for hostile in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post(f"/login?next={hostile}", data=_credentials("maria"))
        assert response.headers["Location"] == "/", hostile
        auth.logout()


def _app_with_users(make_app, *logins: str, **config):
    """Return an app made with `config` and a user (with the test password) per login."""
    app = make_app(**config)
    with app.app_context():
        for login in logins:
            make_user(login=login)
    return app


def test_repeated_failures_for_one_account_answer_429_for_a_while(make_app):
    app = _app_with_users(make_app, "maria", LOGIN_LIMIT_PER_ACCOUNT="3 per 15 minutes")
    client = app.test_client()
    statuses = [client.post("/login", data=_credentials("maria", "wrong-guess")).status_code
                for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    # even the right password is refused until the window passes
    assert client.post("/login", data=_credentials("maria")).status_code == 429
    # another account from the same address is not locked by it
    with app.app_context():
        make_user(login="james")
    assert client.post("/login", data=_credentials("james")).status_code == 302


def test_repeated_failures_from_one_address_answer_429_across_accounts(make_app):
    app = make_app(LOGIN_LIMIT_PER_ADDRESS="3 per 15 minutes")
    client = app.test_client()
    statuses = [client.post("/login", data=_credentials(f"guess{n}", "wrong-guess")).status_code
                for n in range(4)]
    assert statuses == [401, 401, 401, 429]
    assert "Slow down" in client.post("/login", data=_credentials("x", "y")).text


def test_successful_logins_do_not_count_towards_the_limit(make_app):
    app = _app_with_users(make_app, "maria", LOGIN_LIMIT_PER_ACCOUNT="2 per 15 minutes")
    client = app.test_client()
    for _ in range(4):
        assert client.post("/login", data=_credentials("maria")).status_code == 302
        client.post("/logout")


def test_the_login_form_refuses_a_post_without_its_csrf_token(make_app):
    app = _app_with_users(make_app, "maria", WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/login", data=_credentials("maria"))
    assert response.status_code == 400
    assert "form has expired" in response.text


def test_the_login_form_accepts_a_post_with_its_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        make_user(login="maria", role=Role.ASSOCIATE)
    page = client.get("/login").text
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/login", data={**_credentials("maria"), "csrf_token": token})
    assert response.status_code == 302


def test_an_empty_login_form_is_a_clear_400(client):
    response = client.post("/login", data={"login": "", "password": ""})
    assert response.status_code == 400
    assert "This field is required." in response.text


def _credentials(login, password=None):
    from tests.factories import TEST_PASSWORD

    return {"login": login, "password": password or TEST_PASSWORD}


def _error_text(response) -> str:
    return response.text.split('role="alert">')[1].split("<")[0]


def test_failed_logins_are_counted_across_workers_with_redis_storage(make_app):
    """Two app instances stand for two gunicorn workers sharing one Redis."""
    import uuid

    import redis

    prefix = f"floorapp-test-{uuid.uuid4().hex}"
    config = {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
              "RATELIMIT_KEY_PREFIX": prefix, "LOGIN_LIMIT_PER_ACCOUNT": "2 per 15 minutes"}
    first, second = make_app(**config).test_client(), make_app(**config).test_client()
    try:
        assert first.post("/login", data=_credentials("maria", "guess-1")).status_code == 401
        assert second.post("/login", data=_credentials("maria", "guess-2")).status_code == 401
        assert first.post("/login", data=_credentials("maria", "guess-3")).status_code == 429
        assert second.post("/login", data=_credentials("maria", "guess-4")).status_code == 429
    finally:
        connection = redis.Redis.from_url("redis://127.0.0.1:6379/0")
        for key in connection.scan_iter(f"*{prefix}*"):
            connection.delete(key)


# The lockout slows guessing without locking the owner out (the OWASP "device cookie"):
# a successful login marks the browser as a usual device of that account, whose attempts
# are counted on their own; everybody else's failures count per (account, address) and,
# across every address, against the account.

ATTACKER = {"REMOTE_ADDR": "203.0.113.9"}
WRONG = "wrong-guess"


def _guess(client, login: str, password: str = WRONG, **environ) -> int:
    return client.post("/login", data=_credentials(login, password),
                       environ_base=environ).status_code


def test_an_attackers_failures_elsewhere_do_not_lock_the_owner_out_of_their_usual_device(
        make_app):
    app = _app_with_users(make_app, "maria", LOGIN_LIMIT_PER_ACCOUNT="3 per 15 minutes")
    owner, attacker = app.test_client(), app.test_client()
    assert _guess(owner, "maria", TEST_PASSWORD) == 302  # her handheld becomes a usual device
    owner.post("/logout")
    statuses = [_guess(attacker, "maria", **ATTACKER) for _ in range(6)]
    assert statuses[-1] == 429  # the attacker is still limited
    assert _guess(attacker, "maria", TEST_PASSWORD, **ATTACKER) == 429  # even when right
    assert _guess(owner, "maria", TEST_PASSWORD) == 302  # the owner is not


def test_an_attacker_switching_addresses_is_limited_across_the_account(make_app):
    app = _app_with_users(make_app, "maria", LOGIN_LIMIT_PER_ACCOUNT="4 per 15 minutes",
                          LOGIN_LIMIT_PER_ACCOUNT_ADDRESS="2 per 15 minutes")
    attacker = app.test_client()
    first_address = [_guess(attacker, "maria", REMOTE_ADDR="203.0.113.1") for _ in range(3)]
    assert first_address == [401, 401, 429]  # per (account, address)
    others = [_guess(attacker, "maria", REMOTE_ADDR=f"198.51.100.{n}") for n in range(3)]
    assert others == [401, 401, 429]  # then the account-wide allowance of strangers is used up


def test_a_usual_device_is_limited_on_its_own_and_only_for_its_account(make_app):
    app = _app_with_users(make_app, "maria", "james", LOGIN_LIMIT_PER_DEVICE="2 per 15 minutes",
                          LOGIN_LIMIT_PER_ACCOUNT="50 per 15 minutes")
    handheld = app.test_client()
    assert _guess(handheld, "maria", TEST_PASSWORD) == 302
    handheld.post("/logout")
    assert [_guess(handheld, "maria") for _ in range(3)] == [401, 401, 429]
    # the device cookie vouches for maria only: james's guesses count as a stranger's
    assert [_guess(handheld, "james") for _ in range(3)] == [401, 401, 401]


def test_a_forged_device_cookie_vouches_for_nobody(make_app):
    app = _app_with_users(make_app, "maria", LOGIN_LIMIT_PER_ACCOUNT="2 per 15 minutes")
    client = app.test_client()
    client.set_cookie("floorapp_device", "eyJsb2dpbnMiOlsibWFyaWEiXX0.forged")
    assert [_guess(client, "maria") for _ in range(3)] == [401, 401, 429]
    assert _guess(client, "maria", TEST_PASSWORD) == 429


def test_the_device_cookie_is_http_only_and_lax(make_app):
    app = _app_with_users(make_app, "maria")
    client = app.test_client()
    response = client.post("/login", data=_credentials("maria"))
    cookie = next(h for h in response.headers.getlist("Set-Cookie")
                  if h.startswith("floorapp_device="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=" in cookie
