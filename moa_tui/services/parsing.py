"""What the desk types, read in one place: times, dates with a time, weekdays, hours of
work, lengths in minutes, colours and providers by name.

Dates alone (t+2w, mon, 12/24...) and the identity fields (phone, ZIP, money...) are read
by validate.py; everything here builds on it. Each parser takes raw text and returns a
clean value or raises ValidationError naming the field, so a screen shows the message
beside it and a test needs no screen.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Protocol

from . import clock
from .errors import ValidationError
from .validate import clean_text, is_whole_number, parse_date

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
EVERY_DAY = "0123456"

_TIME = re.compile(r"^(\d{1,2})(?::?(\d{2}))?\s*([ap])?m?$")
_DATE_TIME = re.compile(r"^(.*?)\s+(\d{1,2}(?::\d{2}|\d{2})?\s*(?:[ap]m?)?)$")
_BLOCK = re.compile(r"^\s*(\d{1,2}):?(\d{2})\s*-\s*(\d{1,2}):?(\d{2})\s*$")
_COLOUR = re.compile(r"[a-z_]+|#[0-9a-fA-F]{6}")


class NamedProvider(Protocol):
    """What parse_provider_list needs of a provider (ProviderInfo has it)."""

    id: int
    name: str
    short_name: str


# --- times and dates ---------------------------------------------------------------------


def parse_time(field: str, text: str, *, label: str = "Time") -> dt.time:
    """'13:00', '1300', '9', '9:30', '1pm', '1:30 pm' -> a time of day."""
    m = _TIME.match((text or "").strip().lower())
    if not m:
        raise ValidationError.one(field, f"{label}: type a time like 13:00 or 1:30pm.")
    hour, minute, half = int(m.group(1)), int(m.group(2) or 0), m.group(3)
    if half:
        if not 1 <= hour <= 12:
            raise ValidationError.one(field, f"{label}: {text.strip()} is not a time of day.")
        hour = hour % 12 + (12 if half == "p" else 0)
    if hour > 23 or minute > 59:
        raise ValidationError.one(field, f"{label}: {text.strip()} is not a time of day.")
    return dt.time(hour, minute)


def parse_day(
    field: str, text: str | None, label: str = "Date", *, today: dt.date | None = None
) -> dt.date:
    """A date with the desk's shortcuts (t+2w, mon, 12/24...), relative to the clinic's
    today unless *today* is given."""
    return parse_date(field, text, today=today or clock.today(), label=label)


def parse_when(
    field: str,
    text: str | None,
    *,
    today: dt.date | None = None,
    end: bool = False,
    label: str = "Date",
    need_time: bool = False,
) -> dt.datetime:
    """A date as parse_date takes it (t, t+7, 12/24, 2026-12-24...) followed by a time
    ('12/24 13:00', 't+1 9am', '2026-12-24 2:30pm'). Unless *need_time*, the time may be
    left out: a date alone is the start of that day, or for an *end*, the end of it
    (midnight after), so '12/24' to '12/26' blocks three whole days."""
    raw = (text or "").strip()
    if not raw:
        raise ValidationError.one(field, f"{label} is required.")
    today = today or clock.today()
    m = _DATE_TIME.match(raw)
    if m and m.group(1).strip():
        day = parse_date(field, m.group(1), today=today, label=label)
        return dt.datetime.combine(day, parse_time(field, m.group(2), label=label))
    if need_time:
        parts = raw.rsplit(maxsplit=1)
        if len(parts) < 2:
            raise ValidationError.one(field, "A date and a time, e.g. 12/24 9:10 or t+1 14:00.")
        raise ValidationError.one(field, f"{parts[1]} is not a time; write 9:10 or 14:30.")
    day = parse_date(field, raw, today=today, label=label)
    start = dt.datetime.combine(day, dt.time.min)
    return start + dt.timedelta(days=1) if end else start


# --- weekdays and hours ------------------------------------------------------------------


def parse_weekdays(field: str, text: str | None) -> str:
    """'024', 'Mon,Wed,Fri', 'mon-fri' or blank (every day) -> digits, Monday = 0."""
    names = [w.lower() for w in WEEKDAYS]
    days: set[int] = set()
    for token in (t for t in re.split(r"[,\s]+", (text or "").strip().lower()) if t):
        if token.isdigit():
            if not set(token) <= set("0123456"):
                break
            days |= {int(ch) for ch in token}
            continue
        ends = token.split("-")
        if len(ends) == 2 and all(e[:3] in names for e in ends):
            first, last = (names.index(e[:3]) for e in ends)
            days |= set(range(first, last + 1)) if first <= last else set()
            continue
        if token[:3] in names and len(token) >= 2:
            days.add(names.index(token[:3]))
            continue
        break
    else:
        return "".join(str(d) for d in sorted(days)) or EVERY_DAY
    raise ValidationError.one(field, "Days as digits (Mon = 0, e.g. 024) or Mon,Wed or mon-fri.")


def weekdays_label(digits: str) -> str:
    """The other way round: 'every day', 'Mon-Fri' or 'Mon,Wed'."""
    if digits == EVERY_DAY:
        return "every day"
    if digits == "01234":
        return "Mon-Fri"
    return ",".join(WEEKDAYS[int(d)] for d in digits)


def parse_hours(field: str, text: str) -> list[tuple[str, str]]:
    """'8:00-12:00, 13:00-17:00' -> [('08:00', '12:00'), ('13:00', '17:00')]; blank = off.
    Refuses an end before its start and blocks that overlap."""
    blocks = []
    for part in (p for p in (text or "").split(",") if p.strip()):
        m = _BLOCK.match(part)
        if not m:
            raise ValidationError.one(field, "Write hours like 8:00-12:00, 13:00-17:00.")
        h1, m1, h2, m2 = map(int, m.groups())
        if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59:
            raise ValidationError.one(field, f"{part.strip()} is not a time of day.")
        start, end = f"{h1:02d}:{m1:02d}", f"{h2:02d}:{m2:02d}"
        if end <= start:
            raise ValidationError.one(field, f"{part.strip()}: the end is before the start.")
        blocks.append((start, end))
    blocks.sort()
    for (_s1, e1), (s2, _e2) in zip(blocks, blocks[1:], strict=False):
        if s2 < e1:
            raise ValidationError.one(field, "Two blocks of hours overlap.")
    return blocks


# --- numbers, colours, providers ---------------------------------------------------------


def parse_minutes(field: str, value: str | int | None, low: int, high: int, message: str) -> int:
    """A whole number of minutes from *low* to *high*; *message* says so when it is not."""
    text = str(value if value is not None else "").strip()
    if not is_whole_number(text) or not low <= int(text) <= high:
        raise ValidationError.one(field, message)
    return int(text)


def parse_colour(field: str, value: str | None) -> str:
    """A colour name (green, dark_blue) or #rrggbb; blank means none. Trimmed, not
    otherwise changed. Whether a terminal can draw the name is the screen's business."""
    text = clean_text(field, value, max_len=16, label="Colour")
    if text and not _COLOUR.fullmatch(text):
        raise ValidationError.one(field, "A colour name (e.g. green) or #rrggbb.")
    return text


def parse_provider_list(
    field: str, text: str | None, providers: Sequence[NamedProvider]
) -> list[int]:
    """'all' (or blank) -> [] (every provider); otherwise a comma list of providers by
    short name, full name, or any part of one that names only one provider."""
    raw = (text or "").strip()
    if not raw or raw.lower() in ("all", "*", "everyone"):
        return []
    ids: list[int] = []
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        key = part.lower()
        exact = [p for p in providers if key in (p.short_name.lower(), p.name.lower())]
        found = exact or [
            p for p in providers if key in p.short_name.lower() or key in p.name.lower()
        ]
        if not found:
            raise ValidationError.one(field, f"No provider is called {part}.")
        if len(found) > 1:
            names = ", ".join(p.short_name for p in found)
            raise ValidationError.one(field, f"{part} could be {names}; type more of the name.")
        if found[0].id not in ids:
            ids.append(found[0].id)
    return ids


def provider_list_text(provider_ids: Iterable[int], providers: Sequence[NamedProvider]) -> str:
    """The other way round: 'all', or the short names as a comma list."""
    ids = list(provider_ids or ())
    if not ids:
        return "all"
    names = {p.id: p.short_name for p in providers}
    return ", ".join(names.get(pid, f"#{pid}") for pid in ids)
