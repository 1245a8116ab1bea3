"""Documents filed to a chart (issue 12 items 8, 10): the dialog that files a scanned
file (its path as typed in any export dialog: a name alone is looked for in the export
folder, ~ is the home folder), and one document's details (a text file's text too) with
s to save a copy through the export dialog, its checksum verified on the way out."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...services.records.documents import (
    KIND_LABELS,
    DocumentView,
    export_document,
    file_document,
    read_document,
)
from ...ui.text import plain_lines
from ...widgets.export import ExportDialog
from ...widgets.form import FieldSpec, FormDialog
from ..base import RecordView

KINDS = [(label, key) for key, label in KIND_LABELS.items()]


def file_document_dialog(patient_id: int, name: str, limit_mb: int) -> FormDialog:
    """File a scanned file: path, type, date, description; closes with the DocumentRow.
    A file that is missing, a folder, not an ordinary file, unreadable, empty or larger
    than *limit_mb* (the clinic's setting) is refused beside the File field."""
    return FormDialog(
        f"File a document · {name}",
        [
            FieldSpec("path", "File", placeholder="~/scans/referral.pdf", max_length=500),
            FieldSpec("kind", "Type", "other", options=KINDS),
            FieldSpec("date", "Date", "t", placeholder="t, 11/30, 2026-11-30"),
            FieldSpec("description", "Description", max_length=200),
        ],
        lambda actor, values: file_document(actor, patient_id, values),
        hint=f"Up to {limit_mb} MB. A name alone is looked for in the export folder. "
        "Enter: next / file · Esc cancel",
    )


class DocumentScreen(RecordView):
    """One filed document: what it is, who filed it, its size and checksum, and a text
    file's text (made safe to show). s saves a copy."""

    VIEW_TITLE = "Document"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="document.back"),
        Binding("s", "save_copy", "Save a copy", id="document.save"),
    ]
    ACTION_PERMISSIONS = {"save_copy": "files.export"}

    def __init__(self, document_id: int, name: str = "") -> None:
        super().__init__()
        self.document_id = document_id
        self.patient_name = name
        self.view: DocumentView | None = None

    def first_title(self) -> str:
        return self.patient_name

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(classes="chart"):
            yield Static("Loading…", id="document-body")

    def reload(self) -> None:
        self.call_service(read_document, self.document_id, then=self._show)

    def _show(self, view: DocumentView) -> None:
        self.view = view
        d = view.document
        self.set_title(f"{d.kind} · {self.patient_name}")
        lines = [
            f"{d.kind} dated {d.date}: {d.description or '-'}",
            f"File {d.file_name} · {d.size_text()} · filed {d.filed_at} by {d.filed_by}",
            f"SHA-256 {d.sha256}",
            "",
        ]
        if view.text is not None:
            lines += view.text.rstrip("\n").split("\n")
        else:
            lines.append("Not a text file: s saves a copy to open with another program.")
        self.query_one("#document-body", Static).update(plain_lines(lines))

    def action_save_copy(self) -> None:
        if self.view is None:
            return
        doc_id = self.document_id

        def save(actor, path: str, overwrite: bool):
            return export_document(actor, doc_id, path, overwrite)

        def saved(path) -> None:
            if path:
                self.say(f"Saved a copy: {path} (checksum verified).", "ok")

        self.app.push_screen(
            ExportDialog("Save a copy of the document", self.view.document.file_name, save),
            saved,
        )
