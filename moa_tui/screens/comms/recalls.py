"""The recall worklist (issue 12 item 5): patients due back, the earliest due first (all,
overdue, due this month; one provider or all), a keyset page at a time. 1-5 record how a
call went (the attempts are counted), b books the visit through the schedule's own
booking screen, and the booking closes the recall. Opened from the schedule (d) and the
command palette."""

from __future__ import annotations

from dataclasses import replace

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ...services.comms.recalls import (
    OUTCOME_LABELS,
    WHEN_LABELS,
    RecallFilter,
    RecallPage,
    RecallRow,
    log_recall_call,
    recall_worklist,
    remove_recall,
)
from ...services.scheduling.schedule import ProviderInfo, list_providers
from ...services.wording import plural, tell_apart
from ...ui import changes
from ...ui.text import plain
from ...widgets.form import FieldSpec, FormDialog
from ...widgets.paged_table import Column, PagedTable
from ..base import TitledScreen
from ..scheduling.booking import BookingScreen
from ..scheduling.typed import booked_message

PAGE = 50
WHEN_ORDER = tuple(WHEN_LABELS)  # f steps through them
OUTCOME_STYLE = {"left_message": "yellow", "no_answer": "red", "wrong_number": "bold red"}
# The last outcome, short enough for the Calls column beside its count ("2 msg left").
OUTCOME_SHORT = {"reached": "reached", "left_message": "msg left", "no_answer": "no answer",
                 "wrong_number": "wrong no.", "declined": "declined"}  # fmt: skip
COLUMNS = (
    Column("Due", 10),
    Column("Patient", 16, share=2),
    Column("Phones", 31),
    Column("Calls", 11),
    Column("For", 17, optional=True),  # (the provider is on the line below the list)
)


class RecallsScreen(TitledScreen):
    SCREEN_NAME = "Recalls due"
    VIEW_TITLE = "Recalls due"
    TOPICS = frozenset({changes.SCHEDULE})  # refetched when another terminal changes these
    ACTION_PERMISSIONS = {
        "record": "schedule.write",
        "book": "schedule.write",
        "remove": "schedule.write",
    }
    BINDINGS = [
        Binding("1", "record('reached')", "Reached", id="recalls.reached"),
        Binding("2", "record('left_message')", "Left msg", id="recalls.left_message"),
        Binding("3", "record('no_answer')", "No answer", id="recalls.no_answer"),
        Binding("4", "record('wrong_number')", "Wrong no.", id="recalls.wrong_number"),
        Binding("5", "record('declined')", "Declined", id="recalls.declined"),
        Binding("b", "book", "Book", id="recalls.book"),
        Binding("f", "when", "Overdue / month / all", show=False, id="recalls.when"),
        Binding("p", "provider", "One provider / all", show=False, id="recalls.provider"),
        Binding("x", "remove", "Take off the list", show=False, id="recalls.remove"),
        Binding("enter", "open_patient", "Patient", show=False, id="recalls.patient"),
        Binding("escape", "app.pop_screen", "Back", show=False, id="recalls.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filter = RecallFilter()
        self.providers: list[ProviderInfo] = []
        self.rows: dict[str, RecallRow] = {}
        self.next_after: tuple | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(id="recalls-summary", classes="toolbar")
        yield PagedTable(id="recalls-table")
        yield Static(id="recalls-detail", classes="toolbar")

    def on_mount(self) -> None:
        self.set_title()
        table = self.query_one(PagedTable)
        table.set_columns(COLUMNS)
        table.focus()
        self.call_service(list_providers, then=self._got_providers, group="providers")
        self.reload()

    def _got_providers(self, providers: list[ProviderInfo]) -> None:
        self.providers = providers

    # --- the list

    def reload(self) -> None:
        self.call_service(recall_worklist, self.filter, None, PAGE, then=self._first, group="page")

    def _first(self, page: RecallPage) -> None:
        table = self.query_one(PagedTable)
        keep, index = table.selected_key(), table.cursor_row
        table.reset()
        self.rows = {}
        self._append(page)
        if keep in self.rows:
            table.move_to_key(keep)
        elif self.rows:
            # The row left the list (booked, declined): stay at its place, on the next one.
            table.move_cursor(row=min(index, len(self.rows) - 1))
        self._summary()
        self._show_detail()

    def _append(self, page: RecallPage) -> None:
        table = self.query_one(PagedTable)
        keys = [str(r.id) for r in page.rows]
        self.rows.update(zip(keys, page.rows, strict=True))
        self.next_after = page.next_after
        names = tell_apart(
            ((r.patient_id, r.patient, r.patient_dob) for r in page.rows),
            table.column_width("Patient"),
        )
        cells = [
            (
                plain(f"{r.due_on:%m/%d/%Y}", "bold red" if r.overdue else ""),
                plain(names[r.patient_id]),
                plain(r.phones),
                self._calls_cell(r),
                plain(r.kind),
            )
            for r in page.rows
        ]
        table.add_page(cells, keys, page.next_after is not None)

    @staticmethod
    def _calls_cell(r: RecallRow):
        if not r.attempts:
            return plain("-", "dim")
        code = next((k for k, v in OUTCOME_LABELS.items() if v == r.last_outcome), "")
        return plain(f"{r.attempts} {OUTCOME_SHORT.get(code, '')}", OUTCOME_STYLE.get(code, ""))

    def on_paged_table_need_more(self, event: PagedTable.NeedMore) -> None:
        if self.next_after is not None:
            self.call_service(
                recall_worklist, self.filter, self.next_after, PAGE, then=self._append,
                group="page",
            )  # fmt: skip

    def _provider_name(self) -> str:
        if self.filter.provider_id is None:
            return "all providers"
        found = (p.short_name for p in self.providers if p.id == self.filter.provider_id)
        return next(found, "one provider")

    def _summary(self) -> None:
        count = plural(len(self.rows), "recall") + ("+" if self.next_after else "")
        text = (
            f"{WHEN_LABELS[self.filter.when]} · {self._provider_name()} · {count} · "
            "f overdue/month/all · p provider"
        )
        self.query_one("#recalls-summary", Static).update(plain(text))

    def _show_detail(self) -> None:
        r = self.selected()
        if r is not None:
            text = f"{r.patient} · {r.kind} due {r.due_on:%m/%d/%Y} · " + (
                r.provider or "any provider"
            )
            text += f" · {r.note}" if r.note else ""
        elif not self.rows:
            text = "Nobody is due back on this list."
        else:
            text = ""
        self.query_one("#recalls-detail", Static).update(plain(text, "dim"))

    def on_data_table_row_highlighted(self, event) -> None:
        self._show_detail()

    def on_data_table_row_selected(self, event) -> None:
        event.stop()
        self.action_open_patient()

    def selected(self) -> RecallRow | None:
        return self.rows.get(self.query_one(PagedTable).selected_key() or "")

    # --- filters

    def _refilter(self, **changes) -> None:
        self.filter = replace(self.filter, **changes)
        self.rows = {}
        self.query_one(PagedTable).reset()
        self.reload()

    def action_when(self) -> None:
        nxt = WHEN_ORDER[(WHEN_ORDER.index(self.filter.when) + 1) % len(WHEN_ORDER)]
        self._refilter(when=nxt)

    def action_provider(self) -> None:
        ids = [None, *(p.id for p in self.providers)]
        current = ids.index(self.filter.provider_id) if self.filter.provider_id in ids else 0
        self._refilter(provider_id=ids[(current + 1) % len(ids)])

    # --- acting on a recall

    def action_open_patient(self) -> None:
        r = self.selected()
        if r is not None:
            self.app.open_patient(r.patient_id)

    @work(group="recalls-record")
    async def action_record(self, outcome: str) -> None:
        """How the call went: counted; declining takes the recall off the list."""
        r = self.selected()
        if r is None:
            return
        del self.rows[str(r.id)]  # not recorded twice before the list comes back
        done = await self.ask_service(log_recall_call, r.id, r.version, outcome, group="write")
        if done is None:
            self.reload()
            return
        label = OUTCOME_LABELS[outcome].lower()
        if outcome == "declined":
            self.say(f"{r.patient}: declined; off the recall list.", "ok")
        else:
            tries = plural(done.attempts, "call")
            self.say(f"{r.patient}: {label} ({tries} so far).", "ok")
        table = self.query_one(PagedTable)
        if outcome != "declined" and table.cursor_row + 1 < table.row_count:
            table.move_cursor(row=table.cursor_row + 1)  # on to the next call
        self.reload()

    @work(exclusive=True, group="recalls-book")
    async def action_book(self) -> None:
        """The schedule's booking screen for the patient, the recall's provider and due
        date chosen; the booking closes the recall."""
        r = self.selected()
        if r is None:
            return
        booked = await self.app.push_screen_wait(BookingScreen((r.patient_id, r.patient), recall=r))
        if booked is not None:
            self.say(booked_message(booked, "Booked"), "ok")
            self.reload()

    @work(exclusive=True, group="recalls-remove")
    async def action_remove(self) -> None:
        r = self.selected()
        if r is None:
            return

        def submit(actor, values):
            return remove_recall(actor, r.id, r.version, values["reason"])

        gone = await self.app.push_screen_wait(
            FormDialog(
                f"Take {r.patient}'s recall off the list",
                [FieldSpec("reason", "Reason", placeholder="e.g. moved away", max_length=150)],
                submit,
            )
        )
        if gone is not None:
            self.say(f"{r.patient}: taken off the recall list.", "ok")
            self.reload()
