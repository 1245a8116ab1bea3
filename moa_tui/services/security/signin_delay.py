"""A growing wait before each password guess, per terminal (this process) and account.

The account lock-out stops a guesser at the desk, but the kiosk must never lock a staff
account (a patient could lock the manager out all day), so there the wait is what slows
guessing: none for the first two wrong passwords, then 1, 2, 4, 8... seconds, at most 30.
It is slept in the caller's thread (a service runs in a worker), with no transaction open.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

FREE_FAILURES = 2
MAX_DELAY_SECONDS = 30.0
_MAX_TRACKED = 10_000  # a guesser cycling through made-up usernames cannot grow this forever

# Replaced in tests, which must not wait for real.
sleep: Callable[[float], None] = time.sleep

_lock = threading.Lock()
_failures: dict[tuple[str, str], int] = {}


def delay_for(failures: int) -> float:
    """Seconds to wait before the next attempt after *failures* wrong passwords in a row."""
    if failures < FREE_FAILURES:
        return 0.0
    return min(MAX_DELAY_SECONDS, 2.0 ** (failures - FREE_FAILURES))


def wait_before_attempt(database: str, username: str) -> float:
    """Sleep as long as this terminal's wrong passwords for *username* ask; returns it."""
    with _lock:
        seconds = delay_for(_failures.get((database, username), 0))
    if seconds:
        sleep(seconds)
    return seconds


def record(database: str, username: str, *, wrong: bool) -> None:
    """A wrong password makes the next wait longer; the right one clears it."""
    key = (database, username)
    with _lock:
        if not wrong:
            _failures.pop(key, None)
            return
        if key not in _failures and len(_failures) >= _MAX_TRACKED:
            _failures.pop(next(iter(_failures)))
        _failures[key] = _failures.get(key, 0) + 1


def forget_all() -> None:
    """Start afresh (tests)."""
    with _lock:
        _failures.clear()
