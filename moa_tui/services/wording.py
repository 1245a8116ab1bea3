"""Words the desk reads in counts and dates: one way to say "1 appointment", "in 3 days"
and a date, used by every screen and export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

# Nouns whose plural is not the noun plus "s".
_IRREGULAR = {"box": "boxes", "day": "days", "entry": "entries", "reply": "replies"}


def plural(count: int, noun: str, many: str = "") -> str:
    """Say a count with its noun: "1 appointment", "2 appointments", "0 minutes"."""
    if count == 1:
        return f"{count:,} {noun}"
    return f"{count:,} {many or _IRREGULAR.get(noun) or noun + 's'}"


def days_from_today(offset: int) -> str:
    """A day offset in words: "today", "tomorrow", "in 3 days", "2 days ago"."""
    if offset == 0:
        return "today"
    if offset == 1:
        return "tomorrow"
    if offset == -1:
        return "yesterday"
    if offset > 0:
        return f"in {plural(offset, 'day')}"
    return f"{plural(-offset, 'day')} ago"


def date_text(day: dt.date) -> str:
    """The one date format: 12/01/2026, always with the four-digit year."""
    return f"{day:%m/%d/%Y}"


def quantity(count: int, unit: str) -> str:
    """A stock count in its unit: "1 box of 100", "5 boxes of 100", "3 rolls", "2"."""
    word, _space, rest = unit.strip().partition(" ")
    if not word or word.lower() == "each":
        return f"{count:,}"
    return plural(count, word) + (f" {rest}" if rest else "")


def tell_apart(people: Iterable[tuple[int, str, dt.date | None]], width: int = 0) -> dict[int, str]:
    """Each person's name as a list shows it (person id -> label): the name alone, or
    with the date of birth when another person on the same list has that name. Given the
    column's *width*, a long name gives way so the date still shows ("Applewo… 11/29/1937")."""
    people = list(people)
    ids_by_name: dict[str, set[int]] = {}
    for person_id, name, _dob in people:
        ids_by_name.setdefault(name.casefold(), set()).add(person_id)
    labels = {}
    for person_id, name, dob in people:
        if len(ids_by_name[name.casefold()]) < 2 or not dob:
            labels[person_id] = name
            continue
        born = date_text(dob)
        if width and len(name) + len(born) + 3 > width:
            labels[person_id] = f"{name[: max(1, width - len(born) - 2)]}… {born}"
        else:
            labels[person_id] = f"{name} ({born})"
    return labels
