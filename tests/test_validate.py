"""The input boundary: examples of what the desk types, and properties for any input."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from moa_tui.services.errors import ValidationError
from moa_tui.services.validate import (
    MONEY_MAX_CENTS,
    check_cents,
    check_date,
    clean_name,
    clean_text,
    date_in_range,
    format_money,
    has_control,
    parse_date,
    parse_dob,
    parse_money,
    parse_phone,
    parse_quantity,
    step_date,
)

TODAY = dt.date(2026, 11, 18)  # a Wednesday


def _refused(call, field: str) -> str:
    with pytest.raises(ValidationError) as err:
        call()
    assert list(err.value.errors) == [field]
    return err.value.errors[field]


# --- parse_date ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("t", TODAY),
        ("T", TODAY),
        ("today", TODAY),
        (" t ", TODAY),
        ("t+1", dt.date(2026, 11, 19)),
        ("t + 1", dt.date(2026, 11, 19)),
        ("t-3", dt.date(2026, 11, 15)),
        ("t+3d", dt.date(2026, 11, 21)),
        ("t+2w", dt.date(2026, 12, 2)),
        ("t-1w", dt.date(2026, 11, 11)),
        ("t+1m", dt.date(2026, 12, 18)),
        ("t+2m", dt.date(2027, 1, 18)),
        ("t-11m", dt.date(2025, 12, 18)),
        ("12/24", dt.date(2026, 12, 24)),
        ("1/5", dt.date(2026, 1, 5)),
        ("2026-12-24", dt.date(2026, 12, 24)),
        ("12/24/2026", dt.date(2026, 12, 24)),
        ("12/24/26", dt.date(2026, 12, 24)),
        ("12242026", dt.date(2026, 12, 24)),
    ],
)
def test_parse_date_shortcuts(text, expected):
    assert parse_date("when", text, today=TODAY) == expected


def test_parse_date_month_steps_clamp_to_month_end():
    assert parse_date("when", "t+1m", today=dt.date(2026, 1, 31)) == dt.date(2026, 2, 28)
    assert parse_date("when", "t+1m", today=dt.date(2028, 1, 31)) == dt.date(2028, 2, 29)
    assert parse_date("when", "t-1m", today=dt.date(2026, 3, 31)) == dt.date(2026, 2, 28)
    assert parse_date("when", "t+1m", today=dt.date(2026, 12, 31)) == dt.date(2027, 1, 31)


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "required"),
        ("   ", "required"),
        (None, "required"),
        ("02/30/2026", "no such date"),
        ("13/01/2026", "no such date"),
        ("2026-02-29", "no such date"),
        ("tomorrow", "type a date"),
        ("t+", "type a date"),
        ("t+1y", "type a date"),
        ("24.12.2026", "type a date"),
        ("12/24/026", "type a date"),
        # Outside 1900-2100: refused with a sentence, not an OverflowError later.
        ("12/31/9999", "between 01/01/1900 and 12/31/2100"),
        ("9999-12-31", "between"),
        ("01/01/0001", "between"),
        ("12/31/1899", "between"),
        ("01/01/2101", "between"),
        ("t+9999w", "between"),
        ("t+9999m", "between"),
        ("t-9999m", "between"),
        ("t+99999", "type a date"),
    ],
)
def test_parse_date_refuses(text, words):
    assert words in _refused(lambda: parse_date("when", text, today=TODAY), "when")


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_parse_date_reads_back_every_written_form(d):
    assert parse_date("when", f"{d:%m/%d/%Y}", today=TODAY) == d
    assert parse_date("when", d.isoformat(), today=TODAY) == d
    assert parse_date("when", f"{d.month}/{d.day}/{d.year}", today=TODAY) == d


@given(st.integers(min_value=-9999, max_value=9999))
def test_parse_date_relative_days(n):
    text = f"t{n:+d}"
    assert parse_date("when", text, today=TODAY) == TODAY + dt.timedelta(days=n)


# --- parse_dob -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("04/17/1962", dt.date(1962, 4, 17)),
        ("4/17/1962", dt.date(1962, 4, 17)),
        ("1962-04-17", dt.date(1962, 4, 17)),
        ("04171962", dt.date(1962, 4, 17)),
        ("1/2/85", dt.date(1985, 1, 2)),
        ("3/4/05", dt.date(2005, 3, 4)),
        ("4/17/62", dt.date(1962, 4, 17)),
        ("11/18/26", TODAY),
        ("11/18/2026", TODAY),
        ("1900-01-01", dt.date(1900, 1, 1)),
    ],
)
def test_parse_dob_accepts(text, expected):
    assert parse_dob("dob", text, today=TODAY) == expected


@pytest.mark.parametrize(
    "text, words",
    [
        ("11/19/2026", "future"),
        ("2027-01-01", "future"),
        ("12/31/1899", "1900"),
        ("1850-06-01", "1900"),
        ("02/30/1990", "no such date"),
        ("04/17", "year"),
        ("t", "full date"),
        ("t-30", "full date"),
        ("today", "full date"),
        ("", "required"),
    ],
)
def test_parse_dob_refuses(text, words):
    assert words in _refused(lambda: parse_dob("dob", text, today=TODAY), "dob")


def test_parse_dob_two_digit_year_later_this_year_is_last_century():
    assert parse_dob("dob", "12/24/26", today=TODAY) == dt.date(1926, 12, 24)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY))
def test_parse_dob_reads_back_any_past_date(d):
    assert parse_dob("dob", f"{d:%m/%d/%Y}", today=TODAY) == d
    assert parse_dob("dob", d.isoformat(), today=TODAY) == d


@given(st.dates(min_value=dt.date(1927, 1, 1), max_value=dt.date(2025, 12, 31)))
def test_parse_dob_two_digit_year_maps_to_the_past(d):
    # Two-digit years other than this year's: the most recent such year not in the future.
    got = parse_dob("dob", f"{d.month}/{d.day}/{d.year % 100:02d}", today=TODAY)
    assert got == d
    assert got <= TODAY


@given(st.dates(min_value=TODAY + dt.timedelta(days=1), max_value=dt.date(9999, 12, 31)))
def test_parse_dob_refuses_any_future_date(d):
    assert "future" in _refused(lambda: parse_dob("dob", d.isoformat(), today=TODAY), "dob")


@given(st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(1899, 12, 31)))
def test_parse_dob_refuses_any_date_before_1900(d):
    assert "1900" in _refused(lambda: parse_dob("dob", f"{d:%m/%d/%Y}", today=TODAY), "dob")


# --- money ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, cents",
    [
        ("25", 2500),
        ("$25", 2500),
        ("$ 25.5", 2550),
        ("1.5", 150),
        ("0.07", 7),
        ("1,234.50", 123450),
        ("$1,000,000", 100_000_000),
        ("$999,999.99", 99_999_999),
        ("1234.5", 123450),
        ("0", 0),
    ],
)
def test_parse_money_examples(text, cents):
    assert parse_money("amount", text) == cents


@pytest.mark.parametrize(
    "text", ["", "-5", "-$5", "1.234", "1,23", "12,34.00", "$", "abc", "1e3", "5.", ".5"]
)
def test_parse_money_refuses(text):
    _refused(lambda: parse_money("amount", text), "amount")


@pytest.mark.parametrize(
    "cents, text",
    [(0, "$0.00"), (7, "$0.07"), (123450, "$1,234.50"), (-150, "-$1.50"), (100, "$1.00")],
)
def test_format_money_examples(cents, text):
    assert format_money(cents) == text


@given(st.integers(min_value=0, max_value=MONEY_MAX_CENTS))
def test_money_round_trip(cents):
    text = format_money(cents)
    assert isinstance(parse_money("amount", text), int)
    assert parse_money("amount", text) == cents
    assert parse_money("amount", text.replace(",", "")) == cents


# --- quantity ------------------------------------------------------------------------


@given(st.text())
@example("-3")
@example("-0")
@example("1.5")
@example("٣")
@example("²")
@example("1_000")
@example(" 12 ")
def test_parse_quantity_accepts_only_positive_whole_numbers(text):
    try:
        qty = parse_quantity("quantity", text)
    except ValidationError as err:
        assert list(err.errors) == ["quantity"]
        return
    plain = text.strip().replace(",", "")
    assert plain.isascii() and plain.isdigit()
    assert "-" not in text
    assert type(qty) is int
    assert 0 < qty <= 1_000_000
    assert qty == int(plain)


@given(st.integers(max_value=-1))
def test_parse_quantity_refuses_negative_numbers(n):
    assert "negative" in _refused(lambda: parse_quantity("quantity", str(n)), "quantity")
    _refused(lambda: parse_quantity("quantity", n), "quantity")


@given(st.integers(min_value=1, max_value=1_000_000))
def test_parse_quantity_accepts_counts(n):
    assert parse_quantity("quantity", str(n)) == n
    assert parse_quantity("quantity", f"{n:,}") == n
    assert parse_quantity("quantity", n) == n


def test_parse_quantity_zero_only_when_allowed():
    _refused(lambda: parse_quantity("quantity", "0"), "quantity")
    assert parse_quantity("quantity", "0", allow_zero=True) == 0


def test_parse_quantity_refuses_absurd_sizes():
    assert "too large" in _refused(lambda: parse_quantity("quantity", "1000001"), "quantity")


def test_parse_quantity_pasted_huge_number():
    _refused(lambda: parse_quantity("quantity", "9" * 5000), "quantity")


def test_parse_money_pasted_huge_number():
    _refused(lambda: parse_money("amount", "9" * 5000), "amount")


# --- text ----------------------------------------------------------------------------

CONTROL = st.characters(categories=["Cc", "Cf"])
VISIBLE = st.characters(categories=["L", "N", "P", "S"])


@given(st.text(VISIBLE, max_size=20), CONTROL, st.text(VISIBLE, max_size=20))
@example("Smith", "\x1b", "[31m")
@example("a", "\u202e", "b")  # right-to-left override
@example("", "\x00", "")
@example("x", "\x9b", "2J")  # C1 CSI
@example("", "\u200b", "")  # zero-width space
def test_clean_text_refuses_any_control_or_format_character(before, control, after):
    assert unicodedata.category(control) in ("Cc", "Cf")
    value = before + control + after
    if value.strip() != value:
        # A control character that is also whitespace (\t, \n, \x1c-\x1f, \x85) at either
        # end is trimmed away with the rest of the whitespace, never stored.
        value = "x" + value + "x"
    words = _refused(lambda: clean_text("note", value, max_len=100), "note")
    assert "invisible or control character" in words


@given(st.text())
def test_clean_text_never_returns_a_control_character(value):
    try:
        text = clean_text("note", value, max_len=1000)
    except ValidationError as err:
        assert list(err.errors) == ["note"]
        return
    assert not has_control(text)
    assert text == text.strip()
    assert len(text) <= 1000


def test_clean_text_limits():
    assert clean_text("note", "  hi  ", max_len=2) == "hi"
    assert "too long" in _refused(lambda: clean_text("note", "abc", max_len=2), "note")
    assert "required" in _refused(
        lambda: clean_text("note", "  ", max_len=2, required=True), "note"
    )
    assert clean_text("note", None, max_len=2) == ""


def test_clean_name():
    assert clean_name("last_name", "  O'Brien-Smith  Jr. ", "Last name") == "O'Brien-Smith Jr."
    assert clean_name("first_name", "José", "First name") == "José"
    for bad in ("[b]x[/b]", "R2D2", "---", "a<script>"):
        assert "letters" in _refused(lambda b=bad: clean_name("n", b, "Name"), "n")


@pytest.mark.parametrize(
    "text, digits",
    [
        ("(607) 555-0142", "6075550142"),
        ("607.555.0142", "6075550142"),
        ("+1 607 555 0142", "6075550142"),
        ("1-607-555-0142", "6075550142"),
        ("", ""),
    ],
)
def test_parse_phone(text, digits):
    assert parse_phone("phone", text) == digits


@pytest.mark.parametrize("text", ["555-0142", "107-555-0142", "607-555-01422", "call me"])
def test_parse_phone_refuses(text):
    _refused(lambda: parse_phone("phone", text), "phone")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("mon", dt.date(2026, 11, 23)),
        ("Monday", dt.date(2026, 11, 23)),
        ("wed", dt.date(2026, 11, 25)),  # today is a Wednesday: the next one
        ("sun", dt.date(2026, 11, 22)),
    ],
)
def test_weekday_names_mean_the_next_such_day(text, expected):
    assert parse_date("d", text, today=dt.date(2026, 11, 18)) == expected


# --- ranges (issue 8, item 10) --------------------------------------------------------


@given(st.dates())
def test_any_date_outside_1900_to_2100_is_refused_by_the_parser(d):
    text = f"{d.month}/{d.day}/{d.year:04d}"
    if dt.date(1900, 1, 1) <= d <= dt.date(2100, 12, 31):
        assert parse_date("when", text, today=TODAY) == d
    else:
        assert "between" in _refused(lambda: parse_date("when", text, today=TODAY), "when")


@given(st.sampled_from("+-"), st.integers(min_value=0, max_value=9999), st.sampled_from("dwm"))
def test_relative_dates_stay_in_range_or_are_refused(sign, n, unit):
    try:
        day = parse_date("when", f"t{sign}{n}{unit}", today=TODAY)
    except ValidationError as err:
        assert "between" in err.errors["when"]
    else:
        assert dt.date(1900, 1, 1) <= day <= dt.date(2100, 12, 31)


@given(st.one_of(st.dates(), st.datetimes()))
def test_check_date_keeps_what_is_in_range_and_refuses_the_rest(value):
    if date_in_range(value):
        assert check_date("day", value) is value
    else:
        assert "between" in _refused(lambda: check_date("day", value), "day")


@pytest.mark.parametrize("value", ["2026-01-01", None, 20260101])
def test_check_date_refuses_what_is_not_a_date(value):
    assert "not a date" in _refused(lambda: check_date("day", value), "day")


def test_step_date_stops_at_the_ends_of_the_range():
    assert step_date(dt.date(2100, 12, 30), 1) == dt.date(2100, 12, 31)
    assert step_date(dt.date(2100, 12, 31), 1) is None
    assert step_date(dt.date(1900, 1, 1), -1) is None
    assert step_date(dt.date(9999, 12, 31), 1) is None  # no OverflowError
    assert step_date(dt.date.min, -1) is None


def test_money_has_an_upper_bound():
    assert "$1,000,000.00" in _refused(lambda: parse_money("copay", "1000000.01"), "copay")
    assert "more than" in _refused(lambda: parse_money("copay", "9" * 29), "copay")
    assert parse_money("fee", "5,000,000", maximum=10**9) == 500_000_000
    assert "$100.00" in _refused(lambda: parse_money("fee", "100.01", maximum=10_000), "fee")


@pytest.mark.parametrize(
    "cents, words",
    [
        (-1, "negative"),
        (MONEY_MAX_CENTS + 1, "more than"),
        (10**30, "more than"),
        (True, "cents"),
        (1.5, "cents"),
        ("100", "cents"),
    ],
)
def test_check_cents_refuses(cents, words):
    assert words in _refused(lambda: check_cents("amount", cents), "amount")


@given(st.integers(min_value=0, max_value=MONEY_MAX_CENTS))
def test_check_cents_keeps_every_amount_in_range(cents):
    assert check_cents("amount", cents) == cents
