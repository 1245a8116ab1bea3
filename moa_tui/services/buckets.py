"""Time buckets for the charts (weeks of collections, months of stock used): their
bounds, and a CASE expression that numbers each row's bucket so that one query, grouped
by that number, sums every bucket at once (not one query per bucket)."""

from __future__ import annotations

import datetime as dt

from peewee import Case

WEEK = dt.timedelta(days=7)


def week_starts(through: dt.date, weeks: int) -> list[dt.date]:
    """The Mondays of the *weeks* weeks ending with the one holding *through*, oldest
    first."""
    last = through - dt.timedelta(days=through.weekday())
    return [last - WEEK * (weeks - 1 - n) for n in range(weeks)]


def month_starts(through: dt.date, months: int) -> list[dt.date]:
    """The first days of the *months* months ending with the one holding *through*,
    oldest first."""
    index = through.year * 12 + through.month - 1
    return [dt.date(i // 12, i % 12 + 1, 1) for i in range(index - months + 1, index + 1)]


def next_month(first: dt.date) -> dt.date:
    return dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)


def bucket_of(field, ends: list) -> Case:
    """0 where *field* is before ends[0], 1 before ends[1], ... (NULL from the last end
    on): the caller keeps rows at or after the first bucket's start. Group by it as the
    query's first column (GROUP BY 1): PostgreSQL binds the bounds as parameters, so the
    same expression written twice would not be recognised as the same."""
    return Case(None, [(field < end, n) for n, end in enumerate(ends)], None)
