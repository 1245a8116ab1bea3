"""The office's open referrals (issue 12 item 6), from the Patients area (Ctrl+R): drafts,
sent, received and scheduled referrals, the oldest first (the ones to chase), a keyset
page at a time. Enter opens the patient's referrals."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding

from ...services.records.referrals import (
    DIRECTION_LABELS,
    ReferralPage,
    ReferralRow,
    open_referrals,
)
from ...services.wording import date_text
from ...ui import changes
from ...ui.text import plain
from ...widgets.paged_table import Column, PagedTable
from ..base import TitledScreen
from .referrals import PatientReferralsScreen

COLUMNS = [
    Column("Date", 10), Column("In/out", 6), Column("Status", 9),
    Column("Patient", 18, share=2), Column("To/from", 18, share=2),
    Column("Reason", 16, share=1, optional=True),
]  # fmt: skip
PAGE = 50


class OpenReferralsScreen(TitledScreen):
    VIEW_TITLE = "Open referrals"
    TOPICS = frozenset({changes.PATIENTS})  # a referral saved on another terminal
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="open_referrals.back"),
        Binding("enter", "open", "Patient's referrals", id="open_referrals.open"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, ReferralRow] = {}
        self.next_after: tuple | None = None

    def compose_body(self) -> ComposeResult:
        yield PagedTable(id="open-referrals-table")

    def on_mount(self) -> None:
        self.set_title()
        self.query_one(PagedTable).set_columns(COLUMNS)

    def reload(self) -> None:
        self.call_service(open_referrals, None, PAGE, then=self._first_page, group="page")

    def _first_page(self, page: ReferralPage) -> None:
        table = self.query_one(PagedTable)
        keep = table.selected_key()
        table.reset()
        self.rows = {}
        self._add(page)
        table.move_to_key(keep)
        table.focus()
        if not page.rows:
            self.say("No open referrals.")

    def _add(self, page: ReferralPage) -> None:
        keys = [str(r.id) for r in page.rows]
        self.rows.update(zip(keys, page.rows, strict=True))
        self.next_after = page.next_after
        cells = [
            tuple(plain(c) for c in (
                date_text(r.referred_on), DIRECTION_LABELS[r.direction], r.status_label,
                r.patient, r.other_name, r.reason,
            ))
            for r in page.rows
        ]  # fmt: skip
        self.query_one(PagedTable).add_page(cells, keys, page.next_after is not None)

    def on_paged_table_need_more(self, event: PagedTable.NeedMore) -> None:
        if self.next_after is not None:
            self.call_service(open_referrals, self.next_after, PAGE, then=self._add,
                              group="more")  # fmt: skip

    def on_data_table_row_selected(self, event) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        row = self.rows.get(self.query_one(PagedTable).selected_key() or "")
        if row is not None:
            self.app.push_screen(PatientReferralsScreen(row.patient_id, row.patient))
