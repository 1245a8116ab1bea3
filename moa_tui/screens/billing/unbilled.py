"""Unbilled visits: checked out with no charges yet. Enter codes the visit (its draft claim
is made then) in the charges screen."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding

from ...services.billing.charges import ChargeSheet, start_charges
from ...services.billing.unbilled import UnbilledPage, UnbilledVisit, unbilled_visits
from ...ui import changes
from ...ui.text import plain
from ...widgets.paged_table import PagedTable
from ..base import TitledScreen
from .charges import ChargesScreen

PAGE = 100


def open_charges(screen, appointment_id: int) -> None:
    """From any screen with a checked-out visit: its charges (a draft claim made now if
    there is none)."""

    def opened(sheet: ChargeSheet) -> None:
        screen.app.push_screen(ChargesScreen(sheet.claim_id))

    screen.call_service(start_charges, appointment_id, then=opened, group="write")


class UnbilledScreen(TitledScreen):
    VIEW_TITLE = "Unbilled visits"
    TOPICS = frozenset({changes.CLAIMS, changes.SCHEDULE})
    ACTION_PERMISSIONS = {"code_visit": "claims.write"}
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="unbilled.back"),
        Binding("c", "code_visit", "Code visit", id="unbilled.code_visit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, UnbilledVisit] = {}
        self.next_after: tuple | None = None

    def compose_body(self) -> ComposeResult:
        yield PagedTable(id="unbilled-table")

    def on_mount(self) -> None:
        self.set_title()
        table = self.query_one(PagedTable)
        table.add_column("Visit", width=16)
        table.add_column("Patient", width=20)
        table.add_column("Provider", width=15)
        table.add_column("Type", width=12)
        table.stretch_columns({"Patient": 3, "Type": 1})
        table.focus()
        self.reload()

    def reload(self) -> None:
        self.call_service(unbilled_visits, None, PAGE, then=self._first, group="page")

    def _cells(self, r: UnbilledVisit) -> tuple:
        return (
            f"{r.starts_at:%m/%d/%Y %H:%M}",
            plain(r.patient),
            plain(r.provider),
            plain(r.visit_type),
        )

    def _first(self, page: UnbilledPage) -> None:
        self.query_one(PagedTable).reset()
        self.rows = {}
        self._append(page)
        count = len(self.rows)
        more = "+" if page.next_after else ""
        self.say(
            f"{count}{more} visits checked out without charges; Enter or c codes one."
            if count
            else "Every checked-out visit has its charges."
        )

    def _append(self, page: UnbilledPage) -> None:
        keys = [str(r.appointment_id) for r in page.rows]
        self.rows.update(zip(keys, page.rows, strict=True))
        self.next_after = page.next_after
        self.query_one(PagedTable).add_page(
            [self._cells(r) for r in page.rows], keys, page.next_after is not None
        )

    def on_paged_table_need_more(self, event: PagedTable.NeedMore) -> None:
        if self.next_after is not None:
            self.call_service(
                unbilled_visits, self.next_after, PAGE, then=self._append, group="page"
            )

    def on_data_table_row_selected(self, event) -> None:
        event.stop()
        self.action_code_visit()

    def action_code_visit(self) -> None:
        row = self.rows.get(self.query_one(PagedTable).selected_key() or "")
        if row is not None:
            open_charges(self, row.appointment_id)
