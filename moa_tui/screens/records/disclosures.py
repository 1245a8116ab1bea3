"""A patient's disclosure log (issue 12 item 9), opened from the chart (D; every opening is
audited, as the chart's): records released, n logs one (first ticking which of the
patient's filed documents and letters went), Enter reads one in full, e exports what a
release sent (one .zip: the cover letter and the files), a writes the accounting of
disclosures as a letter (PDF and text) and x as CSV."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding

from ...services.records.accounting import (
    disclosure_accounting,
    export_accounting_csv,
    save_accounting_letter,
)
from ...services.records.disclosures import (
    NOT_REQUIRED,
    PURPOSE_LABELS,
    DisclosureRow,
    patient_disclosures,
    record_disclosure,
)
from ...services.records.releases import ReleaseChoice, export_release, release_choices
from ...services.wording import plural
from ...ui.text import plain
from ...widgets.dialogs import ChecklistDialog, InfoDialog
from ...widgets.export import ExportDialog
from ...widgets.form import FieldSpec, FormDialog
from ...widgets.paged_table import Column, RowTable
from ..base import TitledScreen

COLUMNS = [
    Column("Released", 10),
    Column("To", 24, share=2),
    Column("Why", 14, share=1),
    Column("Authorization", 22, share=1),
]
SHORT_AUTH = "not required"


class DisclosuresScreen(TitledScreen):
    VIEW_TITLE = "Disclosures"
    TOPICS = frozenset()
    REFETCH_ON_RESUME = False  # opening the log is audited: fetched on open and after a save
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="disclosures.back"),
        Binding("enter", "open", "Read", id="disclosures.open"),
        Binding("n", "new", "Log a release", id="disclosures.new"),
        Binding("e", "export", "Export release", id="disclosures.export"),
        Binding("a", "letter", "Accounting letter", id="disclosures.letter"),
        Binding("x", "csv", "CSV", id="disclosures.csv"),
    ]
    ACTION_PERMISSIONS = {
        "new": "patient.write",
        "export": "files.export",
        "letter": "files.export",
        "csv": "files.export",
    }

    def __init__(self, patient_id: int, name: str = "") -> None:
        super().__init__()
        self.patient_id = patient_id
        self.patient_name = name
        self.rows: dict[str, DisclosureRow] = {}

    def compose_body(self) -> ComposeResult:
        yield RowTable(cursor_type="row", id="disclosures-table")

    def on_mount(self) -> None:
        self.set_title(self.patient_name)
        self.query_one(RowTable).set_columns(COLUMNS)
        self.reload()

    def reload(self) -> None:
        self.call_service(patient_disclosures, self.patient_id, then=self._show, group="page")

    def _show(self, rows: list[DisclosureRow]) -> None:
        table = self.query_one(RowTable)
        table.clear()
        self.rows = {str(r.id): r for r in rows}
        for key, r in self.rows.items():
            auth = SHORT_AUTH if r.authorization == NOT_REQUIRED else r.authorization
            auth = auth.split(", dated ")[0]  # the date: Enter reads it in full
            cells = (f"{r.disclosed_on:%m/%d/%Y}", r.recipient, r.purpose_label, auth)
            table.add_row(*(plain(c) for c in cells), key=key)
        table.focus()
        if not rows:
            self.say("No records released for this patient yet: n logs a release.")

    def _selected(self) -> DisclosureRow | None:
        table = self.query_one(RowTable)
        if not self.rows or not table.row_count:
            return None
        return self.rows.get(table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value)

    def on_data_table_row_selected(self, event) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        r = self._selected()
        if r is None:
            return
        lines = [
            f"Released {r.disclosed_on:%m/%d/%Y} to {r.recipient}",
            f"Address: {r.recipient_address or '-'}",
            f"What: {r.description}",
            f"Why: {r.purpose_label}",
            f"Authorization: {r.authorization}",
            f"Logged by {r.recorded_by}, {r.recorded_at:%m/%d/%Y %H:%M}",
        ]
        if r.released:
            lines += ["", "Released (e exports them):"] + [f"  {x}" for x in r.released]
        self.app.push_screen(InfoDialog(f"Disclosure {r.id}", lines))

    def action_new(self) -> None:
        self.call_service(release_choices, self.patient_id, then=self._pick, group="choices")

    def _pick(self, choices: list[ReleaseChoice]) -> None:
        """Tick what was released (when the patient has documents or letters), then log."""
        if not choices:
            self._log([], "")
            return
        labels = {c.key: c.label for c in choices}

        def ticked(keys: list[str] | None) -> None:
            if keys is not None:
                self._log(keys, "; ".join(labels[k] for k in keys))

        self.app.push_screen(
            ChecklistDialog(
                f"What was released: {self.patient_name}",
                [("Kind", 8), ("Document or letter", 60)],
                [(c.key, [c.kind, c.label]) for c in choices],
                hint="Space: tick what was sent · Enter: next (nothing ticked: none) · Esc: cancel",
            ),
            ticked,
        )

    def _log(self, released: list[str], what: str) -> None:
        def submit(actor, values):
            return record_disclosure(actor, self.patient_id, values, released)

        def done(row: DisclosureRow | None) -> None:
            if row is not None:
                items = plural(len(row.released), "item")
                sent = f" with {items} (e exports them)" if row.released else ""
                self.say(f"Logged: released to {row.recipient}{sent}.", "ok")
                self.reload()

        purposes = [(label, key) for key, label in PURPOSE_LABELS.items()]
        self.app.push_screen(
            FormDialog(
                f"Records released: {self.patient_name}",
                [
                    FieldSpec("recipient_name", "To (name)", max_length=120),
                    FieldSpec("recipient_org", "Organisation", max_length=120),
                    FieldSpec("recipient_address", "Address", max_length=300),
                    FieldSpec(
                        "description",
                        "What",
                        what[:500],
                        placeholder="e.g. visit notes 2025, labs",
                        max_length=500,
                    ),
                    FieldSpec("purpose", "Why", "treatment", options=purposes),
                    FieldSpec("purpose_note", "Why (other)", max_length=200),
                    FieldSpec("disclosed_on", "Released on", "t", placeholder="t, 11/30, t-2"),
                    FieldSpec(
                        "auth_ref",
                        "Authorization",
                        placeholder="blank: treatment/payment",
                        max_length=120,
                    ),
                    FieldSpec("auth_date", "Auth. dated", placeholder="e.g. 11/02/2026"),
                ],
                submit,
            ),
            done,
        )

    def action_export(self) -> None:
        r = self._selected()
        if r is None:
            return
        if not r.released:
            self.say("No documents were picked for this release: nothing to export.", "warning")
            return
        last = "".join(ch for ch in self.patient_name.split(",")[0] if ch.isalnum()) or "patient"

        def save(actor, path: str, overwrite: bool) -> str:
            written = export_release(actor, r.id, path, overwrite)
            return f"Saved {written}: the cover letter and {plural(len(r.released), 'item')}."

        def saved(said) -> None:
            if said:
                self.say(said, "ok")

        self.app.push_screen(
            ExportDialog(
                f"Export the release to {r.recipient} (zip)",
                f"release-{last.lower()}-{r.id}.zip",
                save,
            ),
            saved,
        )

    def _period_then(self, export) -> None:
        """Ask the accounting's period (checked by the service), then save it with *export*."""

        def submit(actor, values):
            disclosure_accounting(actor, self.patient_id, values["since"], values["until"])
            return values

        def chosen(values: dict | None) -> None:
            if values is not None:
                export(values["since"], values["until"])

        self.app.push_screen(
            FormDialog(
                "Accounting of disclosures: which period",
                [
                    FieldSpec("since", "From", placeholder="blank: six years back"),
                    FieldSpec("until", "To", placeholder="blank: today"),
                ],
                submit,
                hint="Treatment, payment and operations are left out, and the letter says so",
            ),
            chosen,
        )

    def _file(self, suffix: str) -> str:
        last = "".join(ch for ch in self.patient_name.split(",")[0] if ch.isalnum()) or "patient"
        return f"disclosures-{last.lower()}.{suffix}"

    def action_letter(self) -> None:
        def export(since: str, until: str) -> None:
            def save(actor, path: str, overwrite: bool) -> str:
                return save_accounting_letter(actor, self.patient_id, path, since, until, overwrite)

            def saved(path) -> None:
                if path:
                    self.say(f"Saved {path} (and the text beside it); kept with the letters.", "ok")

            self.app.push_screen(
                ExportDialog("Accounting of disclosures (PDF)", self._file("pdf"), save), saved
            )

        self._period_then(export)

    def action_csv(self) -> None:
        def export(since: str, until: str) -> None:
            def save(actor, path: str, overwrite: bool) -> str:
                count = export_accounting_csv(actor, self.patient_id, path, since, until, overwrite)
                return f"Saved {count} disclosures to {path}."

            def saved(said) -> None:
                if said:
                    self.say(said, "ok")

            self.app.push_screen(
                ExportDialog("Accounting of disclosures (CSV)", self._file("csv"), save), saved
            )

        self._period_then(export)
