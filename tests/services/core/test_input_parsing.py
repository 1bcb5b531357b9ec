"""The one reading of ids, enums, dates and control characters (services/core/input_parsing.py)."""

from datetime import date

import pytest

from floorapp.errors import InvalidInput
from floorapp.models import Outcome, Role
from floorapp.services.core.input_parsing import (
    MAX_ID,
    bounded_number,
    enum_value,
    has_control_characters,
    id_or_none,
    optional_id,
    parse_date,
    parse_id,
    whole_number,
)
from floorapp.services.help import product_match

NOT_IDS = ["²", "٣", "١٢", "-1", "+1", " 1", "1 ", "1.0", "1e3", "0x1", "9" * 30,
           str(MAX_ID + 1), "0", "", None, True, 1.5, [1], "1\n"]


@pytest.mark.parametrize("value", NOT_IDS)
def test_anything_but_ascii_digits_of_a_database_id_is_not_an_id(value):
    assert id_or_none(value) is None
    with pytest.raises(InvalidInput):
        parse_id(value, label="zone")


@pytest.mark.parametrize(("value", "expected"), [("1", 1), ("0042", 42), (7, 7),
                                                 (str(MAX_ID), MAX_ID)])
def test_ascii_digits_and_ints_in_range_are_ids(value, expected):
    assert parse_id(value) == expected == id_or_none(value)


def test_an_empty_optional_id_is_none_but_a_bad_one_is_refused():
    assert optional_id(None) is None and optional_id("") is None
    with pytest.raises(InvalidInput, match="zone"):
        optional_id("²", label="zone")


def test_a_whole_number_may_be_zero_and_its_bound_is_counted_in_digits_first():
    assert whole_number("0") == 0
    assert whole_number("9" * 5000) is None  # refused before int() could fail on it
    assert whole_number("123", maximum=100) is None


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1f", "\x7f", "\x80", "\x85", "\x9f"])
def test_c0_del_and_c1_are_control_characters(char):
    assert has_control_characters(f"a{char}b")
    assert has_control_characters(f"a{char}b", multi_line=False)


def test_tab_and_line_breaks_pass_only_in_multi_line_text():
    assert not has_control_characters("a\tb\r\nc")
    assert has_control_characters("a\tb", multi_line=False)
    assert not has_control_characters("naïve café ½ — ok", multi_line=False)


@pytest.mark.parametrize("size", ["²", "٣", "٣.5"])
def test_a_size_in_unicode_digits_is_not_read_as_a_shoe_size(size):
    assert product_match.parse_size(size) is None


def test_an_enum_value_is_read_by_its_value_and_a_refusal_names_the_choices():
    assert enum_value(Role, "manager", "role") is Role.MANAGER
    assert enum_value(Role, Role.ADMIN, "role") is Role.ADMIN
    for wrong in ("Manager", " manager", "", None, 3, ["manager"]):
        with pytest.raises(InvalidInput, match="Unknown role .*; use one of associate, "):
            enum_value(Role, wrong, "role")


def test_an_enum_value_outside_the_allowed_ones_is_refused_with_the_given_message():
    helped = [Outcome.HELPED, Outcome.SOLD]
    assert enum_value(Outcome, "sold", "outcome", allowed=helped) is Outcome.SOLD
    with pytest.raises(InvalidInput, match="^Unknown outcome 'spam'; use one of helped, sold.$"):
        enum_value(Outcome, "spam", "outcome", allowed=helped)
    with pytest.raises(InvalidInput, match="^Not that one.$") as refused:
        enum_value(Outcome, "spam", "outcome", allowed=helped, message="Not that one.",
                   code="bad_outcome")
    assert refused.value.code == "bad_outcome"


@pytest.mark.parametrize("value", ["2026-W10-1", "20260308", "2026-3-8", "２０２６-03-08",
                                   "2026-02-30", "2026-03-08T10"])
def test_only_a_real_date_written_yyyy_mm_dd_is_a_date(value):
    with pytest.raises(InvalidInput, match="is not a date like 2026-03-08"):
        parse_date(value, "from")


def test_a_date_may_carry_spaces_around_it_but_not_be_missing():
    assert parse_date(" 2026-03-08 ", "from") == date(2026, 3, 8)
    with pytest.raises(InvalidInput, match="The 'to' date is missing"):
        parse_date("  ", "to")


def test_an_id_refusal_may_say_what_to_do_instead():
    with pytest.raises(InvalidInput, match="^Choose a zone from the list.$") as refused:
        parse_id("٣", label="zone", message="Choose a zone from the list.")
    assert refused.value.code == "invalid_id"


@pytest.mark.parametrize("typed", ["²", "٣", "1_0", "+5", "5.0", "", " ", "0x10", "1" * 13])
def test_a_typed_number_is_ascii_digits_only(typed):
    with pytest.raises(InvalidInput, match="not a number"):
        bounded_number(typed, minimum=0, maximum=10, not_a_number="not a number",
                       too_small="too small")


@pytest.mark.parametrize(("typed", "expected"), [(" 7 ", 7), ("0", 0), (10, 10), ("-0", 0)])
def test_a_typed_number_in_range_is_read(typed, expected):
    assert bounded_number(typed, minimum=0, maximum=10, not_a_number="nan",
                          too_small="small") == expected


def test_a_typed_number_out_of_range_says_which_end():
    with pytest.raises(InvalidInput, match="small"):
        bounded_number("-1", minimum=0, maximum=10, not_a_number="nan", too_small="small",
                       too_large="large")
    with pytest.raises(InvalidInput, match="large"):
        bounded_number("11", minimum=0, maximum=10, not_a_number="nan", too_small="small",
                       too_large="large")
