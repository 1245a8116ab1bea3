"""Visit notes (issue 12 item 8): a note with its amendments (Enter on a note in the
record), and the editor for a new note, a draft or an amendment. A draft is edited (e)
and signed by the one who wrote it (s); a signed note is only amended (a)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, Static, TextArea

from ...services.errors import ValidationError
from ...services.records.notes import (
    NoteRow,
    NoteView,
    amend_note,
    edit_note,
    read_note,
    sign_note,
    write_note,
)
from ...ui.text import plain_lines
from ..base import RecordView, TitledScreen

_CSS = """
.note-head { height: 1; }
.note-head Label { width: auto; }
.note-head Input { height: 1; border: none; padding: 0 1; width: 1fr; }
.note-head Input:focus { background: $accent 35%; }
#note-date { width: 14; }
.note-edit TextArea { height: 1fr; }
"""


class NoteScreen(RecordView):
    """One note, its text and its amendments, each with who signed it and when."""

    VIEW_TITLE = "Note"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="note.back"),
        Binding("e", "edit", "Edit draft", id="note.edit"),
        Binding("s", "sign", "Sign", id="note.sign"),
        Binding("a", "amend", "Amend", id="note.amend"),
    ]
    ACTION_PERMISSIONS = {
        "edit": "clinical.write",
        "sign": "clinical.write",
        "amend": "clinical.write",
    }

    def __init__(self, note_id: int, name: str = "") -> None:
        super().__init__()
        self.note_id = note_id
        self.patient_name = name
        self.view: NoteView | None = None

    def first_title(self) -> str:
        return self.patient_name

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(classes="chart"):
            yield Static("Loading…", id="note-body")

    def reload(self) -> None:
        self.call_service(read_note, self.note_id, then=self._show)

    def _show(self, view: NoteView) -> None:
        self.view = view
        n = view.note
        self.set_title(f"{n.visit_date} · {self.patient_name}")
        state = f"Signed by {n.signed_by} {n.signed_at}" if n.signed else "DRAFT (not signed)"
        lines = [
            f"{n.title or 'Visit note'} · {n.visit_date} · written by {n.written_by}",
            state,
            "",
            *view.text.rstrip("\n").split("\n"),
        ]
        for a, text in view.amendments:
            lines += [
                "",
                f"Amendment signed by {a.signed_by} {a.signed_at}",
                *text.rstrip("\n").split("\n"),
            ]
        self.query_one("#note-body", Static).update(plain_lines(lines))
        if not n.signed:
            self.say("A draft: e edits it; s signs it (only its writer).")

    def _note(self) -> NoteRow | None:
        return self.view.note if self.view else None

    def action_edit(self) -> None:
        n = self._note()
        if n is None:
            return
        if n.signed:
            self.say("A signed note is never edited: a amends it.", "error")
            return
        self.app.push_screen(
            NoteEditScreen(0, self.patient_name, note=n, text=self.view.text),
            lambda _r: self.reload(),
        )

    def action_sign(self) -> None:
        n = self._note()
        if n is None:
            return
        if n.signed:
            self.say("This note is signed already.", "error")
            return

        def signed(_row) -> None:
            self.say("Signed: from now on it can only be amended.", "ok")
            self.reload()

        self.call_service(
            sign_note, n.id, n.version, then=signed, group="write", failed=self._refused
        )

    def _refused(self, error) -> None:
        self.say(str(error), "error")
        self.app.bell()
        self.reload()

    def action_amend(self) -> None:
        n = self._note()
        if n is None:
            return
        if not n.signed:
            self.say("A draft is edited (e), not amended.", "error")
            return
        self.app.push_screen(
            NoteEditScreen(0, self.patient_name, note=n, amending=True), lambda _r: self.reload()
        )


class NoteEditScreen(TitledScreen):
    """Write a note (visit date, title, text), edit a draft (the version it was read at),
    or write an amendment to a signed note. Ctrl+S saves (a draft), Ctrl+G saves and
    signs; an amendment is signed when saved."""

    VIEW_TITLE = "Visit note"
    DEFAULT_CSS = _CSS
    TOPICS = frozenset()
    REFETCH_ON_RESUME = False
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="note_edit.back"),
        Binding("ctrl+s", "save(False)", "Save", priority=True, id="note_edit.save"),
        Binding("ctrl+g", "save(True)", "Save and sign", priority=True, id="note_edit.sign"),
    ]

    def __init__(
        self,
        patient_id: int,
        name: str,
        *,
        note: NoteRow | None = None,
        text: str = "",
        amending: bool = False,
    ) -> None:
        super().__init__()
        self.patient_id = patient_id
        self.patient_name = name
        self.note = note
        self.text = text
        self.amending = amending

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="note-edit"):
            if not self.amending:
                with Horizontal(classes="note-head"):
                    yield Label("Visit ")
                    yield Input(
                        value=self.note.visit_date if self.note else "t",
                        max_length=10,
                        id="note-date",
                    )
                    yield Label(" Title ")
                    yield Input(
                        value=self.note.title if self.note else "",
                        max_length=80,
                        placeholder="Follow-up, phone call...",
                        id="note-title",
                    )
            yield TextArea(self.text, id="note-text", soft_wrap=True, show_line_numbers=False)

    def on_mount(self) -> None:
        what = "Amendment" if self.amending else "Draft" if self.note else "New note"
        self.set_title(f"{what} · {self.patient_name}")
        self.query_one(TextArea).focus()
        self.say(
            "Ctrl+S saves"
            + (
                " and signs the amendment."
                if self.amending
                else " a draft; Ctrl+G saves and signs it."
            )
        )

    def _values(self) -> dict:
        return {
            "visit_date": self.query_one("#note-date", Input).value,
            "title": self.query_one("#note-title", Input).value,
            "text": self.query_one(TextArea).text,
        }

    def action_save(self, sign: bool) -> None:
        if self.amending:
            self.call_service(
                amend_note,
                self.note.id,
                self.query_one(TextArea).text,
                then=self._saved,
                failed=self._refused,
                group="write",
            )
            return
        values = self._values()
        if self.note is None:
            self.call_service(
                write_note,
                self.patient_id,
                values,
                sign,
                then=self._saved,
                failed=self._refused,
                group="write",
            )
            return
        note = self.note

        def edit_then_sign(actor, values):
            row = edit_note(actor, note.id, note.version, values)
            return sign_note(actor, row.id, row.version) if sign else row

        self.call_service(
            edit_then_sign, values, then=self._saved, failed=self._refused, group="write"
        )

    def _saved(self, row: NoteRow) -> None:
        self.dismiss(row)
        self.app.screen.say(
            "Amendment signed."
            if self.amending
            else "Note signed."
            if row.signed
            else "Draft saved.",
            "ok",
        )

    def _refused(self, error) -> None:
        if isinstance(error, ValidationError):
            self.say("; ".join(error.errors.values()), "error")
        else:
            self.say(str(error), "error")
        self.app.bell()
