"""Errors speak one vocabulary; the health check tells the truth about the database."""

import pytest

from floorapp import create_app
from floorapp.errors import Conflict
from floorapp.extensions import db


def test_the_health_check_names_the_backend(app, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert response.json["database"]["backend"] == app.config["SQLALCHEMY_DATABASE_URI"].split(
        ":")[0].split("+")[0]
    # create_all() made these tables, not the migrations, so there is no revision
    assert response.json["database"]["revision"] is None


@pytest.mark.parametrize("url", [
    "postgresql+psycopg://postgres@127.0.0.1:1/nothing",
    "sqlite:////nonexistent-directory/for/floorapp.sqlite3",
])
def test_the_health_check_answers_503_when_the_database_is_unreachable(url):
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x", "DATABASE_CONNECT_TIMEOUT_S": 2})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    assert "unreachable" in response.json["error"]


def test_a_pool_with_no_free_connection_answers_503_not_500(make_app):
    app = make_app(SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0,
                                              "pool_timeout": 0.2})
    with app.app_context(), db.engine.connect():  # the pool's only connection, held
        response = app.test_client().get("/api/v1/signs/no-such-sign")
    assert response.status_code == 503
    assert response.json["error"]["code"] == "database_unavailable"
    assert "Retry-After" in response.headers


def test_an_unknown_api_path_answers_json(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json == {"error": {"code": "not_found", "message": response.json[
        "error"]["message"]}}


def test_an_unknown_page_answers_an_html_page(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "<h1>Not found</h1>" in response.text


def test_a_wrong_method_on_the_api_answers_json(client):
    response = client.delete("/api/v1/openapi.json")
    assert response.status_code == 405
    assert response.json["error"]["code"] == "method_not_allowed"


def test_a_domain_error_in_the_api_keeps_its_code_and_status(make_app):
    app = _app_with_failing_routes(make_app)
    response = app.test_client().get("/api/v1/test-conflict")
    assert response.status_code == 409
    assert response.json == {"error": {"code": "already_claimed",
                                       "message": "Someone claimed it first."}}


def test_an_unexpected_error_answers_500_without_details(make_app):
    app = _app_with_failing_routes(make_app)
    client = app.test_client()
    api = client.get("/api/v1/test-crash")
    assert api.status_code == 500
    assert api.json["error"]["code"] == "internal_error"
    assert "secret detail" not in api.text
    page = client.get("/test-crash")
    assert page.status_code == 500
    assert "Something went wrong" in page.text and "secret detail" not in page.text


def test_the_openapi_document_is_served(client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.")
    assert "Error" in document["components"]["schemas"]


def _app_with_failing_routes(make_app):
    """Build an app with routes that fail on purpose (added before its first request)."""
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    def conflict():
        raise Conflict("Someone claimed it first.", code="already_claimed")

    def crash():
        raise RuntimeError("secret detail")

    app.add_url_rule("/api/v1/test-conflict", view_func=conflict)
    app.add_url_rule("/api/v1/test-crash", view_func=crash)
    app.add_url_rule("/test-crash", endpoint="page_crash", view_func=crash)
    return app
