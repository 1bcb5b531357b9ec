"""The public base URL: checked at start-up, and the only host the app prints for the outside."""

import pytest

from floorapp import create_app
from floorapp.config import ConfigError


def _app(**config):
    return create_app({"SECRET_KEY": "x", "DATABASE_URL": "sqlite://", **config})


def test_the_default_base_url_is_the_address_make_run_serves(monkeypatch):
    monkeypatch.delenv("FLOORAPP_PUBLIC_BASE_URL", raising=False)
    assert _app().config["PUBLIC_BASE_URL"] == "http://127.0.0.1:8000"


def test_the_base_url_comes_from_the_environment_without_its_trailing_slash(monkeypatch):
    monkeypatch.setenv("FLOORAPP_PUBLIC_BASE_URL", "https://help.shoes.example/")
    assert _app().config["PUBLIC_BASE_URL"] == "https://help.shoes.example"


@pytest.mark.parametrize("url, complaint", [
    ("help.shoes.example", "http or https"),
    ("ftp://help.shoes.example", "http or https"),
    ("javascript:alert(1)", "http or https"),
    ("https://", "a host"),
    ("https://help.shoes.example/floor", "no path"),
    ("https://help.shoes.example/?x=1", "no path"),
    ("https://help.shoes.example#top", "no path"),
    ("https://user:pw@help.shoes.example", "no user"),
    ("https://help.shoes.example:99999", "port"),
])
def test_a_bad_base_url_stops_start_up_with_one_clear_line(url, complaint):
    with pytest.raises(ConfigError, match="FLOORAPP_PUBLIC_BASE_URL") as refused:
        _app(PUBLIC_BASE_URL=url)
    assert complaint in refused.value.message

