"""One answer to "does this text identify a person" for every app (trivsel/identifying.py): an
anonymous consultation's topic and a forum's theme are held to the same rules."""

import pytest
from django.utils import translation

from trivsel.identifying import identifying_problems

CPR = "The text contains something that looks like a CPR number."
CHILD = "The text contains the name of a child."
FULL_NAME = "The text seems to contain a person's full name."


def problems(*texts, names=()):
    with translation.override("en"):
        return identifying_problems(
            *texts, someone_named=lambda words: bool(set(names) & set(words))
        )


@pytest.mark.parametrize("text", ["Om 170521-4123", "Om 1705214123", "Om 170521 4123"])
def test_it_finds_a_cpr_number_with_or_without_the_dash(text):
    assert problems(text) == [CPR]


@pytest.mark.parametrize("text", ["Sag 12345678901", "Telefon 12 34 56 78", "Uge 17-2025"])
def test_it_leaves_other_numbers_alone(text):
    assert problems(text) == []


def test_it_finds_the_name_of_someone_the_caller_knows_by_the_first_name_alone():
    assert problems("Alma har meget fravær", names={"Alma"}) == [CHILD]
    assert problems("Hvordan har Alma Hansen det?", names={"Alma"}) == [CHILD]


def test_it_finds_what_looks_like_a_full_name():
    assert problems("Mor hedder Karen Olsen") == [FULL_NAME]
    assert problems("Mor hedder Søren Ærø") == [FULL_NAME]


def test_every_problem_is_named_once_in_a_fixed_order():
    assert problems("Karen Olsen, 1705214123", "Alma igen", names={"Alma"}) == [
        CPR,
        CHILD,
        FULL_NAME,
    ]
    assert problems("1705214123", "170521-4123") == [CPR]


def test_each_text_is_read_on_its_own():
    # A title's last word and a description's first are not a full name.
    assert problems("Sprogarbejde", "Dialogisk læsning i små grupper") == []
    assert problems("Sprogarbejde\nDialogisk læsning") == [FULL_NAME]


def test_a_general_text_has_no_problems_and_no_caller_is_needed():
    assert identifying_problems("Et barn med meget fravær") == []
    assert problems("En elev der er ked af det", names={"Alma"}) == []
