"""The clinic's clock. Tests and snapshots freeze it; everything else asks it the time."""

from __future__ import annotations

import datetime as dt

import arrow

_frozen: arrow.Arrow | None = None
_zone = "America/New_York"


def set_zone(zone: str) -> None:
    global _zone
    _zone = zone


def freeze(when: arrow.Arrow | dt.datetime | str | None) -> None:
    """Stop the clock at *when* (clinic local time if naive); None starts it again."""
    global _frozen
    _frozen = None if when is None else arrow.get(when, tzinfo=_zone)


def now_local() -> arrow.Arrow:
    return (_frozen or arrow.utcnow()).to(_zone)


def now_utc() -> dt.datetime:
    """Naive UTC, to the second: how instants are stored."""
    return (_frozen or arrow.utcnow()).to("UTC").naive.replace(microsecond=0)


def today() -> dt.date:
    return now_local().date()


def local_to_utc(local: dt.datetime) -> dt.datetime:
    return arrow.get(local, tzinfo=_zone).to("UTC").naive


def utc_to_local(utc: dt.datetime) -> dt.datetime:
    return arrow.get(utc, tzinfo="UTC").to(_zone).naive
