"""Configuration comes from defaults, FLOORAPP_* variables and overrides, checked at start."""

import stat
import subprocess
import sys

import pytest

from floorapp import create_app
from floorapp.config import ConfigError


def test_secret_key_is_generated_once_and_kept_private_in_the_instance_folder(
        tmp_path, monkeypatch):
    monkeypatch.delenv("FLOORAPP_SECRET_KEY", raising=False)
    first = _app_with_instance(tmp_path, monkeypatch)
    second = _app_with_instance(tmp_path, monkeypatch)
    key_file = tmp_path / "instance" / "secret_key"
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text()
    assert len(first.config["SECRET_KEY"]) == 64
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_secret_key_from_the_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("FLOORAPP_SECRET_KEY", "from-the-environment")
    app = _app_with_instance(tmp_path, monkeypatch)
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert not (tmp_path / "instance" / "secret_key").exists()


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("FLOORAPP_DATABASE_URL", raising=False)
    app = _app_with_instance(tmp_path, monkeypatch)
    expected = f"sqlite:///{tmp_path / 'instance' / 'floorapp.sqlite3'}"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == expected


def test_a_postgresql_url_without_a_driver_uses_psycopg(monkeypatch):
    monkeypatch.setenv("FLOORAPP_DATABASE_URL", "postgresql://shop@db.internal/floor")
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://shop@db.internal/floor"


def test_database_url_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("FLOORAPP_DATABASE_URL", "postgresql+psycopg://shop@db.internal/floor")
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://shop@db.internal/floor"


@pytest.mark.parametrize(("url", "complaint"), [
    ("not a url", "is not a database URL"),
    ("mysql://root@localhost/floor", "uses 'mysql'"),
    ("postgresql+psycopg2://postgres@localhost/floor", "uses 'postgresql+psycopg2'"),
    ("sqlite+pysqlcipher:///x.db", "uses 'sqlite+pysqlcipher'"),
])
def test_a_bad_database_url_stops_start_up_with_one_clear_line(monkeypatch, url, complaint):
    monkeypatch.setenv("FLOORAPP_DATABASE_URL", url)
    with pytest.raises(ConfigError) as raised:
        create_app({"SECRET_KEY": "x"})
    message = str(raised.value.code)
    assert message.startswith("floorapp: FLOORAPP_DATABASE_URL")
    assert complaint in message
    assert "\n" not in message


def test_a_bad_database_url_in_a_flask_command_prints_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "floorapp", "db", "upgrade"],
        env={"FLOORAPP_DATABASE_URL": "nonsense://", "FLOORAPP_SECRET_KEY": "x",
             "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=60, cwd=tmp_path, check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "floorapp: FLOORAPP_DATABASE_URL uses 'nonsense'; "
        "use sqlite:///path or postgresql+psycopg://user@host/db"
    ]


def _app_with_instance(tmp_path, monkeypatch):
    """Build an app whose instance folder is under tmp_path."""
    return create_app(instance_path=str(tmp_path / "instance"))


@pytest.mark.parametrize(("settings", "complaint"), [
    ({"TWILIO_API_BASE_URL": "http://127.0.0.1:9"}, "FLOORAPP_TWILIO_API_BASE_URL"),
    ({"TWILIO_API_BASE_URL": "https://api.twilio.com.evil.example"},
     "FLOORAPP_TWILIO_API_BASE_URL"),
    ({"TWILIO_API_ALLOW": "api.twilio.com"}, "FLOORAPP_TWILIO_API_ALLOW"),
    ({"SMS_BACKEND": "carrier-pigeon"}, "FLOORAPP_SMS_BACKEND"),
    ({"SMS_BACKEND": "twilio"}, "needs FLOORAPP_TWILIO_ACCOUNT_SID"),
    ({"SMS_DEFAULT_REGION": "XX"}, "FLOORAPP_SMS_DEFAULT_REGION"),
])
def test_bad_text_settings_stop_start_up(tmp_path, settings, complaint):
    """Only https://api.twilio.com is allowed by default: the server never posts a
    customer's number anywhere else."""
    with pytest.raises(ConfigError) as raised:
        create_app({"SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db", **settings})
    assert complaint in str(raised.value.code)


def test_the_default_text_settings_allow_only_twilios_api():
    from floorapp.config import Defaults

    assert Defaults.TWILIO_API_ALLOW == "https://api.twilio.com/"
    assert Defaults.TWILIO_API_BASE_URL == "https://api.twilio.com"
    assert Defaults.SMS_BACKEND == "log"
