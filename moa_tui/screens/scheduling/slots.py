"""The booking screen's last step: the open slots (filtered by time of day, weekdays, the
earliest date and the provider, a page at a time), booking one, and the override that
books a time the list does not offer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from textual import work

from ...services import clock
from ...services.errors import ServiceError, ValidationError
from ...services.parsing import parse_day, parse_weekdays, parse_when, weekdays_label
from ...services.scheduling.absences import Absence, absences_during
from ...services.scheduling.booking import (
    Slot,
    SlotTaken,
    book_appointment,
    find_open_slots,
    reschedule,
)
from ...ui.text import plain
from ...widgets.dialogs import PickDialog
from ...widgets.form import FieldSpec, FormDialog
from .authorization import authorization_ok
from .typed import PART_LABELS, PARTS

SLOT_PAGE = 10
# A service's field name -> the override dialog's field that holds it.
OVERRIDE_FIELDS = {
    "starts_at": "when",
    "minutes": "when",
    "override": "reason",
    "provider": "provider",
    "appt_type": "provider",
}


class SlotStep:
    """Mixin for BookingScreen: the open-slot step (``self.filter``, ``self.slots``,
    ``self.kind``, ``self.patient``, ``self.moving`` are the screen's)."""

    def load_slots(self) -> None:
        if self.kind is None:
            return
        self.slots_loading = True
        self._hint("Finding open slots…")
        self.call_service(
            find_open_slots,
            self.kind.id,
            self.filter,
            self.limit,
            then=self._got_slots,
            group="slots",
        )

    def _got_slots(self, slots: list[Slot]) -> None:
        self.slots_loading = False
        self._show_slots(slots)
        self.table.move_cursor(row=self.cursor_after_load)
        self.cursor_after_load = 0

    def _show_slots(self, slots: list[Slot]) -> None:
        self.slots = slots
        table = self.table
        table.reset()
        for i, s in enumerate(slots):
            table.add_row(
                f"{s.starts_at:%a %m/%d}",
                f"{s.starts_at:%H:%M}",
                plain(s.provider),
                f"{s.minutes} min",
                key=f"s{i}",
            )
        f = self.filter
        earliest = f"from {f.earliest:%m/%d/%Y}" if f.earliest else "from now"
        found = f"{len(slots)} open" if slots else "No open slot in 90 days"
        self._hint(
            f"{found} · {PART_LABELS[f.part_of_day]} · {weekdays_label(f.weekdays)} · "
            f"{earliest} · Enter books"
        )
        self._update_summary()

    def _refilter(self, **changes) -> None:
        self.filter = replace(self.filter, **changes)
        self.limit = SLOT_PAGE
        self.cursor_after_load = 0
        self.load_slots()
        self._update_summary()

    def action_part_of_day(self) -> None:
        nxt = PARTS[(PARTS.index(self.filter.part_of_day) + 1) % len(PARTS)]
        self._refilter(part_of_day=nxt)

    def action_cycle_provider(self) -> None:
        ids = [None, *(p.id for p in self._offering())]
        current = ids.index(self.filter.provider_id) if self.filter.provider_id in ids else 0
        self._refilter(provider_id=ids[(current + 1) % len(ids)])

    def action_more(self) -> None:
        self.limit += SLOT_PAGE
        self.cursor_after_load = self.table.cursor_row
        self.load_slots()

    @work(exclusive=True, group="slot-filter")
    async def action_weekdays(self) -> None:
        days = "" if self.filter.weekdays == "0123456" else self.filter.weekdays

        def submit(actor, values):
            return parse_weekdays("days", values["days"])

        days = await self.app.push_screen_wait(
            FormDialog(
                "Which days of the week",
                [FieldSpec("days", "Days", days, placeholder="024 or Mon,Wed")],
                submit,
                hint="Digits (Mon = 0) or Mon,Wed or mon-fri; blank = every day · Esc cancel",
            )
        )
        if days:
            self._refilter(weekdays=days)

    @work(exclusive=True, group="slot-filter")
    async def action_earliest(self) -> None:
        def submit(actor, values):
            if not values["date"].strip():
                return clock.today()
            return parse_day("date", values["date"], label="Earliest")

        day = await self.app.push_screen_wait(
            FormDialog(
                "Earliest date",
                [FieldSpec("date", "From", placeholder="t+2w, mon, 12/24")],
                submit,
                hint="t, t+1, t+2w, 12/24, 2026-12-24; blank = today · Enter · Esc cancel",
            )
        )
        if day:
            self._refilter(earliest=day)

    # --- booking

    def book(self, slot: Slot) -> None:
        if self.moving is not None:  # a move keeps the visit's authorization
            self.write_booking(slot.starts_at, slot.provider_id)
        else:
            self.run_worker(self._book_checked(slot), exclusive=True, group="auth-check")

    async def _book_checked(self, slot: Slot) -> None:
        """A visit that needs the payer's authorization, with none good for it (missing,
        expired, not started, used up): say so and book only if the desk says to."""
        if self.patient is None or self.kind is None:
            return
        patient_id, name = self.patient[0], self.patient[1]
        if await authorization_ok(self, patient_id, name, self.kind.id, slot.starts_at):
            self.write_booking(slot.starts_at, slot.provider_id)

    def write_booking(self, starts_at: dt.datetime, provider_id: int, override: str = "") -> None:
        """Book the patient (or move the appointment) there; the screen closes with it."""
        if self.moving is not None:
            args: tuple = (reschedule, self.moving.id, self.moving.version, starts_at, provider_id)
            self.call_service(
                *args, override, then=self.dismiss, failed=self._refused, group="write"
            )
        elif self.patient is not None and self.kind is not None:
            self.call_service(
                book_appointment,
                self.patient[0],
                provider_id,
                self.kind.id,
                starts_at,
                override=override,
                recall_id=self.recall_id,
                then=self.dismiss,
                failed=self._refused,
                group="write",
            )

    def _refused(self, error: ServiceError) -> None:
        self.show_error(error)
        if isinstance(error, SlotTaken):
            # Someone else took it: offer the next open slots instead, the first highlighted.
            self._show_slots(error.alternatives)
            self.table.move_cursor(row=0)
            self._hint(f"{len(error.alternatives)} other open slots · Enter books")

    @work(exclusive=True, group="override")
    async def action_override(self) -> None:
        """Book a time the slot list does not offer (outside hours, overbooking): the time,
        provider and reason; into a vacation or a closed day, the question again naming
        it; then the booking."""
        if self.kind is None or self.patient is None:
            return
        answer = await self.app.push_screen_wait(self._override_dialog())
        if isinstance(answer, AbsenceQuestion):
            choice = await self.app.push_screen_wait(self._absence_dialog(answer))
            if choice != "book":
                self.say("Not booked: choose another time.")
                return
            self.write_booking(answer.starts_at, answer.provider_id, answer.reason)
        elif answer is not None:
            self.dismiss(answer)

    def _override_dialog(self) -> FormDialog:
        assert self.kind is not None and self.patient is not None
        options = [(p.short_name, str(p.id)) for p in self._offering()]
        highlighted = self.slots[self.table.cursor_row] if self.slots else None
        provider_id = self.filter.provider_id or (highlighted.provider_id if highlighted else None)
        default = str(provider_id) if provider_id else options[0][1]
        when = f"{highlighted.starts_at:%m/%d %H:%M}" if highlighted else ""
        moving, patient_id, type_id = self.moving, self.patient[0], self.kind.id
        recall_id = self.recall_id
        minutes = moving.minutes if moving is not None else self.kind.default_minutes

        def submit(actor, values):
            starts = parse_when("when", values["when"], need_time=True)
            reason = values["reason"].strip()
            if not reason:
                raise ValidationError.one("reason", "Say why the usual rules do not apply.")
            provider_id = int(values["provider"])
            # Into a vacation or a closed day: ask again, naming it, before booking.
            away = absences_during(actor, provider_id, starts, minutes)
            if away:
                return AbsenceQuestion(starts, provider_id, reason, tuple(away))
            try:
                if moving is not None:
                    return reschedule(actor, moving.id, moving.version, starts, provider_id, reason)
                return book_appointment(
                    actor,
                    patient_id,
                    provider_id,
                    type_id,
                    starts,
                    override=reason,
                    recall_id=recall_id,
                )
            except ValidationError as exc:
                errors = {OVERRIDE_FIELDS.get(k, k): v for k, v in exc.errors.items()}
                raise ValidationError(errors) from exc

        return FormDialog(
            "Override: book outside the open slots",
            [
                FieldSpec("when", "Date and time", when, placeholder="e.g. 12/24 9:10"),
                FieldSpec("provider", "Provider", default, options=options),
                FieldSpec(
                    "reason", "Reason", placeholder="e.g. urgent, seen today", max_length=150
                ),
            ],
            submit,
            hint="Outside hours or over another booking, with a reason ('overbook' to "
            "double-book) · Enter: next / book · Esc: cancel",
        )

    def _absence_dialog(self, question: AbsenceQuestion) -> PickDialog:
        """The override question again, naming the vacation or closed day it lands in."""
        names = {p.id: p.short_name for p in self.providers or []}
        who = self.moving.patient if self.moving else (self.patient or (0, ""))[1]
        title = " ".join(a.sentence() for a in question.absences) + (
            f" Book {who} {question.starts_at:%a %m/%d/%Y %H:%M} with "
            f"{names.get(question.provider_id, 'this provider')} anyway?"
        )
        return PickDialog(
            title,
            [("Answer", 40)],
            [("book", ("Book anyway (override)",)), ("back", ("No, choose another time",))],
            hint="Enter: choose · Esc: do not book",
        )


@dataclass(frozen=True)
class AbsenceQuestion:
    """An override that lands in blocked time: asked again before anything is booked."""

    starts_at: dt.datetime
    provider_id: int
    reason: str
    absences: tuple[Absence, ...]
