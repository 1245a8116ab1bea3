"""Input boundaries: every value typed or imported is checked here before it is stored.

Each parser takes raw text and returns a clean value or raises ValidationError naming the
field, so the screen can show the message beside it.
"""

from __future__ import annotations

import datetime as dt
import re

from ..text import describe, first_unsafe, has_unsafe, normalize
from .errors import ValidationError

_NAME_EXTRA = set(" '-.")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_US = re.compile(r"^(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?$")
_RELATIVE = re.compile(r"^t(?:oday)?\s*(?:([+-])\s*(\d{1,4})\s*([dwm]?))?$")
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MONEY = re.compile(r"^\$?\s*(\d{1,3}(?:,\d{3})*|\d+)(?:\.(\d{1,2}))?$")


def has_control(text: str) -> bool:
    """True if *text* holds a character moa_tui.text calls unsafe (ESC, NUL, bidi
    overrides, zero-width and line-separator characters...)."""
    return has_unsafe(text)


def clean_text(
    field: str, value: str | None, *, max_len: int, required: bool = False, label: str = ""
) -> str:
    """Trimmed single-line text; refuses control characters and over-long values."""
    label = label or field.replace("_", " ").capitalize()
    text = normalize(value or "").strip()
    if bad := first_unsafe(text):
        raise ValidationError.one(
            field, f"{label} contains an invisible or control character ({describe(bad)})."
        )
    if required and not text:
        raise ValidationError.one(field, f"{label} is required.")
    if len(text) > max_len:
        raise ValidationError.one(field, f"{label} is too long ({len(text)} of {max_len}).")
    return text


def clean_name(field: str, value: str | None, label: str) -> str:
    text = clean_text(field, value, max_len=60, required=True, label=label)
    text = " ".join(text.split())
    if not all(ch.isalpha() or ch in _NAME_EXTRA for ch in text) or not any(
        ch.isalpha() for ch in text
    ):
        raise ValidationError.one(
            field, f"{label} may hold letters, spaces, hyphens, apostrophes and periods."
        )
    return text


# Every date the clinic stores or computes lies in these years (DESIGN.md): a visit, a
# birth or a block of time outside them is a typing slip, and date arithmetic near
# date.max (9999-12-31 plus a day) raises OverflowError instead of a sentence.
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2100, 12, 31)
# The most any money field may hold unless it says otherwise: far above any co-pay or
# payment at a desk, far below what overflows a 64-bit column.
MONEY_MAX_CENTS = 100_000_000  # $1,000,000.00


def date_in_range(value: dt.date) -> bool:
    """True if *value* (a date or date-time) lies within DATE_MIN..DATE_MAX."""
    day = value.date() if isinstance(value, dt.datetime) else value
    return isinstance(day, dt.date) and DATE_MIN <= day <= DATE_MAX


def check_date(field: str, value, *, label: str = "Date"):
    """*value* (a date or date-time) unchanged if it lies in 1900-2100; otherwise refused.
    Every service that takes a date object from its caller passes it through here."""
    if not isinstance(value, dt.date):
        raise ValidationError.one(field, f"{label} is not a date.")
    if not date_in_range(value):
        raise ValidationError.one(
            field, f"{label} must be between {DATE_MIN:%m/%d/%Y} and {DATE_MAX:%m/%d/%Y}."
        )
    return value


def step_date(day: dt.date, days: int) -> dt.date | None:
    """*day* moved by *days*, or None when that leaves 1900-2100 (a screen stays put)."""
    try:
        moved = day + dt.timedelta(days=days)
    except OverflowError:
        return None
    return moved if date_in_range(moved) else None


def check_cents(field: str, cents, *, label: str = "Amount", maximum: int = MONEY_MAX_CENTS) -> int:
    """An amount in cents a service was handed: a whole number from 0 to *maximum*."""
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise ValidationError.one(field, f"{label} must be an amount in cents.")
    if cents < 0:
        raise ValidationError.one(field, f"{label} cannot be negative.")
    if cents > maximum:
        raise ValidationError.one(field, f"{label} cannot be more than {format_money(maximum)}.")
    return cents


def is_whole_number(text: str, max_digits: int = 9) -> bool:
    """True for plain ASCII digits short enough for int(). str.isdigit() alone also says
    yes to '²' (which int() refuses) and to 5,000 pasted nines (which int() refuses past
    4,300 digits)."""
    return text.isascii() and text.isdigit() and len(text) <= max_digits


PAGE_MAX = 10_000  # rows a list may ask for at once


def check_limit(limit, *, maximum: int = PAGE_MAX) -> int:
    """The number of rows a list asked for: 1 to *maximum* (a database LIMIT past 2**63
    overflows, and a negative one means "no limit" to SQLite)."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= maximum:
        raise ValidationError.one("limit", f"A list shows 1 to {maximum:,} rows at a time.")
    return limit


def _make_date(field: str, label: str, y: int, m: int, d: int) -> dt.date:
    try:
        return dt.date(y, m, d)
    except ValueError:
        raise ValidationError.one(field, f"{label}: there is no such date.") from None


def parse_date(field: str, value: str | None, *, today: dt.date, label: str = "Date") -> dt.date:
    """A date as the desk types it: t, t+1, t-3, t+2w, mon (the next Monday), 12/24,
    12/24/2026, 2026-12-24; refused outside 1900-2100."""
    return check_date(field, _parse_any_date(field, value, today=today, label=label), label=label)


def _parse_any_date(field: str, value: str | None, *, today: dt.date, label: str) -> dt.date:
    text = (value or "").strip().lower()
    if not text:
        raise ValidationError.one(field, f"{label} is required.")
    if text.isalpha() and len(text) >= 3 and text[:3] in _WEEKDAYS:
        ahead = (_WEEKDAYS.index(text[:3]) - today.weekday()) % 7 or 7
        return today + dt.timedelta(days=ahead)
    if m := _RELATIVE.match(text):
        sign, num, unit = m.groups()
        if not sign:
            return today
        n = int(num) * (1 if sign == "+" else -1)
        if unit == "w":
            return today + dt.timedelta(weeks=n)
        if unit == "m":
            month = today.month - 1 + n
            y, mo = today.year + month // 12, month % 12 + 1
            for day in (today.day, 30, 29, 28):
                try:
                    return dt.date(y, mo, day)
                except ValueError:
                    continue
        return today + dt.timedelta(days=n)
    if m := _ISO.match(text):
        return _make_date(field, label, *map(int, m.groups()))
    if m := _US.match(text):
        mo, d, y = m.groups()
        if y is None:
            year = today.year
        elif len(y) == 2:
            year = 2000 + int(y)
        else:
            year = int(y)
        return _make_date(field, label, year, int(mo), int(d))
    if re.fullmatch(r"\d{8}", text):
        return _make_date(field, label, int(text[4:]), int(text[:2]), int(text[2:4]))
    raise ValidationError.one(
        field, f"{label}: type a date like 12/24/2026, 2026-12-24, t, t+7 or mon."
    )


def parse_dob(field: str, value: str | None, *, today: dt.date) -> dt.date:
    """Date of birth: not in the future, not before 1900. A two-digit year is the most
    recent one that is not in the future (1/2/85 -> 1985)."""
    text = (value or "").strip()
    if m := _US.match(text):
        mo, d, y = m.groups()
        if y is None:
            raise ValidationError.one(field, "Date of birth needs a year.")
        if len(y) == 2:
            year = 2000 + int(y)
            if (year, int(mo), int(d)) > (today.year, today.month, today.day):
                year -= 100
            text = f"{year:04d}-{int(mo):02d}-{int(d):02d}"
    if text.lower().startswith("t"):
        raise ValidationError.one(field, "Date of birth: type the full date, e.g. 04/17/1962.")
    # Its own bounds (not after today, not before 1900) are narrower than parse_date's.
    dob = _parse_any_date(field, text, today=today, label="Date of birth")
    if dob > today:
        raise ValidationError.one(field, "Date of birth is in the future.")
    if dob.year < 1900:
        raise ValidationError.one(field, "Date of birth is before 1900.")
    return dob


def parse_phone(field: str, value: str | None, *, label: str = "Phone") -> str:
    """A US phone number as 10 digits, or '' when left blank."""
    text = clean_text(field, value, max_len=25, label=label)
    if not text:
        return ""
    digits = re.sub(r"[\s().\-+]", "", text)
    if not digits.isdigit():
        raise ValidationError.one(field, f"{label}: digits only, e.g. 555-201-3344.")
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10 or digits[0] in "01":
        raise ValidationError.one(field, f"{label} needs 10 digits with the area code.")
    return digits


def format_phone(digits: str) -> str:
    if len(digits) == 10:
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    return digits


def parse_email(field: str, value: str | None) -> str:
    text = clean_text(field, value, max_len=120, label="E-mail")
    if text and not _EMAIL.match(text):
        raise ValidationError.one(field, "E-mail should look like name@example.com.")
    return text


def parse_zip(field: str, value: str | None) -> str:
    text = clean_text(field, value, max_len=10, label="ZIP")
    if text and not re.fullmatch(r"\d{5}(-\d{4})?", text):
        raise ValidationError.one(field, "ZIP is 5 digits (or ZIP+4, 12345-6789).")
    return text


def parse_state(field: str, value: str | None) -> str:
    text = clean_text(field, value, max_len=2, label="State").upper()
    if text and not re.fullmatch(r"[A-Z]{2}", text):
        raise ValidationError.one(field, "State is the two-letter code, e.g. NY.")
    return text


def parse_quantity(field: str, value: str | int | None, *, allow_zero: bool = False) -> int:
    """A whole count of units: refuses blanks, fractions, signs and absurd sizes."""
    text = str(value if value is not None else "").strip().replace(",", "")
    if not text:
        raise ValidationError.one(field, "Quantity is required.")
    if text.startswith("-") and text[1:].isdigit():
        raise ValidationError.one(field, "Quantity cannot be negative.")
    if not text.isdigit() or not text.isascii():
        raise ValidationError.one(field, "Quantity must be a whole number, e.g. 12.")
    if len(text) > 9:  # also keeps int() away from pasted walls of digits
        raise ValidationError.one(field, "Quantity is too large.")
    qty = int(text)
    if qty == 0 and not allow_zero:
        raise ValidationError.one(field, "Quantity must be more than zero.")
    if qty > 1_000_000:
        raise ValidationError.one(field, "Quantity is too large.")
    return qty


def parse_money(
    field: str, value: str | None, *, label: str = "Amount", maximum: int = MONEY_MAX_CENTS
) -> int:
    """'$1,234.50' -> 123450 cents. Never a float; never more than *maximum* cents."""
    text = (value or "").strip()
    if text.startswith("-"):
        raise ValidationError.one(field, f"{label} cannot be negative.")
    m = _MONEY.match(text) if len(text) <= 32 else None
    if not m:
        raise ValidationError.one(field, f"{label}: type an amount like 25 or 1,234.50.")
    whole, frac = m.groups()
    cents = int(whole.replace(",", "")) * 100 + int((frac or "0").ljust(2, "0"))
    return check_cents(field, cents, label=label, maximum=maximum)


def format_money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}${cents // 100:,}.{cents % 100:02d}"
