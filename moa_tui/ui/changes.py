"""Change messages: what another terminal committed, and whether a screen shows it."""

from __future__ import annotations

import threading
from collections import Counter

from textual.message import Message

# The topics a screen names in TOPICS (counted by the services' writes in db/changes.py);
# screens take them from here, not from the database layer.
from ..db.changes import AUDIT, BOOKS, CLAIMS, MESSAGES, PATIENTS, SCHEDULE, STAFF, STOCK  # noqa: F401

# How many changes of each topic this terminal has heard of: another terminal's (each
# DataChanged the watcher posts) and its own (each write a screen's service call made).
# An area hidden behind another compares them with what it had when it last fetched, and
# on its return refetches only if one of its topics moved (issue 10).
_heard: Counter[str] = Counter()
_heard_lock = threading.Lock()
_EVERYTHING = "*"  # a change of unknown topics


def heard(topics: frozenset[str] | set[str] | tuple[str, ...]) -> None:
    """Count a change of *topics* (none named: of anything)."""
    with _heard_lock:
        for topic in topics or (_EVERYTHING,):
            _heard[topic] += 1


def generation(topics: frozenset[str] | None) -> tuple[int, int]:
    """A stamp that moves whenever a change of one of *topics* (None: any) is heard."""
    with _heard_lock:
        if topics is None:
            return _heard[_EVERYTHING], sum(_heard.values())
        return _heard[_EVERYTHING], sum(_heard[t] for t in topics)


class DataChanged(Message):
    """Posted by the app's change watcher when another terminal committed a change to
    *topics* (db/changes.py: schedule, patients, claims, stock, staff, audit)."""

    def __init__(self, topics: frozenset[str] = frozenset()) -> None:
        super().__init__()
        self.topics = topics
        heard(topics)


def concerns(screen, message: DataChanged) -> bool:
    """True if *screen* shows one of the topics that changed (a screen without TOPICS is
    told of every change)."""
    wanted = getattr(screen, "TOPICS", None)
    return wanted is None or not message.topics or bool(wanted & message.topics)
