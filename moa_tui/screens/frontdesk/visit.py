"""One visit at the desk: the base of the check-in and check-out screens."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...services.frontdesk.frontdesk import VisitDesk, visit_desk
from ...services.frontdesk.payments import Receipt
from ...ui.text import plain_lines
from ..base import RecordView
from .receipt import ReceiptScreen, payment_dialog


class VisitScreen(RecordView):
    """One visit at the desk (screens/base.py's title bar, message line and footer): the
    visit's facts; Esc goes back with nothing done, a finished job dismisses with the
    visit's new row (a ScheduleRow)."""

    def __init__(self, appointment_id: int) -> None:
        super().__init__()
        self.appointment_id = appointment_id
        self.desk: VisitDesk | None = None

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(classes="chart"):
            yield Static("Loading…", id="visit-body")

    def reload(self) -> None:
        self.call_service(visit_desk, self.appointment_id, then=self._show)

    def _show(self, d: VisitDesk) -> None:
        self.desk = d
        self.set_title(d.appointment.patient)
        self.query_one("#visit-body", Static).update(plain_lines(self.lines(d)))

    def lines(self, d: VisitDesk) -> list[str]:
        raise NotImplementedError

    def action_back(self) -> None:
        self.dismiss(None)

    def collect(self, amount: int, description: str) -> None:
        a = self.desk.appointment
        self.app.push_screen(payment_dialog(a.patient_id, a.id, amount, description), self._paid)

    def _paid(self, receipt: Receipt | None) -> None:
        if receipt:
            self.reload()
            self.app.push_screen(ReceiptScreen(receipt))
