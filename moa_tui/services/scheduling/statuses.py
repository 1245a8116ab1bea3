"""An appointment's statuses, the patient's path through the office, and the one count
of appointments every view shows."""

from __future__ import annotations

from dataclasses import dataclass

from ..wording import plural

STATUS_LABELS = {
    "booked": "Booked",
    "arrived": "Arrived",
    "intake_done": "Intake done",
    "roomed": "Roomed",
    "with_provider": "With provider",
    "ready_checkout": "Ready to go",
    "checked_out": "Checked out",
    "no_show": "No-show",
    "cancelled": "Cancelled",
    "rescheduled": "Rescheduled",
}
# The patient's path through the office once they are checked in.
FLOW = ("arrived", "intake_done", "roomed", "with_provider", "ready_checkout", "checked_out")
IN_OFFICE = FLOW[:-1]
STATUS_TIME = {
    "arrived": "arrived_at",
    "intake_done": "intake_done_at",
    "roomed": "roomed_at",
    "with_provider": "with_provider_at",
    "ready_checkout": "ready_checkout_at",
    "checked_out": "checked_out_at",
    "no_show": "no_show_at",
    "cancelled": "cancelled_at",
}
ACTIVE = ("booked", *FLOW)  # statuses that hold their slot


@dataclass(frozen=True)
class DayCounts:
    """The one count of appointments every view shows (day list, day grid, week, month):
    *booked* is what holds a slot (booked, in the office or seen); no-shows, cancelled
    and moved (rescheduled) visits are counted apart and named in the label."""

    booked: int = 0
    no_show: int = 0
    cancelled: int = 0
    moved: int = 0

    @classmethod
    def of(cls, statuses) -> DayCounts:
        """From appointment statuses, or (status, how many) pairs."""
        tally = dict.fromkeys(("booked", "no_show", "cancelled", "moved"), 0)
        for item in statuses:
            status, n = item if isinstance(item, tuple) else (item, 1)
            if status in ACTIVE:
                tally["booked"] += n
            elif status == "rescheduled":
                tally["moved"] += n
            elif status in tally:
                tally[status] += n
        return cls(**tally)

    def __add__(self, other: DayCounts) -> DayCounts:
        return DayCounts(
            self.booked + other.booked,
            self.no_show + other.no_show,
            self.cancelled + other.cancelled,
            self.moved + other.moved,
        )

    @property
    def label(self) -> str:
        """'67 booked (2 no-shows, 3 cancelled, 1 moved)'; the brackets only when any."""
        extra = [
            text
            for n, text in (
                (self.no_show, plural(self.no_show, "no-show")),
                (self.cancelled, f"{self.cancelled} cancelled"),
                (self.moved, f"{self.moved} moved"),
            )
            if n
        ]
        return f"{self.booked:,} booked" + (f" ({', '.join(extra)})" if extra else "")
