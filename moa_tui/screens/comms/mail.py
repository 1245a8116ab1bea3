"""A patient's mail (issue 12 item 4), opened from the chart (m): the mail in and out about
them, n logs a piece, f records the address fixed after returned mail."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding

from ...services.comms.mail import KIND_LABELS, MailRow, log_mail, mark_address_fixed, patient_mail
from ...ui.text import plain
from ...widgets.form import FieldSpec, FormDialog
from ...widgets.paged_table import RowTable
from ..base import TitledScreen

COLUMNS = [("Date", 10), ("In/out", 6), ("Kind", 15), ("From/to", 18), ("Outcome", 22)]


class PatientMailScreen(TitledScreen):
    VIEW_TITLE = "Mail"
    TOPICS = frozenset()
    REFETCH_ON_RESUME = False
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="mail.back"),
        Binding("n", "new", "Log mail", id="mail.new"),
        Binding("f", "fixed", "Address fixed", id="mail.fixed"),
    ]
    ACTION_PERMISSIONS = {"new": "comms.write", "fixed": "patient.write"}

    def __init__(self, patient_id: int, name: str = "") -> None:
        super().__init__()
        self.patient_id = patient_id
        self.patient_name = name
        self.rows: list[MailRow] = []

    def compose_body(self) -> ComposeResult:
        yield RowTable(cursor_type="row", id="mail-table")

    def on_mount(self) -> None:
        self.set_title(self.patient_name)
        self.query_one(RowTable).set_columns(COLUMNS)
        self.reload()

    def reload(self) -> None:
        self.call_service(patient_mail, self.patient_id, then=self._show)

    def _show(self, rows: list[MailRow]) -> None:
        self.rows = rows
        table = self.query_one(RowTable)
        table.clear()
        for r in rows:
            outcome = ("ADDRESS BAD · " if r.address_bad else "") + r.outcome
            cells = (r.date, r.direction, r.kind, r.party, outcome)
            table.add_row(*(plain(c) for c in cells), key=str(r.id))
        table.focus()
        if any(r.address_bad for r in rows):
            self.say("Mail came back: the address is marked bad until it is fixed (f).", "warning")
        elif not rows:
            self.say("No mail about this patient yet: n logs a piece.")

    def _selected(self) -> MailRow | None:
        table = self.query_one(RowTable)
        if not self.rows or table.cursor_row is None:
            return None
        key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        return next((r for r in self.rows if str(r.id) == key), None)

    def action_new(self) -> None:
        def submit(actor, values):
            return log_mail(actor, values, patient_id=self.patient_id)

        def done(row) -> None:
            if row is not None:
                self.say(f"Logged: {row.kind.lower()} {row.direction}, {row.date}.", "ok")
                self.reload()

        kinds = [(label, key) for key, label in KIND_LABELS.items()]
        self.app.push_screen(
            FormDialog(
                f"Mail about {self.patient_name}",
                [
                    FieldSpec("direction", "In/out", "in", options=[("In", "in"), ("Out", "out")]),
                    FieldSpec("date", "Date", "t", placeholder="t, 11/30, t-2"),
                    FieldSpec("kind", "Kind", "correspondence", options=kinds),
                    FieldSpec("party", "From/to", max_length=120),
                    FieldSpec("outcome", "Outcome", max_length=300),
                ],
                submit,
            ),
            done,
        )

    def action_fixed(self) -> None:
        row = self._selected()
        if row is None or not row.address_bad:
            self.say("Choose the returned mail whose address was fixed.", "error")
            return

        def done(fixed: MailRow) -> None:
            self.say("The address is no longer marked bad.", "ok")
            self.reload()

        self.call_service(mark_address_fixed, row.id, row.version, then=done, group="write")
