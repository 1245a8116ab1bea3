"""Offering a freed slot to the waitlist: after a cancel on the schedule (x) and after a
confirmation call that ends in a cancel (4 in the calls list), the same question."""

from __future__ import annotations

from ...services.parsing import weekdays_label
from ...services.scheduling.schedule import ScheduleRow
from ...services.scheduling.waitlist import (
    WaitlistRow,
    book_from_waitlist,
    waitlist_for_appointment,
)
from ...widgets.dialogs import PickDialog
from .authorization import authorization_ok
from .typed import PART_LABELS


async def offer_freed_slot(screen, slot: ScheduleRow) -> ScheduleRow | None:
    """Ask who on the waitlist fits the cancelled appointment *slot*, offer them its time
    (Esc skips) and book the one chosen: book_from_waitlist moves a later visit of theirs
    rather than doubling it. Returns the appointment made or moved (None: nobody). Awaited
    by a screen's async worker (ServiceCaller.ask_service, push_screen_wait)."""
    if not slot.type_id:
        return None
    matches: list[WaitlistRow] = await screen.ask_service(
        waitlist_for_appointment, slot.id, group="offer"
    )
    if not matches:
        return None
    key = await screen.app.push_screen_wait(
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
                        (f"moves {m.moves:%m/%d/%Y %H:%M}, " if m.moves else "")
                        + f"{m.provider}, {m.appt_type}, {weekdays_label(m.weekdays)}, "
                        f"{PART_LABELS[m.part_of_day]}",
                    ),
                )
                for m in matches
            ],
            hint="Enter: book the highlighted patient into this slot · Esc: skip",
        )
    )
    entry = next((m for m in matches if str(m.id) == key), None)
    if entry is None:
        return None
    if not await authorization_ok(
        screen, entry.patient_id, entry.patient, slot.type_id, slot.starts_at
    ):
        return None
    return await screen.ask_service(
        book_from_waitlist,
        entry.id,
        slot.provider_id,
        slot.type_id,
        slot.starts_at,
        group="write",
    )
