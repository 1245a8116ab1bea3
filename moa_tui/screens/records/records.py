"""A patient's clinical record (issue 12 item 8), opened from the chart (a): allergies
first, then active medications and problems, recent vitals, visit notes and documents,
then what was stopped or resolved. Reading it is audited, so it is fetched when opened
and after a change made here. Keys add to each list; x stops, resolves or retires the
selected row; Enter opens a note or a document."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from ...services.errors import ValidationError
from ...services.records.clinical import (
    add_allergy,
    add_medication,
    add_problem,
    resolve_problem,
    retire_allergy,
    search_problem_codes,
    set_no_known_allergies,
    stop_medication,
)
from ...services.records.documents import document_limit
from ...services.records.summary import ClinicalRecord, clinical_record
from ...ui.text import plain
from ...widgets.dialogs import InfoDialog, PickDialog
from ...widgets.form import FieldSpec, FormDialog
from ...widgets.paged_table import Column, RowTable
from ..base import RecordView
from .documents import DocumentScreen, file_document_dialog
from .notes import NoteEditScreen, NoteScreen
from .vitals import VitalsDialog

COLUMNS = [
    Column("What", 10),
    Column("Date", 10),
    Column("Details", 40, share=2),
    Column("State", 12),
]
SEVERITIES = [
    ("Unknown", "unknown"),
    ("Mild", "mild"),
    ("Moderate", "moderate"),
    ("Severe", "severe"),
]


def record_rows(record: ClinicalRecord) -> list[tuple[str, str, tuple[str, str, str, str]]]:
    """(kind, id, cells) for each row, allergies first, what ended last."""
    rows = []
    for a in record.allergies:
        details = "No known allergies" if a.no_known else a.line()
        rows.append(("allergy", a.id, ("Allergy", a.noted_on, details, "")))
    for m in record.medications:
        rows.append(("med", m.id, ("Medication", m.started_on, m.line(), "active")))
    for p in record.problems:
        rows.append(("problem", p.id, ("Problem", p.onset_on, p.line(), "active")))
    for v in record.vitals[:3]:
        state = "confirmed" if v.out_of_range else ""
        rows.append(("vitals", v.id, ("Vitals", v.taken_at[:10], v.line(), state)))
    for n in record.notes:
        state = ("signed" if n.signed else "DRAFT") + (f" +{n.amendments}" if n.amendments else "")
        rows.append(
            (
                "note",
                n.id,
                ("Note", n.visit_date, f"{n.title or 'Visit note'} · {n.written_by}", state),
            )
        )
    for d in record.documents:
        rows.append(
            (
                "doc",
                d.id,
                ("Document", d.date, f"{d.kind}: {d.description or d.file_name}", d.size_text()),
            )
        )
    for m in record.stopped:
        rows.append(("med", m.id, ("Medication", m.started_on, m.line(), f"stop {m.stopped_on}")))
    for p in record.resolved:
        rows.append(("problem", p.id, ("Problem", p.onset_on, p.line(), "resolved")))
    return rows


class RecordsScreen(RecordView):
    """One patient's clinical record."""

    VIEW_TITLE = "Record"
    DEFAULT_CSS = """
    #records-allergies { height: auto; max-height: 3; padding: 0 1; text-style: bold; }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="records.back"),
        Binding("a", "allergy", "Allergy", id="records.allergy"),
        Binding("m", "medication", "Medication", id="records.medication"),
        Binding("p", "problem", "Problem", id="records.problem"),
        Binding("v", "vitals", "Vitals", id="records.vitals"),
        Binding("n", "note", "Note", id="records.note"),
        Binding("f", "file", "File", id="records.file"),
        Binding("enter", "open", "Open", id="records.open"),
        Binding("k", "no_known", "No known allergies", show=False, id="records.no_known"),
        Binding("x", "end_row", "Stop/resolve/retire", show=False, id="records.end"),
    ]
    ACTION_PERMISSIONS = {
        "allergy": "clinical.write",
        "medication": "clinical.write",
        "problem": "clinical.write",
        "vitals": "clinical.write",
        "note": "clinical.write",
        "no_known": "clinical.write",
        "end_row": "clinical.write",
        "file": "records.file",
    }

    def __init__(self, patient_id: int, name: str = "") -> None:
        super().__init__()
        self.patient_id = patient_id
        self.patient_name = name
        self.record: ClinicalRecord | None = None
        self.rows: dict[str, tuple[str, int]] = {}

    def first_title(self) -> str:
        return self.patient_name

    def compose_body(self) -> ComposeResult:
        with Vertical():
            yield Static("Loading…", id="records-allergies")
            yield RowTable(cursor_type="row", id="records-table")

    def on_mount(self) -> None:
        self.query_one(RowTable).set_columns(COLUMNS)
        super().on_mount()

    def reload(self) -> None:
        self.call_service(clinical_record, self.patient_id, then=self._show)

    def _show(self, record: ClinicalRecord) -> None:
        self.record = record
        self.patient_name = record.name
        self.set_title(record.name)
        self.query_one("#records-allergies", Static).update(plain(record.allergy_line()))
        table = self.query_one(RowTable)
        keep = table.cursor_row
        table.clear()
        self.rows = {}
        for n, (kind, row_id, cells) in enumerate(record_rows(record)):
            key = f"{n}"
            self.rows[key] = (kind, row_id)
            table.add_row(*(plain(c) for c in cells), key=key)
        if keep is not None and table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))
        table.focus()
        if not self.rows:
            self.say("Nothing recorded yet: a allergy, m medication, p problem, v vitals, n note.")

    def selected(self) -> tuple[str, int] | None:
        table = self.query_one(RowTable)
        if not self.rows or table.cursor_row is None:
            return None
        key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        return self.rows.get(key)

    def _saved(self, what: str):
        def done(result) -> None:
            if result is not None:
                self.say(what, "ok")
                self.reload()

        return done

    # --- adding -------------------------------------------------------------------

    def action_allergy(self) -> None:
        specs = [
            FieldSpec("substance", "Substance", max_length=80),
            FieldSpec("reaction", "Reaction", max_length=120),
            FieldSpec("severity", "Severity", "unknown", options=SEVERITIES),
            FieldSpec("noted_on", "Noted on", "t", placeholder="t, 11/30"),
        ]
        pid = self.patient_id
        self.app.push_screen(
            FormDialog(
                f"Allergy · {self.patient_name}",
                specs,
                lambda actor, values: add_allergy(actor, pid, values),
            ),
            self._saved("Allergy recorded."),
        )

    def action_no_known(self) -> None:
        self.call_service(
            set_no_known_allergies,
            self.patient_id,
            group="write",
            then=self._saved("Recorded: no known allergies."),
        )

    def action_medication(self) -> None:
        specs = [
            FieldSpec("name", "Medication", max_length=80),
            FieldSpec("dose", "Dose", max_length=40, placeholder="10 mg"),
            FieldSpec("how_taken", "How taken", max_length=80, placeholder="by mouth daily"),
            FieldSpec("prescriber", "Prescriber", max_length=80),
            FieldSpec("started_on", "Started", placeholder="11/01/2026 (or empty)"),
        ]
        pid = self.patient_id
        self.app.push_screen(
            FormDialog(
                f"Medication · {self.patient_name}",
                specs,
                lambda actor, values: add_medication(actor, pid, values),
            ),
            self._saved("Medication recorded."),
        )

    def action_problem(self) -> None:
        self._problem()

    @work(exclusive=True, group="problem-flow")
    async def _problem(self) -> None:
        """Search the code table (a code or words), pick, then the onset."""

        def search(actor, values):
            hits = search_problem_codes(actor, values["search"])
            if not hits:
                raise ValidationError.one("search", "No ICD-10-CM code matches that.")
            return hits

        hits = await self.app.push_screen_wait(
            FormDialog(
                "Problem: find its ICD-10-CM code",
                [
                    FieldSpec(
                        "search",
                        "Code or words",
                        placeholder="E11.9, type 2 diabetes",
                        max_length=80,
                    )
                ],
                search,
            )
        )
        if not hits:
            return
        code = await self.app.push_screen_wait(
            PickDialog(
                "Which code?",
                [("Code", 8), ("Description", 60)],
                [(h.code, (h.code, h.description)) for h in hits],
            )
        )
        if not code:
            return
        pid = self.patient_id
        done = await self.app.push_screen_wait(
            FormDialog(
                f"Problem {code} · {self.patient_name}",
                [
                    FieldSpec("code", "Code", code, max_length=8),
                    FieldSpec("onset_on", "Onset", placeholder="01/2020 as 01/15/2020, or empty"),
                ],
                lambda actor, values: add_problem(actor, pid, values),
            )
        )
        self._saved(f"Problem {code} added.")(done)

    def action_vitals(self) -> None:
        self.app.push_screen(
            VitalsDialog(self.patient_id, self.patient_name), self._saved("Vitals recorded.")
        )

    def action_note(self) -> None:
        self.app.push_screen(
            NoteEditScreen(self.patient_id, self.patient_name), lambda _r: self.reload()
        )

    def action_file(self) -> None:
        self.call_service(document_limit, then=self._file_dialog, group="limit")

    def _file_dialog(self, limit_mb: int) -> None:
        self.app.push_screen(
            file_document_dialog(self.patient_id, self.patient_name, limit_mb),
            self._saved("Document filed."),
        )

    # --- the selected row ----------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        chosen = self.selected()
        if chosen is None or self.record is None:
            return
        kind, row_id = chosen
        if kind == "note":
            self.app.push_screen(NoteScreen(row_id, self.patient_name), lambda _r: self.reload())
        elif kind == "doc":
            self.app.push_screen(DocumentScreen(row_id, self.patient_name))
        else:
            cells = self.query_one(RowTable).get_row_at(self.query_one(RowTable).cursor_row)
            self.app.push_screen(InfoDialog(str(cells[0]), [str(c) for c in cells[1:] if str(c)]))

    def action_end_row(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        kind, row_id = chosen
        record = self.record
        if kind == "allergy":
            row = next(a for a in record.allergies if a.id == row_id)
            dialog = FormDialog(
                f"Take off the list: {row.substance or 'no known allergies'}",
                [FieldSpec("why", "Why", "entered in error", max_length=120)],
                lambda actor, v: retire_allergy(actor, row.id, row.version, v["why"]),
            )
            self.app.push_screen(dialog, self._saved("Taken off the allergy list."))
        elif kind == "med":
            row = next((m for m in record.medications if m.id == row_id), None)
            if row is None:
                self.say("That medication is stopped already.", "error")
                return
            dialog = FormDialog(
                f"Stop {row.line()}",
                [FieldSpec("stopped_on", "Stopped", "t"), FieldSpec("why", "Why", max_length=120)],
                lambda actor, v: stop_medication(actor, row.id, row.version, v),
            )
            self.app.push_screen(dialog, self._saved(f"{row.name} stopped."))
        elif kind == "problem":
            self._resolve(row_id)
        else:
            self.say("x stops a medication, resolves a problem or retires an allergy.", "error")

    def _resolve(self, row_id: int) -> None:
        row = next((p for p in self.record.problems if p.id == row_id), None)
        if row is None:
            self.say("That problem is resolved already.", "error")
            return
        dialog = FormDialog(
            f"Resolve {row.code}",
            [FieldSpec("resolved_on", "Resolved", "t")],
            lambda actor, v: resolve_problem(actor, row.id, row.version, v["resolved_on"]),
        )
        self.app.push_screen(dialog, self._saved(f"Problem {row.code} resolved."))
