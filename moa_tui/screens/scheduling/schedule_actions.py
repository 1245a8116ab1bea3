"""What the schedule's keys do to the selected appointment: check in, book, move, cancel
(then offer the freed slot to the waitlist), no-show, undo, recurring visits, the rest of
a series cancelled and a waitlist entry. Multi-step ones are async workers that await
their dialogs, reading top to bottom."""

from __future__ import annotations

from textual import work

from ...services import clock
from ...services.parsing import weekdays_label
from ...services.scheduling.booking import mark_no_show, undo_status
from ...services.scheduling.schedule import ScheduleRow
from ...widgets.dialogs import InfoDialog
from .typed import PART_LABELS, booked_message, check_in_refusal, moved_message

# The booking screen, the waitlist offer and the schedule's dialogs are imported by the
# action that opens them, not before the schedule's first paint (issue 10).


class AppointmentActions:
    """Mixin for ScheduleScreen (``selected``, ``say``, ``reload``, ``show_appointment``,
    ``providers`` and ``types`` are the screen's)."""

    @work(exclusive=True, group="schedule-flow")
    async def action_check_in(self) -> None:
        """The check-in screen: insurance, forms, co-pay; Enter there checks in. A row that
        cannot be checked in says why from its status, without asking the writer."""
        row = self.selected()
        if row is None:
            return
        why_not = check_in_refusal(row, clock.today())
        if why_not is not None:
            self.say(why_not, "error")
            self.app.bell()
            return
        done = await self.app.open_check_in(row.id)
        if done is not None:
            self.say(f"{done.patient} checked in at {clock.now_local().naive:%H:%M}.", "ok")
            self.reload()

    def _booked_selected(self, doing: str) -> ScheduleRow | None:
        """The selected appointment if it is still booked; else say why not."""
        row = self.selected()
        if row is not None and row.status != "booked":
            self.say(
                f"This appointment is {row.status_label.lower()}; only a booked one can be "
                f"{doing}.",
                "error",
            )
            self.app.bell()
            return None
        return row

    @work(exclusive=True, group="schedule-flow")
    async def action_book(self) -> None:
        from .booking import BookingScreen

        row = await self.app.push_screen_wait(BookingScreen())
        if row is not None:
            self.show_appointment(row, booked_message(row, "Booked"))

    @work(exclusive=True, group="schedule-flow")
    async def action_reschedule(self) -> None:
        from .booking import BookingScreen

        row = self._booked_selected("moved")
        if row is None:
            return
        moved = await self.app.push_screen_wait(BookingScreen(moving=row))
        if moved is not None:
            self.show_appointment(moved, booked_message(moved, "Moved"))

    @work(exclusive=True, group="schedule-flow")
    async def action_cancel(self) -> None:
        """Cancel (who cancelled?), then offer the freed slot to the waitlist and book the
        patient chosen (moving a later visit of theirs rather than doubling it)."""
        from .offer import offer_freed_slot
        from .schedule_dialogs import cancel_dialog

        row = self._booked_selected("cancelled")
        if row is None:
            return
        cancelled = await self.app.push_screen_wait(cancel_dialog(row))
        if cancelled is None:
            return
        self.say(f"Cancelled {row.patient} {row.starts_at:%a %m/%d/%Y %H:%M}.", "ok")
        self.reload()
        booked = await offer_freed_slot(self, cancelled)
        if booked is None:
            return
        if booked.moved_from is not None:
            self.show_appointment(booked, moved_message(booked))
        else:
            self.show_appointment(booked, booked_message(booked, "From the waitlist:"))

    def action_no_show(self) -> None:
        row = self.selected()
        if row is not None:
            self.call_service(
                mark_no_show, row.id, row.version, then=self._no_show_done, group="write"
            )

    def _no_show_done(self, row: ScheduleRow) -> None:
        self.say(f"{row.patient}: no-show. u undoes it.", "ok")
        self.reload()

    def action_undo(self) -> None:
        row = self.selected()
        if row is not None:
            self.call_service(undo_status, row.id, row.version, then=self._undone, group="write")

    def _undone(self, row: ScheduleRow) -> None:
        self.say(f"Undone: {row.patient} is {row.status_label.lower()} again.", "ok")
        self.reload()

    @work(exclusive=True, group="schedule-flow")
    async def action_cancel_series(self) -> None:
        from .schedule_dialogs import cancel_series_dialog

        row = self._booked_selected("cancelled")
        if row is None:
            return
        if row.series_id is None:
            self.say("This appointment is not part of a recurring series.", "error")
            return
        rows = await self.app.push_screen_wait(cancel_series_dialog(row))
        if rows is not None:
            self.say(f"Cancelled {len(rows)} visits of the series.", "ok")
            self.reload()

    @work(exclusive=True, group="schedule-flow")
    async def action_recurring(self) -> None:
        """The series' rule and length, then what was booked and what was skipped."""
        from .schedule_dialogs import recurring_dialog, series_lines

        row = self.selected()
        if row is None or not row.type_id:
            return
        result = await self.app.push_screen_wait(recurring_dialog(row, row.type_id))
        if result is None:
            return
        self.reload()
        self.say(f"Series: {len(result.booked)} booked, {len(result.skipped)} skipped.", "ok")
        self.app.push_screen(InfoDialog("Recurring visits", series_lines(result)))

    @work(exclusive=True, group="schedule-flow")
    async def action_waitlist(self) -> None:
        from .schedule_dialogs import waitlist_dialog

        row = self.selected()
        if row is None:
            return
        dialog = waitlist_dialog(row, self.providers, self.types, row.type_id or None)
        entry = await self.app.push_screen_wait(dialog)
        if entry is not None:
            provider = "any provider" if entry.provider == "any" else entry.provider
            moves = f" · a slot taken moves {entry.moves:%m/%d/%Y %H:%M}" if entry.moves else ""
            self.say(
                f"Waitlist: {entry.patient} · {provider} · {entry.appt_type} · "
                f"{weekdays_label(entry.weekdays)} · {PART_LABELS[entry.part_of_day]}{moves}",
                "ok",
            )
