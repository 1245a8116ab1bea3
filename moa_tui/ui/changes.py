"""Change messages: what another terminal committed, and whether a screen shows it."""

from __future__ import annotations

from textual.message import Message


class DataChanged(Message):
    """Posted by the app's change watcher when another terminal committed a change to
    *topics* (db/changes.py: schedule, patients, claims, stock, staff, audit)."""

    def __init__(self, topics: frozenset[str] = frozenset()) -> None:
        super().__init__()
        self.topics = topics


def concerns(screen, message: DataChanged) -> bool:
    """True if *screen* shows one of the topics that changed (a screen without TOPICS is
    told of every change)."""
    wanted = getattr(screen, "TOPICS", None)
    return wanted is None or not message.topics or bool(wanted & message.topics)
