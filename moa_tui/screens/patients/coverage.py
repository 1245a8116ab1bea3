"""A patient's insurance coverages (add, change)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding

from ...services.billing.payers import PayerInfo, list_payers
from ...services.patients.registration import (
    RELATIONS,
    CoverageRow,
    list_coverage,
    save_coverage,
)
from ...services.validate import format_money
from ...ui.text import plain
from ...widgets.form import FieldSpec, FormDialog
from ...widgets.paged_table import Column, PagedTable
from ..base import RecordView


class CoverageScreen(RecordView):
    """Every coverage of one patient, primary first; `n` adds, Enter changes one."""

    SCREEN_NAME = "Insurance"
    VIEW_TITLE = "Insurance"
    COLUMNS = (
        Column("#", 1),
        Column("Payer", 18, share=2),
        Column("Member", 12, share=1),
        Column("Subscriber", 14, share=1),
        Column("Co-pay", 7),
        Column("Ends", 10),
    )

    BINDINGS = [
        Binding("n", "new", "Add coverage", id="coverage.new"),
        Binding("escape", "app.pop_screen", "Back", id="coverage.pop_screen"),
    ]
    ACTION_PERMISSIONS = {"new": "patient.write", "edit": "patient.write"}

    def __init__(self, patient_id: int, name: str) -> None:
        super().__init__()
        self.patient_id = patient_id
        self.patient_name = name
        self.rows: dict[str, CoverageRow] = {}
        self.payers: list[PayerInfo] = []

    def compose_body(self) -> ComposeResult:
        yield PagedTable(id="coverage-table")

    def first_title(self) -> str:
        return self.patient_name

    def on_mount(self) -> None:
        table = self.query_one(PagedTable)
        table.set_columns(self.COLUMNS)
        table.focus()
        self.call_service(list_payers, then=self._got_payers, group="payers")

    def _got_payers(self, payers: list[PayerInfo]) -> None:
        self.payers = payers

    def reload(self) -> None:
        self.call_service(list_coverage, self.patient_id, then=self._show, group="list")

    def _show(self, rows: list[CoverageRow]) -> None:
        table = self.query_one(PagedTable)
        table.reset()
        self.rows = {str(r.id): r for r in rows}
        table.add_page(
            [
                (
                    str(r.priority),
                    plain(r.payer),
                    plain(r.member_id),
                    plain(f"{r.subscriber} ({r.relation})"),
                    format_money(r.copay_cents),
                    f"{r.ends:%m/%d/%Y}" if r.ends else "",
                )
                for r in rows
            ],
            list(self.rows),
            has_more=False,
        )
        if not rows:
            self.say("No coverage on file. n adds one.")

    def _dialog(self, row: CoverageRow | None) -> None:
        payers = [(plain(p.name), str(p.id)) for p in self.payers] or [("(none)", "")]

        def submit(actor, values):
            return save_coverage(
                actor,
                self.patient_id,
                row.id if row else None,
                row.version if row else None,
                values,
            )

        def date(value) -> str:
            return f"{value:%m/%d/%Y}" if value else ""

        self.app.push_screen(
            FormDialog(
                "Change coverage" if row else "Add coverage",
                [
                    FieldSpec(
                        "payer_id", "Payer", str(row.payer_id) if row else "", options=payers
                    ),
                    FieldSpec(
                        "priority",
                        "Priority",
                        str(row.priority) if row else "1",
                        options=[("1 primary", "1"), ("2 secondary", "2"), ("3 tertiary", "3")],
                    ),
                    FieldSpec(
                        "member_id", "Member id", row.member_id if row else "", max_length=40
                    ),
                    FieldSpec("group_id", "Group id", row.group_id if row else "", max_length=40),
                    FieldSpec(
                        "subscriber_relation",
                        "Subscriber is",
                        row.relation if row else "self",
                        options=[(r, r) for r in RELATIONS],
                    ),
                    FieldSpec(
                        "subscriber_name",
                        "Subscriber",
                        "" if not row or row.subscriber == "(patient)" else row.subscriber,
                        placeholder="blank when the patient",
                        max_length=80,
                    ),
                    FieldSpec(
                        "copay_cents",
                        "Co-pay",
                        format_money(row.copay_cents)[1:] if row else "0",
                        max_length=10,
                    ),
                    FieldSpec(
                        "effective",
                        "Effective",
                        date(row.effective) if row else "",
                        placeholder="MM/DD/YYYY",
                        max_length=10,
                    ),
                    FieldSpec(
                        "ends",
                        "Ends",
                        date(row.ends) if row else "",
                        placeholder="blank: no end",
                        max_length=10,
                    ),
                ],
                submit,
            ),
            lambda saved: saved and self.reload(),
        )

    def action_new(self) -> None:
        self._dialog(None)

    def action_edit(self) -> None:
        self._dialog(self.rows.get(self.query_one(PagedTable).selected_key() or ""))

    def on_data_table_row_selected(self, event) -> None:
        event.stop()
        if self.check_action("edit", ()):
            self.action_edit()
