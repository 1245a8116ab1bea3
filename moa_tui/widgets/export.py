"""The one dialog every export uses: it shows the folder a bare name goes to, takes the
file name, calls the export service, and asks before replacing a file that is there.

The service (through services/files.write_private) decides what may be written; the
dialog only turns its "exists" answer into a question and asks again with
overwrite=True once the user said yes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from ..services.errors import ServiceError
from ..services.files import MAX_PATH, FileExists, export_location
from ..ui.text import plain
from .form import FieldSpec, Form, FormDialog
from .message_line import MessageLine

# save(actor, path, overwrite) -> what to say was saved
SaveFile = Callable[[Any, str, bool], Any]


class ReplaceDialog(ModalScreen[bool]):
    """'report.pdf exists. Replace it? y/n': only y replaces (Enter does not, so a key
    pressed once too often cannot destroy a file)."""

    SCREEN_NAME = "Replace a file"

    BINDINGS = [
        Binding("y", "answer(True)", "Replace", id="export.replace"),
        Binding("n,escape", "answer(False)", "Keep it", id="export.keep"),
    ]

    def __init__(self, name: str) -> None:
        super().__init__()
        self.question = f"{name} exists. Replace it? y/n"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(plain(self.question), classes="dialog-title", id="replace-question")
            yield Static("y: replace it · n or Esc: keep it", classes="hint", markup=False)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ExportDialog(FormDialog):
    """Save to a file: *default_name* in the export folder unless another name or a full
    path is typed. Closes with what *save* returns."""

    SCREEN_NAME = "Export"

    def __init__(self, title: str, default_name: str, save: SaveFile) -> None:
        super().__init__(
            title,
            [FieldSpec("path", "File", default_name, max_length=MAX_PATH)],
            self._save,
            hint="A name alone saves in this folder; or type a full path. "
            "Enter: save · Esc: cancel",
        )
        self.save = save
        self._replace: str | None = None  # the name the user agreed to replace

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(plain(self.title_text), classes="dialog-title")
            yield MessageLine("Saves to …", id="export-folder")
            yield Form(self.specs)
            yield MessageLine(id="dialog-message")
            yield Static(plain(self.hint), classes="hint")

    def on_mount(self) -> None:
        self.call_service(export_location, then=self._show_folder, failed=self._no_folder)

    def _show_folder(self, folder: Path) -> None:
        self.query_one("#export-folder", MessageLine).say(f"Saves to {folder}")

    def _no_folder(self, error: ServiceError) -> None:
        self.query_one("#export-folder", MessageLine).say(str(error), "error")

    def _save(self, actor, values: dict[str, str]) -> Any:
        path = values["path"]
        return self.save(actor, path, self._replace is not None and path == self._replace)

    def _failed(self, error: ServiceError) -> None:
        if not isinstance(error, FileExists):
            super()._failed(error)
            return
        self._busy = False
        typed = self.query_one(Form).values()["path"]
        self.query_one("#dialog-message", MessageLine).say("")

        def answered(yes: bool | None) -> None:
            if yes:
                self._replace = typed
                self.action_submit()
            else:
                self.query_one(Form).show_errors({"path": "Not replaced: type another name."})

        self.app.push_screen(ReplaceDialog(error.path.name), answered)
