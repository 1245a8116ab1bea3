"""What the desk types, read by services/parsing.py: fast tests, no database, no screen."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from moa_tui.services.errors import ValidationError
from moa_tui.services.parsing import (
    parse_colour,
    parse_day,
    parse_hours,
    parse_minutes,
    parse_provider_list,
    parse_time,
    parse_weekdays,
    parse_when,
    provider_list_text,
    weekdays_label,
)

TODAY = dt.date(2026, 11, 18)  # a Wednesday


def test_parse_when_with_a_time_needed_says_what_is_missing():
    assert parse_when("w", "12/24 9:10", today=TODAY, need_time=True) == dt.datetime(
        2026, 12, 24, 9, 10
    )
    assert parse_when("w", "t+1 2:30pm", today=TODAY, need_time=True) == dt.datetime(
        2026, 11, 19, 14, 30
    )
    with pytest.raises(ValidationError, match="A date and a time"):
        parse_when("w", "12/24", today=TODAY, need_time=True)
    with pytest.raises(ValidationError, match="noon is not a time"):
        parse_when("w", "12/24 noon", today=TODAY, need_time=True)
    with pytest.raises(ValidationError, match="is required"):
        parse_when("w", "  ", today=TODAY, need_time=True)


def test_parse_when_without_a_time_is_the_whole_day():
    assert parse_when("s", "12/24", today=TODAY) == dt.datetime(2026, 12, 24)
    assert parse_when("e", "12/24", today=TODAY, end=True) == dt.datetime(2026, 12, 25)


def test_parse_day_and_parse_when_default_to_the_clinics_today(monkeypatch):
    monkeypatch.setattr("moa_tui.services.clock.today", lambda: TODAY)
    assert parse_day("d", "t+1") == dt.date(2026, 11, 19)
    assert parse_when("w", "t 9") == dt.datetime(2026, 11, 18, 9)


@pytest.mark.parametrize(
    "text, digits",
    [
        ("", "0123456"),
        ("024", "024"),
        ("Mon,Wed,Fri", "024"),
        ("mon-fri", "01234"),
        ("tue thursday", "13"),
    ],
)
def test_parse_weekdays(text, digits):
    assert parse_weekdays("d", text) == digits


@pytest.mark.parametrize("text", ["7", "mon,8", "someday"])
def test_parse_weekdays_refuses(text):
    with pytest.raises(ValidationError, match="Days as digits"):
        parse_weekdays("d", text)


def test_weekdays_label():
    assert weekdays_label("0123456") == "every day"
    assert weekdays_label("01234") == "Mon-Fri"
    assert weekdays_label("024") == "Mon,Wed,Fri"


def test_parse_hours():
    assert parse_hours("h", "8:00-12:00, 1300-1700") == [("08:00", "12:00"), ("13:00", "17:00")]
    assert parse_hours("h", " ") == []
    with pytest.raises(ValidationError, match="overlap"):
        parse_hours("h", "8:00-12:00, 11:00-13:00")


def test_parse_minutes():
    assert parse_minutes("m", " 20 ", 5, 480, "Length is 5 to 480 minutes.") == 20
    assert parse_minutes("m", 30, 5, 480, "x") == 30
    for bad in ("4", "481", "", None, "²", "9" * 50, "-5", "20.5"):
        with pytest.raises(ValidationError, match="Length is 5 to 480"):
            parse_minutes("m", bad, 5, 480, "Length is 5 to 480 minutes.")


def test_parse_colour():
    assert parse_colour("c", " green ") == "green"
    assert parse_colour("c", "#3366cc") == "#3366cc"
    assert parse_colour("c", "") == ""
    for bad in ("#33", "Green!", "red; blue", "x" * 17):
        with pytest.raises(ValidationError):
            parse_colour("c", bad)


@dataclass
class _Provider:
    id: int
    name: str
    short_name: str


def test_provider_list_round_trip():
    providers = [_Provider(1, "Ada Lee", "Dr Lee"), _Provider(2, "Bo Leeds", "NP Leeds")]
    assert parse_provider_list("p", "dr lee, np leeds", providers) == [1, 2]
    assert provider_list_text([2, 1], providers) == "NP Leeds, Dr Lee"
    assert provider_list_text([], providers) == "all"
    with pytest.raises(ValidationError, match="could be"):
        parse_provider_list("p", "lee", [_Provider(1, "Ada Lee", "Dr Ada"), providers[1]])


@given(st.text(max_size=40))
def test_the_parsers_answer_any_text_with_a_value_or_a_domain_error(text):
    for parse in (
        lambda t: parse_time("t", t),
        lambda t: parse_when("w", t, today=TODAY),
        lambda t: parse_when("w", t, today=TODAY, need_time=True),
        lambda t: parse_weekdays("d", t),
        lambda t: parse_hours("h", t),
        lambda t: parse_minutes("m", t, 1, 60, "1 to 60."),
        lambda t: parse_colour("c", t),
    ):
        try:
            parse(text)
        except ValidationError:
            pass
