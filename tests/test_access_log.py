"""Tokens stay out of the logs: gunicorn's access log and the app's own name the route instead."""

import logging
import time

import pytest
import requests
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from floorapp import create_app
from floorapp.access_log import redact
from floorapp.extensions import db
from floorapp.models import HelpRequest
from tests.factories import make_help_request, make_sign
from tests.gunicorn_server import Gunicorn

SIGN = "SIGNtokenSIGNtokenSIGNtokenSIGN1"
STATUS = "STATUStokenSTATUStokenSTATUStok"


@pytest.mark.parametrize("text, logged", [
    (f"GET /s/{SIGN} HTTP/1.1", "GET /s/<sign_token> HTTP/1.1"),
    (f"/h/{STATUS}", "/h/<public_token>"),
    (f"/h/{STATUS}/cancel", "/h/<public_token>/cancel"),
    (f"/api/v1/help-requests/{STATUS}/events?last_event_id=4",
     "/api/v1/help-requests/<public_token>/events?last_event_id=4"),
    (f"/api/v1/signs/{SIGN}/products?q=trail", "/api/v1/signs/<sign_token>/products?q=trail"),
    (f"https://help.example/h/{STATUS}", "https://help.example/h/<public_token>"),
    (f"/login?next=/h/{STATUS}", "/login?next=/h/<public_token>"),
    (f"/login?next=%2Fh%2F{STATUS}", "/login?next=%2Fh%2F<public_token>"),
    (f"/x?token={STATUS}&access_token=abc&a=1", "/x?token=<token>&access_token=<token>&a=1"),
    ("/static/css/app.css", "/static/css/app.css"),
    ("/stores/NYC-1/signs/print?sign=3", "/stores/NYC-1/signs/print?sign=3"),
])
def test_a_token_in_a_path_or_query_is_replaced_by_its_route_pattern(text, logged):
    assert redact(text) == logged


@pytest.fixture
def served(tmp_path):
    """A real gunicorn on a SQLite file with one sign and one help request, access log on."""
    url = f"sqlite:///{tmp_path / 'floorapp.sqlite3'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x"})
    with app.app_context():
        db.create_all()
        sign = make_sign()
        sign.token = SIGN
        make_help_request(sign=sign).public_token = STATUS
        db.session.commit()
        db.engine.dispose()
    access_log = tmp_path / "access.log"
    server = Gunicorn(url, workers=1, env={"GUNICORN_CMD_ARGS": f"--access-logfile {access_log}"},
                      log_path=tmp_path / "gunicorn.log")
    with server:
        yield server, access_log


def _logged_once_written(access_log, last: str, *, within_s: float = 5.0) -> str:
    """Return the log once the last request's line is in: gunicorn writes it after answering."""
    deadline = time.monotonic() + within_s
    while last not in (logged := access_log.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return logged


def test_the_access_log_of_a_real_gunicorn_names_routes_not_tokens(served):
    server, access_log = served
    referer = {"Referer": f"{server.url}/h/{STATUS}"}
    assert requests.get(f"{server.url}/h/{STATUS}", timeout=10).status_code == 200
    assert requests.get(f"{server.url}/s/{SIGN}", timeout=10).status_code == 200
    assert requests.get(f"{server.url}/api/v1/help-requests/{STATUS}", timeout=10).ok
    requests.get(f"{server.url}/api/v1/signs/{SIGN}/products?q=trail", timeout=10)
    requests.get(f"{server.url}/static/css/app.css", headers=referer, timeout=10)
    requests.post(f"{server.url}/h/{STATUS}/cancel", allow_redirects=False, timeout=10)
    requests.get(f"{server.url}/healthz?token={STATUS}", timeout=10)
    logged = _logged_once_written(access_log, "/healthz?")
    assert logged.count("\n") >= 7, logged
    assert STATUS not in logged and SIGN not in logged
    assert "GET /h/<public_token> HTTP/1.1" in logged
    assert "GET /s/<sign_token> HTTP/1.1" in logged
    assert "/api/v1/help-requests/<public_token>" in logged
    assert "/api/v1/signs/<sign_token>/products?q=trail" in logged
    assert f"{server.url}/h/<public_token>" in logged  # the referer of the stylesheet
    assert "/healthz?token=<token>" in logged
    assert STATUS not in server.log_path.read_text()


def test_the_apps_own_log_names_the_route_when_the_database_is_gone(tmp_path, caplog):
    missing = tmp_path / "no-such-folder" / "floorapp.sqlite3"
    app = create_app({"DATABASE_URL": f"sqlite:///{missing}", "SECRET_KEY": "x",
                      "TESTING": True})
    with caplog.at_level(logging.WARNING, logger="floorapp"):
        response = app.test_client().get(f"/h/{STATUS}")
    assert response.status_code == 503
    assert "/h/<public_token>" in caplog.text
    assert STATUS not in caplog.text


def test_a_database_error_never_quotes_the_token_it_was_asked_about(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
                      "SECRET_KEY": "x"})
    with app.app_context(), pytest.raises(OperationalError) as failed:
        db.session.scalar(select(HelpRequest).where(HelpRequest.public_token == STATUS))
    assert "help_requests" in str(failed.value)  # no such table: the query is named
    assert STATUS not in str(failed.value)  # but not its parameters
