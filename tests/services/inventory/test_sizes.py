"""Sizes sort the way a shoe wall and a clothes rail are laid out."""

import random

import pytest

from floorapp.errors import InvalidInput
from floorapp.services.inventory.sizes import size_sort_key, width_sort_key


def test_shoe_sizes_sort_numerically_with_half_sizes_and_kids_first():
    natural = ["10C", "10.5C", "13.5C", "1Y", "3.5Y", "7Y", "5", "5.5", "6", "9.5", "10",
               "10.5", "11", "13"]
    shuffled = natural[:]
    random.Random(4).shuffle(shuffled)
    assert sorted(shuffled, key=size_sort_key) == natural


def test_letter_sizes_sort_from_extra_small_to_extra_large():
    natural = ["XS", "S", "M", "L", "XL", "XXL"]
    assert sorted(reversed(natural), key=size_sort_key) == natural


def test_widths_sort_narrow_medium_wide():
    assert sorted(["W", "N", "XW", "M"], key=width_sort_key) == ["N", "M", "W", "XW"]


@pytest.mark.parametrize("label", ["", "huge", "9.25", "99", "14C", "-1"])
def test_unknown_sizes_are_refused_with_a_message(label):
    with pytest.raises(InvalidInput, match="size"):
        size_sort_key(label)


def test_lower_case_and_trailing_zero_labels_mean_the_same_size():
    assert size_sort_key("xl") == size_sort_key("XL")
    assert size_sort_key("9.0") == size_sort_key("9")
