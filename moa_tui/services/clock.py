"""The clinic's clock. Tests and snapshots freeze it; everything else asks it the time."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import arrow

_frozen: arrow.Arrow | None = None
_zone = "America/New_York"


def _arrow():
    """The arrow module, imported when the time is first asked: with dateutil and its
    locales it is 30-40 ms of imports, and nothing on the way to the sign-in screen asks
    the time (issue 10: cold start to sign-in). areas.preload loads it while sign-in is
    on screen."""
    import arrow

    return arrow


def load() -> None:
    """Import arrow now (areas.preload, in a thread while sign-in is on screen)."""
    _arrow()


def set_zone(zone: str) -> None:
    global _zone
    _zone = zone


def freeze(when: arrow.Arrow | dt.datetime | str | None) -> None:
    """Stop the clock at *when* (clinic local time if naive); None starts it again."""
    global _frozen
    _frozen = None if when is None else _arrow().get(when, tzinfo=_zone)


def now_local() -> arrow.Arrow:
    return (_frozen or _arrow().utcnow()).to(_zone)


def now_utc() -> dt.datetime:
    """Naive UTC, to the second: how instants are stored."""
    return (_frozen or _arrow().utcnow()).to("UTC").naive.replace(microsecond=0)


def today() -> dt.date:
    return now_local().date()


def local_to_utc(local: dt.datetime) -> dt.datetime:
    return _arrow().get(local, tzinfo=_zone).to("UTC").naive


def utc_to_local(utc: dt.datetime) -> dt.datetime:
    return _arrow().get(utc, tzinfo="UTC").to(_zone).naive
