"""Checking a patient out: the balance, the follow-up booking ("2w" -> open slots), the slip."""

from __future__ import annotations

import datetime as dt

from textual import work
from textual.binding import Binding

from ...services import clock
from ...services.comms.recalls import RecallRow
from ...services.frontdesk.frontdesk import VisitDesk
from ...services.frontdesk.visit_slip import save_visit_slip
from ...services.scheduling.availability import list_types
from ...services.scheduling.booking import Slot, SlotFilter, book_appointment, find_open_slots
from ...services.scheduling.schedule import ScheduleRow, advance
from ...services.validate import format_money, parse_date
from ...widgets.dialogs import PickDialog
from ...widgets.export import ExportDialog
from ...widgets.form import FieldSpec, FormDialog
from ..comms.recall_form import set_recall
from ..scheduling.authorization import authorization_ok
from ..supplies.stock_dialogs import visit_supplies_dialog
from .visit import VisitScreen


class CheckOutScreen(VisitScreen):
    """Balance, the follow-up booking ("2w" -> open slots around then), the visit slip."""

    SCREEN_NAME = "Check-out"

    VIEW_TITLE = "Check out"
    ACTION_PERMISSIONS = {"supplies": "stock.write"}

    BINDINGS = [
        Binding("enter", "check_out", "Check out", id="checkout.check_out"),
        Binding("p", "pay", "Collect balance", id="checkout.pay"),
        Binding("b", "follow_up", "Book follow-up", id="checkout.follow_up"),
        # Not in the footer (full at 80 columns): the Recall line of the visit says "r".
        Binding("r", "recall", "Recall (due back)", show=False, id="checkout.recall"),
        Binding("f", "slip", "Visit slip PDF", id="checkout.slip"),
        Binding("s", "supplies", "Supplies used", id="checkout.supplies"),
        Binding("escape", "back", "Back", id="checkout.back"),
    ]

    def __init__(self, appointment_id: int) -> None:
        super().__init__(appointment_id)
        self.next_visit: ScheduleRow | None = None
        self.recall: RecallRow | None = None

    def lines(self, d: VisitDesk) -> list[str]:
        a = d.appointment
        follow = (
            f"{self.next_visit.starts_at:%a %m/%d/%Y %H:%M} with {self.next_visit.provider}"
            if self.next_visit
            else "none booked yet (b)"
        )
        lines = [
            f"{a.patient}   seen {a.starts_at:%H:%M} by {a.provider} · {a.appt_type}",
            "",
            f"Balance     {format_money(d.balance_cents)}"
            + ("  (p to collect)" if d.balance_cents > 0 else ""),
            f"Follow-up   {follow}",
            "Recall      "
            + (
                f"{self.recall.kind.lower()} due {self.recall.due_on:%m/%d/%Y}"
                if self.recall
                else "none set (r)"
            ),
        ]
        return lines

    def action_pay(self) -> None:
        if self.desk and self.desk.balance_cents > 0:
            self.collect(self.desk.balance_cents, "Balance payment")

    @work(exclusive=True, group="recall")
    async def action_recall(self) -> None:
        """The patient is due back (an annual physical, a 6-month follow-up): a recall,
        linked to this visit, for the desk to call about when it comes due."""
        if self.desk:
            a = self.desk.appointment
            row = await set_recall(
                self, a.patient_id, a.patient, visit_id=a.id, provider_id=a.provider_id
            )
            if row is not None:
                self.recall = row
                self.reload()

    def action_follow_up(self) -> None:
        if self.desk:
            self._follow_up(self.desk.appointment)

    @work(exclusive=True, group="follow-up")
    async def _follow_up(self, a: ScheduleRow) -> None:
        """When ("t+2w"), then the open slots with this provider around then, then book."""

        def find(actor, values):
            day = parse_date("when", values["when"], today=clock.today())
            earliest = max(day - dt.timedelta(days=2), clock.today())
            type_id = _type_id_of(actor, a)
            return find_open_slots(
                actor, type_id, SlotFilter(provider_id=a.provider_id, earliest=earliest), 8
            ), type_id

        found: tuple[list[Slot], int] | None = await self.app.push_screen_wait(
            FormDialog(
                "Follow-up: when?",
                [FieldSpec("when", "When", "t+2w", max_length=20)],
                find,
                hint="t+2w = in two weeks, t+3m, mon, 12/24 · Enter: show slots",
            )
        )
        if not found:
            return
        slots, type_id = found
        if not slots:
            self.say("No open slot with this provider around then.", "error")
            return
        # Every slot found shows at once, one row each (a drop-down showed one, cut in two).
        rows = [
            (str(n), (f"{s.starts_at:%a %m/%d/%Y}", f"{s.starts_at:%H:%M}", s.provider))
            for n, s in enumerate(slots)
        ]
        key = await self.app.push_screen_wait(
            PickDialog(
                "Book the follow-up",
                [("Day", 14), ("Time", 5), ("Provider", 24)],
                rows,
                hint="Enter: book this slot · Esc: none",
            )
        )
        if key is None:
            return
        slot = slots[int(key)]
        if not await authorization_ok(self, a.patient_id, a.patient, type_id, slot.starts_at):
            return
        row = await self.ask_service(
            book_appointment,
            a.patient_id,
            slot.provider_id,
            type_id,
            slot.starts_at,
            group="write",
        )
        self._booked(row)

    def _booked(self, row: ScheduleRow | None) -> None:
        if row:
            self.next_visit = row
            self.reload()
            self.say(f"Follow-up booked {row.starts_at:%a %m/%d/%Y %H:%M}.", "ok")

    def action_slip(self) -> None:
        if self.desk:
            row, next_visit = self.desk.appointment, self.next_visit

            def save(actor, path, overwrite):
                return save_visit_slip(actor, row, next_visit, path, overwrite)

            self.app.push_screen(
                ExportDialog(
                    "Save the visit slip as PDF", f"visit-slip-{self.appointment_id}.pdf", save
                ),
                lambda where: where and self.say(f"Saved {where}", "ok"),
            )

    def action_supplies(self) -> None:
        """Supplies used at the visit, taken from stock first expiring first."""

        def used(result) -> None:
            if result is not None:
                self.say(f"{result.quantity} x {result.name} used at this visit.", "ok")

        self.app.push_screen(visit_supplies_dialog(self.appointment_id), used)

    def action_check_out(self) -> None:
        if self.desk:
            a = self.desk.appointment
            self.call_service(advance, a.id, a.version, then=self.dismiss, group="write")


def _type_id_of(actor, row: ScheduleRow) -> int:
    return next(t.id for t in list_types(actor) if t.name == row.appt_type)
