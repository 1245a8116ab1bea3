"""Refill requests (issue 12 item 7): a patient's requests with where each stands (from the
chart, f, and from the New call screen's patient, Ctrl+F); n there logs a new one (from a
call: its caller and callback come along, and the call closes once it is logged), routed
to the prescriber's inbox; the next step (s here, f on a refill in the inbox)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ...services.comms.refills import (
    STEP_LABELS,
    LoggedRefill,
    PrescriberChoices,
    RefillRow,
    log_refill,
    patient_refills,
    prescriber_choices,
    step_refill,
)
from ...services.errors import ServiceError, ValidationError
from ...ui.text import plain
from ...widgets.dialogs import InfoDialog, PickDialog
from ...widgets.form import FieldSelect, FieldSpec, Form, FormDialog
from ...widgets.paged_table import Column, RowTable
from ..base import TitledScreen

COLUMNS = [
    Column("Asked", 5),
    Column("Medication", 16, share=1),
    Column("Pharmacy", 12, share=1),
    Column("Where it stands", 40, share=2),
]


def refill_lines(r: RefillRow) -> list[str]:
    """A request in full: what, where, who prescribes it, and every step."""
    lines = [
        f"{r.medication} {r.dose}".strip() + f" · {r.patient}",
        f"Pharmacy: {r.pharmacy} {r.pharmacy_phone} · prescriber {r.prescriber or '-'}",
        "",
    ]
    for s in r.steps:
        lines.append(
            f"{s.at:%m/%d/%Y %H:%M}  {s.label} by {s.staff}" + (f": {s.note}" if s.note else "")
        )
    return lines


async def next_refill_step(screen, row: RefillRow) -> RefillRow | None:
    """Choose the request's next step and note it, over *screen* (an async worker's flow):
    a denial asks why. Returns the request as it is now, or None if nothing was done."""
    if not row.next_steps:
        screen.say(f"This request is done: {row.where_it_stands()}.", "warning")
        return None
    status = row.next_steps[0]
    if len(row.next_steps) > 1:
        status = await screen.app.push_screen_wait(
            PickDialog(
                f"Next step: {row.medication}",
                [("Step", 30)],
                [(s, [STEP_LABELS[s]]) for s in row.next_steps],
                hint="Enter: choose · Esc: back",
            )
        )
        if status is None:
            return None

    def submit(actor, values):
        return step_refill(actor, row.id, row.version, status, values["note"])

    hint = {
        "denied": "Why it was denied (required) · Enter: save · Esc: back",
        "done": "Whom you called and what you said · Enter: save · Esc: back",
    }.get(status, "A note (optional) · Enter: save · Esc: back")
    return await screen.app.push_screen_wait(
        FormDialog(
            f"{STEP_LABELS[status]}: {row.medication}",
            [FieldSpec("note", "Note", max_length=300)],
            submit,
            hint=hint,
        )
    )


class RefillCallScreen(TitledScreen):
    """A refill request for one patient, from a call: caller and callback (filled from
    the call screen), the medication, the dose if known, the pharmacy and its phone, the
    prescriber (the patient's own provider first) and a note."""

    VIEW_TITLE = "Refill request"
    SCREEN_NAME = "Refill request"
    TOPICS = frozenset()
    REFETCH_ON_RESUME = False
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="refill_call.cancel"),
        Binding("ctrl+s", "save", "Save", id="refill_call.save"),
    ]

    def __init__(self, patient_id: int, name: str, caller: str = "", callback: str = "") -> None:
        super().__init__()
        self.patient_id = patient_id
        self.patient_name = name
        self.caller = caller
        self.callback = callback
        self._busy = False

    def compose_body(self) -> ComposeResult:
        yield Static(plain(f"Patient: {self.patient_name}"), id="refill-patient", classes="toolbar")
        yield Form(
            [
                FieldSpec("caller", "Caller", self.caller, max_length=80),
                FieldSpec(
                    "callback",
                    "Callback",
                    self.callback,
                    placeholder="e.g. 555-201-3344",
                    max_length=25,
                ),
                FieldSpec("medication", "Medication", max_length=120),
                FieldSpec("dose", "Dose", placeholder="if the caller knows it", max_length=60),
                FieldSpec("pharmacy", "Pharmacy", max_length=80),
                FieldSpec(
                    "pharmacy_phone", "Pharm. phone", placeholder="e.g. 555-201-9000", max_length=25
                ),
                FieldSpec("prescriber", "Prescriber", options=[("(loading)", "")]),
                FieldSpec("note", "Note", max_length=2000),
            ],
            id="refill-form",
        )

    def on_mount(self) -> None:
        self.set_title(self.patient_name)
        first = "#medication" if self.caller and self.callback else "#caller"
        self.set_focus(self.query_one(first))
        self.call_service(prescriber_choices, self.patient_id, then=self._choices, group="choices")

    def _choices(self, found: PrescriberChoices) -> None:
        select = self.query_one("#prescriber", FieldSelect)
        if found.choices:
            select.set_options([(plain(label), code) for label, code in found.choices])
            select.value = found.default

    def on_form_done(self, event: Form.Done) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        if self._busy:
            return
        self._busy = True
        self.say("Saving…")
        values = self.query_one(Form).values()
        self.call_service(
            log_refill,
            values,
            self.patient_id,
            then=self._logged,
            failed=self._failed,
            group="write",
        )

    def _failed(self, error: ServiceError) -> None:
        self._busy = False
        form = self.query_one(Form)
        if isinstance(error, ValidationError):
            form.show_errors(error.errors)
            self.say(error.errors.get("patient_id", "Check the marked fields."), "error")
        else:
            form.show_errors({})
            self.say(str(error), "error")
        self.app.bell()

    def _logged(self, logged: LoggedRefill) -> None:
        self._busy = False
        self.dismiss(logged)

    def action_cancel(self) -> None:
        self.dismiss(None)


def refill_logged_text(logged: LoggedRefill) -> str:
    return f"Refill request ({logged.medication}) sent to {logged.inbox}'s inbox."


class PatientRefillsScreen(TitledScreen):
    """A patient's refill requests, the newest first, with where each stands."""

    VIEW_TITLE = "Refills"
    TOPICS = frozenset({"messages"})
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="refills.back"),
        Binding("enter", "open", "Steps", id="refills.open"),
        Binding("s", "step", "Next step", id="refills.step"),
        Binding("n", "new", "New request", id="refills.new"),
    ]
    ACTION_PERMISSIONS = {"step": "comms.write", "new": "comms.write"}

    def __init__(
        self,
        patient_id: int,
        name: str = "",
        caller: str = "",
        callback: str = "",
        from_call: bool = False,
    ) -> None:
        super().__init__()
        self.patient_id = patient_id
        self.patient_name = name
        self.caller = caller
        self.callback = callback
        self.from_call = from_call  # a request logged here closes this list with it
        self.rows: dict[str, RefillRow] = {}

    def compose_body(self) -> ComposeResult:
        yield RowTable(cursor_type="row", id="refills-table")

    def on_mount(self) -> None:
        self.set_title(self.patient_name)
        self.query_one(RowTable).set_columns(COLUMNS)
        self.reload()

    def reload(self) -> None:
        self.call_service(patient_refills, self.patient_id, then=self._show, group="page")

    def _show(self, rows: list[RefillRow]) -> None:
        table = self.query_one(RowTable)
        keep = self._selected()
        table.clear()
        self.rows = {str(r.id): r for r in rows}
        for key, r in self.rows.items():
            cells = (
                f"{r.steps[0].at:%m/%d}",
                f"{r.medication} {r.dose}".strip(),
                r.pharmacy,
                f"{r.last_step.label} {r.last_step.at:%m/%d %H:%M} by {r.last_step.staff}",
            )
            table.add_row(*(plain(c) for c in cells), key=key)
        if keep is not None and str(keep.id) in self.rows:
            table.move_cursor(row=table.get_row_index(str(keep.id)))
        table.focus()
        if not rows:
            self.say("No refill requests for this patient: n logs one.")

    def _selected(self) -> RefillRow | None:
        table = self.query_one(RowTable)
        if not self.rows or not table.row_count:
            return None
        key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        return self.rows.get(key)

    def on_data_table_row_selected(self, event) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        row = self._selected()
        if row is not None:
            self.app.push_screen(InfoDialog(f"Refill request {row.id}", refill_lines(row)))

    def action_step(self) -> None:
        row = self._selected()
        if row is not None:
            self.run_worker(self._step(row), exclusive=True, group="refill-step")

    async def _step(self, row: RefillRow) -> None:
        done = await next_refill_step(self, row)
        if done is not None:
            self.say(f"{done.medication}: {done.where_it_stands()}.", "ok")
            self.reload()

    def action_new(self) -> None:
        def logged(result: LoggedRefill | None) -> None:
            if result is not None and self.from_call:
                self.dismiss(result)  # the call it came from closes with it
            elif result is not None:
                self.say(refill_logged_text(result), "ok")
                self.reload()

        screen = RefillCallScreen(self.patient_id, self.patient_name, self.caller, self.callback)
        self.app.push_screen(screen, logged)
