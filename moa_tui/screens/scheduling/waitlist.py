"""The waitlist: who wants an earlier appointment and on what terms; the open slots that
fit an entry, booked with Enter; removing an entry after a yes."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from ...services.errors import ServiceError
from ...services.scheduling.availability import TypeInfo, list_types
from ...services.scheduling.booking import Slot
from ...services.scheduling.schedule import ScheduleRow
from ...services.scheduling.waitlist import (
    WaitlistRow,
    book_from_waitlist,
    list_waitlist,
    remove_from_waitlist,
)
from ...services.scheduling.worklists import WaitlistSlots, waitlist_slots
from ...ui import changes
from ...ui.calls import ServiceCaller
from ...ui.text import plain
from ...widgets.dialogs import ConfirmDialog
from ...widgets.paged_table import Column, PagedTable, RowTable
from ..base import PatientRowsScreen
from .authorization import authorization_ok
from .calls import BackOut
from .typed import moved_message

DAY_NAMES = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
PART_NAMES = {"am": "mornings", "pm": "afternoons"}
# At 80 columns the note is left out of the list (the line below shows it whole).
WAITLIST_COLUMNS = (
    Column("Patient", 18, share=1),
    Column("Phone", 12),
    Column("Preferences", 26, share=1),
    Column("Earliest", 10),
    Column("Note", 30, share=2, optional=True),
)
SLOT_COLUMNS = (("Day", 10), ("Time", 11), ("Provider", 18), ("Type", 14))
SLOTS_SHOWN, SLOTS_MAX = 10, 50


def weekdays_text(weekdays: str, joiner: str = "") -> str:
    """'024' -> 'MoWeFr'; every day -> ''."""
    if not weekdays or set("0123456") <= set(weekdays):
        return ""
    return joiner.join(DAY_NAMES[int(d)] for d in sorted(weekdays) if d.isdigit() and d < "7")


def preferences(row: WaitlistRow) -> str:
    """What the patient would take, shortest first: 'Dr Lee · Physical · MoWe · am'."""
    parts = [
        "any provider" if row.provider == "any" else row.provider,
        "any type" if row.appt_type == "any" else row.appt_type,
    ]
    if days := weekdays_text(row.weekdays):
        parts.append(days)
    if row.part_of_day:
        parts.append(row.part_of_day)
    return " · ".join(parts)


class SlotsDialog(ServiceCaller, ModalScreen[ScheduleRow | None]):
    """The next open slots that fit a waitlist entry; Enter books the highlighted one for
    the patient and takes them off the waitlist. Closes with the booked appointment."""

    SCREEN_NAME = "Open slots"

    ACTION_PERMISSIONS = {"book": "schedule.write"}
    BINDINGS = [
        Binding("escape", "cancel", "Close", id="waitlist.slots.close"),
        Binding("enter", "book", "Book", id="waitlist.slots.book"),
        Binding("t", "next_type", "Other type", id="waitlist.slots.other_type"),
        Binding("m", "more", "More slots", id="waitlist.slots.more_slots"),
    ]

    def __init__(self, entry: WaitlistRow) -> None:
        super().__init__()
        self.entry = entry
        self.found: WaitlistSlots | None = None
        self.types: list[TypeInfo] = []
        self.type_id: int | None = None
        self.limit = SLOTS_SHOWN
        self.slots: dict[str, Slot] = {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="slots-dialog"):
            yield Static(plain(f"Open slots for {self.entry.patient}"), classes="dialog-title")
            yield Static("Looking for open slots…", id="slots-info")
            yield RowTable(id="slots-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="dialog-message", classes="error")
            yield Static("", id="slots-hint", classes="hint")

    def on_mount(self) -> None:
        table = self.query_one(RowTable)
        table.set_columns(SLOT_COLUMNS)
        table.focus()
        if self.entry.appt_type == "any":
            self.call_service(list_types, then=self._got_types, group="types")
        self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_type":
            return self.entry.appt_type == "any" and len(self.types) > 1
        return super().check_action(action, parameters)

    def _got_types(self, types: list[TypeInfo]) -> None:
        self.types = types
        self.refresh_bindings()

    def reload(self) -> None:
        self.call_service(
            waitlist_slots,
            self.entry.id,
            self.type_id,
            self.limit,
            then=self._show,
            failed=self._failed,
            group="slots",
        )

    def _show(self, found: WaitlistSlots) -> None:
        self.found = found
        self.type_id = found.type_id
        table = self.query_one(DataTable)
        table.clear()
        self.slots = {}
        for n, slot in enumerate(found.slots):
            key = str(n)
            self.slots[key] = slot
            table.add_row(
                f"{slot.starts_at:%a %m/%d}",
                f"{slot.starts_at:%H:%M}-{slot.ends_at:%H:%M}",
                plain(slot.provider),
                plain(found.appt_type),
                key=key,
            )
        kind = found.appt_type + ("" if found.type_chosen else " (any type: t for another)")
        days = weekdays_text(self.entry.weekdays, " ")
        terms = [
            "any provider" if self.entry.provider == "any" else self.entry.provider,
            f"{days}" if days else "",
            PART_NAMES.get(self.entry.part_of_day, ""),
            f"from {self.entry.earliest:%m/%d/%Y}",
        ]
        info = f"{kind} · " + ", ".join(t for t in terms if t)
        if not found.slots:
            info += "\nNo open slot fits in the next 90 days."
        self.query_one("#slots-info", Static).update(plain(info))
        more = " · m more" if len(found.slots) == self.limit < SLOTS_MAX else ""
        self.query_one("#slots-hint", Static).update(
            plain(f"Enter: book the highlighted slot{more} · Esc: close")
        )

    def _failed(self, error: ServiceError) -> None:
        self.query_one("#dialog-message", Static).update(plain(str(error)))
        self.app.bell()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_next_type(self) -> None:
        if not self.types:
            return
        ids = [t.id for t in self.types]
        index = ids.index(self.type_id) if self.type_id in ids else -1
        self.type_id = ids[(index + 1) % len(ids)]
        self.limit = SLOTS_SHOWN
        self.reload()

    def action_more(self) -> None:
        if self.found and len(self.found.slots) == self.limit < SLOTS_MAX:
            self.limit += SLOTS_SHOWN
            self.reload()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_book()

    def action_book(self) -> None:
        table = self.query_one(DataTable)
        if not table.row_count or self.found is None:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        slot = self.slots.get(key)
        if slot is None:
            return
        self.run_worker(self._book(slot), exclusive=True, group="book")

    async def _book(self, slot) -> None:
        def tell(text: str) -> None:
            self.query_one("#dialog-message", Static).update(plain(text))

        patient_id, name = self.entry.patient_id, self.entry.patient
        if not await authorization_ok(
            self, patient_id, name, self.found.type_id, slot.starts_at, tell
        ):
            return
        self.query_one("#dialog-message", Static).update("Booking…")

        def refused(error: ServiceError) -> None:
            # Someone may have taken the slot meanwhile: say so and show what is open now.
            self._failed(error)
            self.reload()

        self.call_service(
            book_from_waitlist,
            self.entry.id,
            slot.provider_id,
            self.found.type_id,
            slot.starts_at,
            then=self.dismiss,
            failed=refused,
            group="write",
        )


class WaitlistScreen(BackOut, PatientRowsScreen):
    AREA_TITLE = "Waitlist"
    TOPICS = frozenset({changes.SCHEDULE})  # refetched when another terminal changes these
    ACTION_PERMISSIONS = {"slots": "schedule.write", "remove": "schedule.write"}
    BINDINGS = [
        Binding("s", "slots", "Open slots", id="waitlist.open_slots"),
        Binding("d", "remove", "Remove", id="waitlist.remove"),
        Binding("enter", "open_patient", "Patient", show=False, id="waitlist.patient"),
        Binding("escape", "back", "Back", show=False, id="waitlist.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, WaitlistRow] = {}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return self.can_back_out()
        return super().check_action(action, parameters)

    def compose_body(self) -> ComposeResult:
        yield Static(id="waitlist-summary", classes="toolbar")
        yield PagedTable(id="waitlist-table")
        yield Static(id="waitlist-detail", classes="toolbar")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one(PagedTable)
        table.set_columns(WAITLIST_COLUMNS)
        table.focus()

    def reload(self) -> None:
        self.call_service(list_waitlist, then=self._show, group="list")

    def _show(self, rows: list[WaitlistRow]) -> None:
        table = self.query_one(PagedTable)
        keep, index = table.selected_key(), table.cursor_row
        table.reset()
        self.rows = {str(r.id): r for r in rows}
        table.add_page(
            [
                (
                    plain(r.patient),
                    plain(r.phone or "no phone"),
                    plain(preferences(r)),
                    f"{r.earliest:%m/%d/%Y}",
                    plain(r.note),
                )
                for r in rows
            ],
            list(self.rows),
            has_more=False,
        )
        if keep in self.rows:
            table.move_to_key(keep)
        elif rows:
            table.move_cursor(row=min(index, len(rows) - 1))
        self.query_one("#waitlist-summary", Static).update(
            plain(
                f"{len(rows)} waiting, longest first · s: open slots that fit · d: remove"
                if rows
                else "Nobody is on the waitlist."
            )
        )
        self._show_detail()

    def _show_detail(self) -> None:
        row = self.selected()
        text = ""
        if row is not None:
            text = f"{row.patient}: {preferences(row)}, from {row.earliest:%m/%d/%Y}"
            if row.note:
                text += f" · {row.note}"
        self.query_one("#waitlist-detail", Static).update(plain(text, "dim"))

    def on_data_table_row_highlighted(self, event) -> None:
        self._show_detail()

    def selected(self) -> WaitlistRow | None:
        return self.rows.get(self.query_one(PagedTable).selected_key() or "")

    @work(exclusive=True, group="waitlist-flow")
    async def action_slots(self) -> None:
        """The open slots that fit the entry; the one taken is booked (or the visit the
        entry came from is moved there), then said."""
        row = self.selected()
        if row is None:
            return
        booked = await self.app.push_screen_wait(SlotsDialog(row))
        if booked is not None and booked.moved_from is not None:
            self.say(moved_message(booked), "ok")
        elif booked is not None:
            self.say(
                f"Booked: {booked.patient} · {booked.starts_at:%a %m/%d/%Y %H:%M} · "
                f"{booked.provider}",
                "ok",
            )
        self.reload()

    @work(exclusive=True, group="waitlist-flow")
    async def action_remove(self) -> None:
        """Take the entry off the waitlist after a yes."""
        row = self.selected()
        if row is None:
            return
        yes = await self.app.push_screen_wait(
            ConfirmDialog(f"Take {row.patient} off the waitlist?", "remove")
        )
        if not yes:
            return
        if await self.ask_service(remove_from_waitlist, row.id, group="write") is None:
            return  # refused: ask_service said why
        self.say(f"{row.patient} is off the waitlist.", "ok")
        self.reload()
