"""The allow-list of push endpoints: the server POSTs only to push services it was told of."""

import pytest

from floorapp.config import ConfigError, push_endpoint_allow
from floorapp.services.notify.endpoints import MAX_ENDPOINT_LENGTH, endpoint_problem

DEFAULTS = push_endpoint_allow(
    "https://fcm.googleapis.com/,https://*.push.services.mozilla.com/,"
    "https://*.push.apple.com/,https://*.notify.windows.com/")
LOCAL = ("http://127.0.0.1:",)


@pytest.mark.parametrize("url", [
    "https://fcm.googleapis.com/fcm/send/abc:APA91b",
    "https://updates.push.services.mozilla.com/wpush/v2/gAAAA",
    "https://web.push.apple.com/QGuQyavXutnMH",
    "https://wns2-par02p.notify.windows.com/w/?token=BQYAAA",
])
def test_the_browsers_push_services_are_allowed_by_default(url):
    assert endpoint_problem(url, DEFAULTS) is None


@pytest.mark.parametrize("url", [
    "https://push.services.mozilla.com/wpush/v2/x",  # "*." wants a subdomain
    "https://evilpush.services.mozilla.com/x",  # not a subdomain, a lookalike
    "https://push.services.mozilla.com.evil.example/x",
    "https://fcm.googleapis.com.evil.example/fcm/send/x",
    "https://fcm.googleapis.com@evil.example/fcm/send/x",
    "https://evil.example/https://fcm.googleapis.com/",
    "https://fcm.googleapis.co/fcm/send/x",
])
def test_lookalike_hosts_are_refused(url):
    assert endpoint_problem(url, DEFAULTS) is not None


def test_a_wildcard_port_or_scheme_other_than_listed_is_refused():
    assert endpoint_problem("https://web.push.apple.com:8443/x", DEFAULTS) is not None
    assert endpoint_problem("http://web.push.apple.com/x", DEFAULTS) is not None
    assert endpoint_problem("https://fcm.googleapis.com:443/fcm/x", DEFAULTS) is not None


def test_plain_http_is_allowed_only_where_listed_with_its_port_prefix():
    assert endpoint_problem("http://127.0.0.1:8123/push/abc", DEFAULTS) is not None
    assert endpoint_problem("http://127.0.0.1:8123/push/abc", LOCAL) is None
    assert endpoint_problem("http://127.0.0.10:8123/push/abc", LOCAL) is not None
    assert endpoint_problem("http://127.0.0.1/push/abc", LOCAL) is not None
    only_8123 = push_endpoint_allow("http://127.0.0.1:8123/")
    assert endpoint_problem("http://127.0.0.1:8124/push/abc", only_8123) is not None


@pytest.mark.parametrize("url", [
    "https://user:pass@fcm.googleapis.com/fcm/send/x",
    "https://user@fcm.googleapis.com/fcm/send/x",
    "https://fcm.googleapis.com/fcm/send/x#fragment",
])
def test_credentials_or_a_fragment_are_refused(url):
    assert "no user, password or fragment" in endpoint_problem(url, DEFAULTS)


@pytest.mark.parametrize("url", [
    "https://fcm.googleapis.com/fcm/send/\u00e9",
    "https://fcm.googleapis.com/fcm/send/x y",
    "https://fcm.googleapis.com/fcm/send/x\n",
    "https://xn--fcm-googleapis.com/x",  # punycode is ASCII, and not listed
    "https://fcm.googl\u0435apis.com/fcm/send/x",  # a Cyrillic "е"
])
def test_unicode_spaces_and_control_characters_are_refused(url):
    assert endpoint_problem(url, DEFAULTS) is not None


def test_an_endpoint_longer_than_1024_characters_is_refused():
    base = "https://fcm.googleapis.com/fcm/send/"
    assert endpoint_problem(base + "x" * (MAX_ENDPOINT_LENGTH - len(base)), DEFAULTS) is None
    too_long = base + "x" * (MAX_ENDPOINT_LENGTH - len(base) + 1)
    assert "longer than 1024" in endpoint_problem(too_long, DEFAULTS)


@pytest.mark.parametrize("value", [None, "", 42, ["https://fcm.googleapis.com/"]])
def test_something_other_than_a_url_is_refused(value):
    assert endpoint_problem(value, DEFAULTS) == "endpoint must be a URL"


@pytest.mark.parametrize("prefix", ["https://fcm.googleapis.com", "ftp://x.example/",
                                    "https://u:p@x.example/", "fcm.googleapis.com/"])
def test_an_allow_list_entry_that_could_admit_lookalikes_stops_start_up(prefix):
    with pytest.raises(ConfigError, match="FLOORAPP_PUSH_ENDPOINT_ALLOW"):
        push_endpoint_allow(prefix)
