"""Offering a freed slot to the waitlist: after a cancel on the schedule (x) and after a
confirmation call that ends in a cancel (4 in the calls list), the same question."""

from __future__ import annotations

from collections.abc import Callable

from ...services.scheduling.schedule import ScheduleRow
from ...services.scheduling.waitlist import (
    WaitlistRow,
    book_from_waitlist,
    waitlist_for_appointment,
)
from ...widgets.dialogs import PickDialog
from .booking import PART_LABELS, weekdays_label


def offer_freed_slot(screen, slot: ScheduleRow, booked: Callable[[ScheduleRow], None]) -> None:
    """Ask who on the waitlist fits the cancelled appointment *slot*, offer them its time
    (Esc skips) and book the one chosen: book_from_waitlist moves a later visit of theirs
    rather than doubling it. *booked* gets the appointment made or moved."""

    def offer(matches: list[WaitlistRow]) -> None:
        if not matches or not slot.type_id:
            return

        def chosen(key: str | None) -> None:
            entry = next((m for m in matches if str(m.id) == key), None)
            if entry is not None:
                screen.call_service(
                    book_from_waitlist,
                    entry.id,
                    slot.provider_id,
                    slot.type_id,
                    slot.starts_at,
                    then=booked,
                    group="write",
                )

        screen.app.push_screen(
            PickDialog(
                f"Offer this slot: {slot.starts_at:%a %m/%d/%Y %H:%M} · {slot.provider} · "
                f"{slot.appt_type}",
                [("Waiting", 22), ("Phone", 12), ("Wants", 28)],
                [
                    (
                        str(m.id),
                        (
                            m.patient,
                            m.phone,
                            f"{m.provider}, {m.appt_type}, {weekdays_label(m.weekdays)}, "
                            f"{PART_LABELS[m.part_of_day]}",
                        ),
                    )
                    for m in matches
                ],
                hint="Enter: book the highlighted patient into this slot · Esc: skip",
            ),
            chosen,
        )

    screen.call_service(waitlist_for_appointment, slot.id, then=offer, group="offer")
