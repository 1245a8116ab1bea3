"""One visit at the desk: the base of the check-in and check-out screens."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from ...services.errors import ServiceError
from ...services.frontdesk.frontdesk import VisitDesk, visit_desk
from ...services.frontdesk.payments import Receipt
from ...services.scheduling.schedule import ScheduleRow
from ...ui.calls import ServiceCaller
from ...ui.text import plain, plain_lines
from ...widgets.message_line import MessageLine
from .receipt import ReceiptScreen, payment_dialog


class VisitScreen(ServiceCaller, Screen[ScheduleRow | None]):
    """One visit at the desk: a title, the visit's facts, a message line; Esc goes back
    with nothing done, a finished job dismisses with the visit's new row."""

    TITLE = ""

    def __init__(self, appointment_id: int) -> None:
        super().__init__()
        self.appointment_id = appointment_id
        self.desk: VisitDesk | None = None

    def compose(self) -> ComposeResult:
        yield Static(self.TITLE, id="titlebar")
        with VerticalScroll(classes="chart"):
            yield Static("Loading…", id="visit-body")
        yield MessageLine()
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.call_service(visit_desk, self.appointment_id, then=self._show)

    def _show(self, d: VisitDesk) -> None:
        self.desk = d
        self.query_one("#titlebar", Static).update(plain(f"{self.TITLE} · {d.appointment.patient}"))
        self.query_one("#visit-body", Static).update(plain_lines(self.lines(d)))

    def lines(self, d: VisitDesk) -> list[str]:
        raise NotImplementedError

    def say(self, text: str, kind: str = "") -> None:
        """A line of feedback; *kind* "error", "warning" or "ok" (widgets/message_line.py)."""
        self.query_one(MessageLine).say(text, kind)

    def show_error(self, error: ServiceError) -> None:
        self.say(str(error), "error")
        self.app.bell()

    def action_back(self) -> None:
        self.dismiss(None)

    def collect(self, amount: int, description: str) -> None:
        a = self.desk.appointment
        self.app.push_screen(payment_dialog(a.patient_id, a.id, amount, description), self._paid)

    def _paid(self, receipt: Receipt | None) -> None:
        if receipt:
            self.reload()
            self.app.push_screen(ReceiptScreen(receipt))
