"""Letters from templates (issue 12 item 3), opened from a patient's chart (L): pick a
template (or, from a referral, its referral letter prefilled), read and edit the merged
text, Ctrl+S saves it as PDF and text through the ExportDialog and keeps it in the
patient's record. The manager edits the templates (t).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, TextArea

from ...services.comms.letters import (
    LetterDraft,
    LetterRow,
    check_letter,
    draft_letter,
    patient_letters,
    save_letter,
)
from ...services.comms.templates import TemplateRow, letter_templates, save_template
from ...services.errors import ValidationError
from ...services.records.referral_letter import draft_referral_letter
from ...widgets.dialogs import InfoDialog, PickDialog
from ...widgets.export import ExportDialog
from ..base import TitledScreen

# One line of heading fields above the text; the text takes the rest of the screen.
_CSS = """
.letter-head { height: 1; }
.letter-head Label { width: auto; }
.letter-head Input { height: 1; border: none; padding: 0 1; width: 1fr; }
.letter-head Input:focus { background: $accent 35%; }
#letter-via { width: 10; }
#template-name { width: 1fr; }
.letter TextArea { height: 1fr; }
"""


def _file_name(name: str, template: str) -> str:
    last = "".join(ch for ch in name.split(" ")[-1] if ch.isalnum()) or "patient"
    kind = "-".join(template.lower().split())
    return f"letter-{last.lower()}-{kind}.pdf"


class LetterScreen(TitledScreen):
    """One letter about one patient: the addressee, how it is sent, the text."""

    VIEW_TITLE = "Letter"
    DEFAULT_CSS = _CSS
    TOPICS = frozenset()
    REFETCH_ON_RESUME = False
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="letter.back"),
        Binding("ctrl+s", "save", "Save PDF", priority=True, id="letter.save"),
        Binding("ctrl+l", "sent", "Letters sent", priority=True, id="letter.sent"),
        Binding("ctrl+t", "templates", "Templates", priority=True, id="letter.templates"),
    ]
    ACTION_PERMISSIONS = {"save": "comms.write", "templates": "comms.admin", "sent": "comms.read"}

    def __init__(self, patient_id: int, name: str = "", referral_id: int | None = None) -> None:
        super().__init__()
        self.patient_id = patient_id
        self.patient_name = name
        self.referral_id = referral_id  # the referral letter, prefilled from this referral
        self.draft: LetterDraft | None = None

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="letter"):
            with Horizontal(classes="letter-head"):
                yield Label("To ")
                yield Input(placeholder="the patient (or a provider, an insurer)",
                            max_length=300, id="letter-addressee")  # fmt: skip
                yield Label(" by ")
                yield Input(value="mail", max_length=8, id="letter-via")
            yield TextArea(id="letter-text", soft_wrap=True, show_line_numbers=False)

    def on_mount(self) -> None:
        self.set_title(self.patient_name)
        self.say("Choosing a template…")
        self.run_worker(self._pick(), exclusive=True, group="letter-flow")

    async def _pick(self) -> None:
        if self.referral_id is not None:
            self.call_service(draft_referral_letter, self.referral_id, then=self._show,
                              failed=self._refused)  # fmt: skip
            return
        rows = await self.ask_service(letter_templates, group="letter-templates")
        if not rows:
            self.app.pop_screen()
            return
        key = await self.app.push_screen_wait(
            PickDialog(
                "Which letter?",
                [("Template", 40)],
                [(str(t.id), [t.name]) for t in rows],
                hint="Enter: write it · Esc: back",
            )
        )
        if key is None:
            self.app.pop_screen()
            return
        self.call_service(draft_letter, self.patient_id, int(key), then=self._show,
                          failed=self._refused)  # fmt: skip

    def _refused(self, error) -> None:
        self.show_error(error)

    def _show(self, draft: LetterDraft) -> None:
        self.draft = draft
        self.set_title(f"{draft.template_name} · {self.patient_name}")
        area = self.query_one("#letter-text", TextArea)
        area.load_text(draft.text)
        if draft.addressee:
            self.query_one("#letter-addressee", Input).value = draft.addressee
        if draft.via:
            self.query_one("#letter-via", Input).value = draft.via
        area.focus()
        if draft.warning:
            self.say(draft.warning, "warning")
        else:
            self.say("Edit the letter; Ctrl+S saves it as PDF and text.")

    def _values(self) -> dict:
        return {
            "text": self.query_one("#letter-text", TextArea).text,
            "addressee": self.query_one("#letter-addressee", Input).value,
            "via": self.query_one("#letter-via", Input).value,
        }

    def action_save(self) -> None:
        if self.draft is None:
            self.say("Choose a template first.", "error")
            return
        values = self._values()
        try:
            check_letter(values)
        except ValidationError as exc:
            self.say("; ".join(exc.errors.values()), "error")
            self.app.bell()
            return
        draft = self.draft

        def save(actor, path: str, overwrite: bool) -> str:
            return save_letter(actor, self.patient_id, draft.template_id, values, path,
                               overwrite)  # fmt: skip

        def saved(path) -> None:
            if path:
                self.say(f"Saved {path} (and the text beside it); kept in the record.", "ok")

        self.app.push_screen(
            ExportDialog("Save the letter", _file_name(self.patient_name, draft.template_name),
                         save),
            saved,
        )  # fmt: skip

    def action_templates(self) -> None:
        self.app.push_screen(TemplatesScreen())

    def action_sent(self) -> None:
        """The patient's letters: when, which, to whom, how, by whom."""

        def show(rows: list[LetterRow]) -> None:
            lines = [
                f"{r.written_at}  {r.template_name or 'Letter'} by {r.via.lower()}"
                f"{' to ' + r.addressee if r.addressee else ''} ({r.written_by})"
                for r in rows
            ] or ["No letters yet."]
            self.app.push_screen(InfoDialog(f"Letters · {self.patient_name}", lines))

        self.call_service(patient_letters, self.patient_id, then=show)


class TemplatesScreen(TitledScreen):
    """The manager's list of templates: pick one (or a new one), edit, Ctrl+S saves it;
    an unknown merge field is named on the message line and nothing is saved."""

    VIEW_TITLE = "Letter templates"
    DEFAULT_CSS = _CSS
    TOPICS = frozenset()
    REFETCH_ON_RESUME = False
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="templates.back"),
        Binding("ctrl+s", "save", "Save", priority=True, id="templates.save"),
        # Ctrl+T: the list of templates, as in the letter screen (Ctrl+N is New patient).
        Binding("ctrl+t", "pick", "Templates", priority=True, id="templates.pick"),
    ]
    ACTION_PERMISSIONS = {"save": "comms.admin"}

    def __init__(self) -> None:
        super().__init__()
        self.current: TemplateRow | None = None

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="letter"):
            with Horizontal(classes="letter-head"):
                yield Label("Name ")
                yield Input(max_length=60, id="template-name")
            yield TextArea(id="template-body", soft_wrap=True, show_line_numbers=False)

    def on_mount(self) -> None:
        self.set_title()
        self.action_pick()

    def action_pick(self) -> None:
        self.run_worker(self._pick(), exclusive=True, group="template-flow")

    async def _pick(self) -> None:
        rows = await self.ask_service(letter_templates, group="template-list")
        if rows is None:
            return
        key = await self.app.push_screen_wait(
            PickDialog(
                "Edit which template?",
                [("Template", 40)],
                [*((str(t.id), [t.name]) for t in rows), ("new", ["(a new template)"])],
                hint="Enter: edit · Esc: back",
            )
        )
        if key is None:
            if self.current is None:
                self.app.pop_screen()
            return
        self._load(None if key == "new" else next(t for t in rows if str(t.id) == key))

    def _load(self, row: TemplateRow | None) -> None:
        self.current = row
        self.query_one("#template-name", Input).value = row.name if row else ""
        self.query_one("#template-body", TextArea).load_text(row.body if row else "")
        self.query_one("#template-name" if row is None else "#template-body").focus()
        self.say("Merge fields: {{ patient.name }}, {{ balance.amount }}…; Ctrl+S saves.")

    def action_save(self) -> None:
        row = self.current
        self.call_service(
            save_template,
            row.id if row else None,
            row.version if row else None,
            self.query_one("#template-name", Input).value,
            self.query_one("#template-body", TextArea).text,
            then=self._saved,
            group="write",
        )

    def _saved(self, row: TemplateRow) -> None:
        self.current = row
        self.say(f"Saved the template {row.name}.", "ok")

    def show_error(self, error) -> None:
        if isinstance(error, ValidationError):
            self.say("; ".join(error.errors.values()), "error")
            self.app.bell()
        else:
            super().show_error(error)
