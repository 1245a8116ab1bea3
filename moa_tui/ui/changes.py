"""Change messages: what another terminal committed, and whether a screen shows it."""

from __future__ import annotations

from textual.message import Message

# The topics a screen names in TOPICS (counted by the services' writes in db/changes.py);
# screens take them from here, not from the database layer.
from ..db.changes import AUDIT, CLAIMS, PATIENTS, SCHEDULE, STAFF, STOCK  # noqa: F401


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
