"""The urgent-call banner every signed-in desk shows: one notice per urgent call nobody
has taken yet, on whatever screen is up, until someone takes it. Looked up when the desk
signs in, when another terminal changes the messages (the change watcher's "messages"
topic) and after this desk's own message writes; the inbox counts in the area bar come
with it."""

from __future__ import annotations

from textual.notifications import Notification, Notify

from ...services.comms.messages import InboxCounts, InboxRow, inbox_counts, urgent_untaken
from ...services.errors import ServiceError
from ...services.security.security import can

# A notice stays until the call is taken (it is removed then), at most a day.
STAYS = 24 * 3600


def banner_text(r: InboxRow) -> str:
    who = r.caller + (f" re {r.patient}" if r.patient and r.patient not in r.caller else "")
    return f"{who} · call back {r.callback} · {r.reason} · Inbox: T takes it"


class UrgentWatch:
    """Owned by the app: ``check()`` looks in a worker thread and shows what it found."""

    def __init__(self, app) -> None:
        self.app = app
        self.shown: dict[int, Notification] = {}
        self.locked: dict[int, bool] = {}  # shown while the screen was locked (no details)

    def check(self) -> None:
        app = self.app
        if not app.signed_in or not can(app.actor, "comms.read"):
            self._show([], None)
            return
        app.run_worker(self._look, thread=True, group="urgent-calls", exclusive=True)

    def _look(self) -> None:
        actor = self.app.actor
        try:
            rows = urgent_untaken(actor)
            counts = inbox_counts(actor)
        except ServiceError:
            return  # the next change or screen tries again; the screens say what is wrong
        self.app.call_from_thread(self._show, rows, counts)

    def _show(self, rows: list[InboxRow], counts: InboxCounts | None) -> None:
        app = self.app
        app.set_inbox_counts(counts)
        wanted = {r.id: r for r in rows}
        locked = bool(app.locked)
        before = set(self.shown)
        # Gone, or shown with the other lock state: taken back (and shown again below).
        for message_id in [
            m for m in self.shown if self.locked.get(m) != locked or m not in wanted
        ]:
            notice = self.shown.pop(message_id)
            self.locked.pop(message_id, None)
            if notice in app._notifications:  # Textual has no public way to take one back
                app._unnotify(notice)
        for message_id, r in wanted.items():
            if message_id not in self.shown:
                # A locked screen shows no patient data: only that an urgent call waits.
                text = "Unlock the screen to see it (F12 locked it)." if locked else banner_text(r)
                notice = Notification(text, f"URGENT call {r.id}", "error", STAYS, markup=False)
                self.shown[message_id] = notice
                self.locked[message_id] = locked
                app.post_message(Notify(notice))
                if message_id not in before:
                    app.bell()

    def texts(self) -> list[str]:
        """What the notices shown now say (tests)."""
        return [n.message for n in self.shown.values()]
