"""Audit trail: who opened which chart and who changed what; verify the chain; CSV."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Label, Static

from ...services.errors import ValidationError
from ...services.security.audit import (
    AuditPage,
    AuditRow,
    audit_page,
    export_audit_csv,
    verify_chain,
)
from ...services.wording import plural
from ...ui import changes
from ...ui.text import plain
from ...widgets.export import ExportDialog
from ...widgets.paged_table import Column, PagedTable
from ..base import AreaScreen

PAGE = 100
OUTCOME_STYLE = {"emergency": "bold magenta", "refused": "red"}


def _name(row: AuditRow) -> str:
    return row.patient.rpartition(" (")[0].casefold()


def keep_the_mrn(patient: str, width: int) -> str:
    """The patient as the trail names them ("Applewood, Clover (100003)"), the name cut
    rather than the MRN when the column is narrow: for two patients of one name on the
    list, told apart at 80 columns too ("Applewood… (100003)")."""
    name, bracket, mrn = patient.rpartition(" (")
    if len(patient) <= width or not bracket:
        return patient
    tail = f" ({mrn}"
    return f"{name[: max(1, width - len(tail) - 1)]}…{tail}"


class AuditScreen(AreaScreen):
    AREA_TITLE = "Audit trail"
    COLUMNS = (
        Column("When", 16),
        Column("Staff", 8),
        Column("Action", 16, share=1),
        Column("Patient", 16, share=1),
        Column("Detail", 8, share=4),  # the whole of it shows below the list
    )
    TOPICS = frozenset({changes.AUDIT})  # refetched when another terminal changes these
    BINDINGS = [
        Binding("slash", "focus_filter", "Filter", id="audit.focus_filter"),
        Binding("v", "verify", "Verify chain", id="audit.verify"),
        Binding("x", "export", "Export CSV", id="audit.export"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, AuditRow] = {}
        self.next_after: int | None = None
        self.applied: tuple[str, str] | None = None  # the filters of the report shown

    def compose_body(self) -> ComposeResult:
        with Horizontal(classes="filters"):
            yield Label("Patient MRN")
            yield Input(placeholder="any", id="f-patient", compact=True, max_length=20)
            yield Label(" Staff")
            yield Input(placeholder="any", id="f-user", compact=True, max_length=32)
        yield PagedTable(id="audit-table")
        yield Static(id="audit-summary", classes="totals")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one(PagedTable)
        table.set_columns(self.COLUMNS, most=80)
        table.focus()

    def filters(self) -> tuple[str, str]:
        return (
            self.query_one("#f-patient", Input).value.strip(),
            self.query_one("#f-user", Input).value.strip(),
        )

    def reload(self) -> None:
        # A report is recorded in the trail when it is asked for (Enter in a filter, or
        # opening the area), not again each time other terminals add events.
        if self.applied is None:
            self._fetch()

    def _fetch(self) -> None:
        self.applied = self.filters()
        self.call_service(
            audit_page,
            *self.applied,
            None,
            PAGE,
            then=self._show,
            failed=self._refused,
            group="page",
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._fetch()
        self.query_one(PagedTable).focus()

    def _refused(self, error) -> None:
        self.applied = None
        if isinstance(error, ValidationError):
            self.say(" ".join(error.errors.values()), "error")
        else:
            self.show_error(error)

    def _show(self, page: AuditPage) -> None:
        table = self.query_one(PagedTable)
        table.reset()
        self.rows = {}
        self._append(page)
        flagged = sum(r.outcome == "emergency" for r in page.rows)
        note = f" · {flagged} emergency access shown" if flagged else ""
        self.query_one("#audit-summary", Static).update(
            plain(f"Events about {page.subject}, newest first{note}")
        )
        self.say("")

    def _append(self, page: AuditPage) -> None:
        keys = [str(r.id) for r in page.rows]
        self.rows.update(zip(keys, page.rows, strict=True))
        self.next_after = page.next_after
        shared = self._shared_names()
        width = self.query_one(PagedTable).column_width("Patient")
        cells = [
            (
                f"{r.at:%m/%d/%Y %H:%M}",
                plain(r.staff),
                plain(
                    r.action + ("" if r.outcome == "ok" else f" {r.outcome.upper()}"),
                    OUTCOME_STYLE.get(r.outcome, ""),
                ),
                plain(keep_the_mrn(r.patient, width) if _name(r) in shared else r.patient),
                plain(r.detail),
            )
            for r in page.rows
        ]
        self.query_one(PagedTable).add_page(cells, keys, page.next_after is not None)

    def _shared_names(self) -> set[str]:
        """The names that more than one patient on the list has."""
        ids_by_name: dict[str, set[int]] = {}
        for r in self.rows.values():
            if r.patient_id:
                ids_by_name.setdefault(_name(r), set()).add(r.patient_id)
        return {name for name, ids in ids_by_name.items() if len(ids) > 1}

    def on_paged_table_need_more(self, event: PagedTable.NeedMore) -> None:
        if self.next_after is not None:
            self.call_service(
                audit_page, *self.applied, self.next_after, PAGE, then=self._append, group="page"
            )

    def on_data_table_row_highlighted(self, event) -> None:
        row = self.rows.get(self.query_one(PagedTable).selected_key() or "")
        if row:
            self.say(f"{row.at:%m/%d/%Y %H:%M:%S} {row.staff} {row.action}: {row.detail}")

    def action_focus_filter(self) -> None:
        self.query_one("#f-patient", Input).focus()

    def action_verify(self) -> None:
        self.call_service(lambda: verify_chain(), then=self._verified, with_actor=False)

    def _verified(self, report) -> None:
        self.say(report.message, "ok" if report.ok else "error")

    def action_export(self) -> None:
        patient, user = self.applied or ("", "")

        def save(actor, path, overwrite):
            return export_audit_csv(actor, path, patient, user, overwrite)

        self.app.push_screen(
            ExportDialog("Export this report as CSV", "audit-report.csv", save),
            lambda count: (
                count is not None and self.say(f"{plural(count, 'event')} exported.", "ok")
            ),
        )
