"""The VAPID key: made once into the instance folder, or given; every worker signs with it."""

import stat

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from floorapp import create_app
from floorapp.config import ConfigError
from floorapp.services.notify import vapid
from tests.conftest import _test_config


def app_in(instance, **overrides):
    """An app whose instance folder is `instance` (where the key is kept)."""
    return create_app(_test_config(f"sqlite:///{instance / 'db.sqlite3'}", **overrides),
                      instance_path=str(instance))


def server_key(app) -> str:
    with app.app_context():
        return vapid.application_server_key()


def pem(key: ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def test_the_key_is_made_once_into_the_instance_folder_readable_by_its_owner_only(tmp_path):
    first = server_key(app_in(tmp_path))
    path = tmp_path / "vapid_private_key.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert len(first) == 87 and first.startswith("B")  # a 65-byte uncompressed point
    assert server_key(app_in(tmp_path)) == first  # a restart keeps it


def test_two_apps_on_one_instance_folder_agree_on_the_key(tmp_path):
    workers = [app_in(tmp_path), app_in(tmp_path)]
    assert server_key(workers[0]) == server_key(workers[1])
    assert len(list(tmp_path.glob(".vapid_private_key.pem.*"))) == 0  # no temporary left


def test_a_pem_key_from_the_environment_is_used_and_nothing_is_written(tmp_path, monkeypatch):
    key = ec.generate_private_key(ec.SECP256R1())
    monkeypatch.setenv("FLOORAPP_VAPID_PRIVATE_KEY", pem(key))
    expected = vapid.b64url_encode(key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))
    assert server_key(app_in(tmp_path)) == expected
    assert not (tmp_path / "vapid_private_key.pem").exists()


def test_a_raw_base64url_key_as_other_tools_print_it_is_the_same_key(tmp_path, monkeypatch):
    key = ec.generate_private_key(ec.SECP256R1())
    raw = vapid.b64url_encode(key.private_numbers().private_value.to_bytes(32, "big"))
    monkeypatch.setenv("FLOORAPP_VAPID_PRIVATE_KEY", raw)
    from_raw = server_key(app_in(tmp_path))
    monkeypatch.setenv("FLOORAPP_VAPID_PRIVATE_KEY", pem(key))
    assert server_key(app_in(tmp_path)) == from_raw


@pytest.mark.parametrize("text", [
    "junk",  # decodes to 3 bytes: a valid, guessable scalar unless refused
    "not base64url!",
    vapid.b64url_encode(b"\x00" * 32),  # zero is no private key
    vapid.b64url_encode(b"\xff" * 32),  # above the curve's order
    pem(ec.generate_private_key(ec.SECP384R1())),
    "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
])
def test_a_bad_key_stops_start_up_with_a_config_error(tmp_path, text):
    with pytest.raises(ConfigError, match="FLOORAPP_VAPID_PRIVATE_KEY"):
        app_in(tmp_path, VAPID_PRIVATE_KEY=text)


def test_flask_push_key_prints_the_public_key(tmp_path):
    app = app_in(tmp_path)
    result = app.test_cli_runner().invoke(args=["push", "key"])
    assert result.exit_code == 0 and result.output.strip() == server_key(app)
