"""Managers' screens for when the clinic works: each provider's weekly hours, blocked
time and closed days (HoursScreen); the appointment types are types.py's."""

from __future__ import annotations

import datetime as dt

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from ...services import clock
from ...services.scheduling.absences import booked_during
from ...services.scheduling.availability import (
    Availability,
    BlockInfo,
    add_block,
    availability,
    hours_text,
    remove_block,
    set_hours,
)
from ...services.scheduling.calendar import parse_when
from ...services.scheduling.schedule import ProviderInfo, list_providers
from ...services.wording import plural
from ...ui.text import plain
from ...widgets.dialogs import ConfirmDialog
from ...widgets.form import FieldSpec, FormDialog
from ...widgets.paged_table import RowTable
from .absences import RescheduleListScreen, covered_dialog
from .calendar import ViewScreen
from .types import TypesScreen

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
BLOCK_DAYS_AHEAD = 120


def block_when(starts: dt.datetime, ends: dt.datetime) -> str:
    """'Sat 11/28/2026 all day', 'Thu 12/03 - Mon 12/07/2026', 'Thu 12/03/2026 13:00-15:00'."""
    midnight = dt.time.min
    if starts.time() == midnight and ends.time() == midnight:
        last = (ends - dt.timedelta(days=1)).date()
        if last == starts.date():
            return f"{starts:%a %m/%d/%Y} all day"
        return f"{starts:%a} {range_start(starts, last)} - {last:%a %m/%d/%Y}"
    if starts.date() == ends.date():
        return f"{starts:%a %m/%d/%Y} {starts:%H:%M}-{ends:%H:%M}"
    if ends.time() == midnight:  # to the end of the day before
        last = ends - dt.timedelta(days=1)
        if last.date() == starts.date():
            return f"{starts:%a %m/%d/%Y} {starts:%H:%M}-24:00"
        return f"{range_start(starts, last)} {starts:%H:%M} - {last:%m/%d/%Y} 24:00"
    return f"{range_start(starts, ends)} {starts:%H:%M} - {ends:%m/%d/%Y %H:%M}"


def range_start(starts: dt.date, last: dt.date) -> str:
    """A range's first day: its year shows when it is not the last day's year."""
    return f"{starts:%m/%d}" if starts.year == last.year else f"{starts:%m/%d/%Y}"


def hours_total(blocks: list[tuple[str, str]]) -> str:
    minutes = 0
    for s, e in blocks:
        sh, sm = map(int, s.split(":"))
        eh, em = map(int, e.split(":"))
        minutes += (eh * 60 + em) - (sh * 60 + sm)
    hours, rest = divmod(minutes, 60)
    return f"{hours}h{rest:02d}" if rest else f"{hours}h"


class HoursScreen(ViewScreen):
    """One provider's weekly hours (Enter edits a weekday), and the blocked time and
    closed days ahead (a adds, d deletes). [ and ] change provider."""

    VIEW_TITLE = "Hours"
    BINDINGS = [
        Binding("right_square_bracket", "provider(1)", "Provider", id="hours.provider"),
        Binding(
            "left_square_bracket",
            "provider(-1)",
            "Prev provider",
            show=False,
            id="hours.prev_provider",
        ),
        Binding("e", "edit_day", "Edit day", id="hours.edit_day"),
        Binding("a", "add_block", "Add block", id="hours.add_block"),
        Binding("d", "delete_block", "Delete block", id="hours.delete_block"),
        Binding("y", "types", "Types", id="hours.types"),
    ]
    ACTION_PERMISSIONS = {
        "edit_day": "schedule.admin",
        "add_block": "schedule.admin",
        "delete_block": "schedule.admin",
    }

    def __init__(self, provider_id: int | None = None) -> None:
        super().__init__()
        self.provider_id = provider_id
        self.providers: list[ProviderInfo] = []
        self.data: Availability | None = None
        self.blocks: dict[str, BlockInfo] = {}

    def compose_body(self) -> ComposeResult:
        yield Static(id="hours-provider", classes="toolbar")
        yield RowTable(id="hours-week", cursor_type="row", zebra_stripes=True)
        yield Static(
            "Blocked time and clinic closed days ahead (a add · d delete)",
            id="hours-blocks-title",
            classes="toolbar",
            markup=False,
        )
        yield RowTable(id="hours-blocks", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.set_title()
        week = self.query_one("#hours-week", DataTable)
        week.add_column("Day", width=10, key="day")
        week.add_column("Working hours", width=44, key="hours")
        week.add_column("Total", width=6, key="total")
        blocks = self.query_one("#hours-blocks", DataTable)
        blocks.add_column("When", width=30)
        blocks.add_column("For", width=16)
        blocks.add_column("Reason")
        week.focus()

    def reload(self) -> None:
        self.call_service(list_providers, then=self._got_providers, group="providers")

    def _got_providers(self, providers: list[ProviderInfo]) -> None:
        self.providers = providers
        if not providers:
            self.say("The clinic has no active providers.")
            return
        if self.provider_id not in {p.id for p in providers}:
            self.provider_id = providers[0].id
        self.call_service(
            availability, self.provider_id, BLOCK_DAYS_AHEAD, then=self._show, group="hours"
        )

    @property
    def provider(self) -> ProviderInfo | None:
        return next((p for p in self.providers if p.id == self.provider_id), None)

    def _show(self, data: Availability) -> None:
        if data.provider_id != self.provider_id:
            return
        self.data = data
        provider = self.provider
        index = self.providers.index(provider) + 1 if provider else 0
        self.set_title(provider.short_name if provider else data.provider)
        self.query_one("#hours-provider", Static).update(
            plain(
                f"{data.provider} · {index} of {len(self.providers)} · [ ] provider · Tab: blocks"
            )
        )
        week = self.query_one("#hours-week", DataTable)
        keep = week.cursor_row
        week.clear()
        for day in range(7):
            blocks = data.hours.get(day, [])
            week.add_row(
                DAY_NAMES[day],
                plain(hours_text(blocks) or "off", "" if blocks else "dim"),
                hours_total(blocks) if blocks else "",
                key=str(day),
            )
        week.move_cursor(row=keep)
        table = self.query_one("#hours-blocks", DataTable)
        keep_key = self._selected_block_key()
        table.clear()
        self.blocks = {str(b.id): b for b in data.blocks}
        for b in data.blocks:
            table.add_row(
                block_when(b.starts_at, b.ends_at),
                plain(b.provider or "Whole clinic", "" if b.provider else "bold"),
                plain(f"{b.reason} — {plural(b.booked, 'visit')}" if b.booked else b.reason),
                key=str(b.id),
            )
        if not data.blocks:
            self.query_one("#hours-blocks-title", Static).update(
                "No blocked time or closed days ahead (a adds one)"
            )
        else:
            self.query_one("#hours-blocks-title", Static).update(
                f"Blocked time and clinic closed days ahead: {len(data.blocks)} (a add · d delete)"
            )
        if keep_key in self.blocks:
            table.move_cursor(row=table.get_row_index(keep_key))

    def _selected_block_key(self) -> str | None:
        table = self.query_one("#hours-blocks", DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def selected_block(self) -> BlockInfo | None:
        return self.blocks.get(self._selected_block_key() or "")

    # --- keys ----------------------------------------------------------------------

    def action_provider(self, step: int) -> None:
        if not self.providers:
            return
        ids = [p.id for p in self.providers]
        index = ids.index(self.provider_id) if self.provider_id in ids else 0
        self.provider_id = ids[(index + step) % len(ids)]
        self.data = None
        self.reload()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.data_table.id == "hours-week":
            self.action_edit_day()
        elif event.data_table.id == "hours-blocks":
            self.say("d deletes the selected blocked time; a adds one.")

    @work(exclusive=True, group="hours-flow")
    async def action_edit_day(self) -> None:
        """A weekday's working blocks, typed; saved, then said."""
        if not self.check_action("edit_day", ()):
            self.say("Only a manager can change working hours.", "error")
            return
        data, provider = self.data, self.provider
        if data is None or provider is None:
            return
        weekday = self.query_one("#hours-week", DataTable).cursor_row
        provider_id = data.provider_id

        def submit(actor, values):
            return set_hours(actor, provider_id, weekday, values["hours"])

        saved = await self.app.push_screen_wait(
            FormDialog(
                f"{provider.short_name}: {DAY_NAMES[weekday]} hours",
                [
                    FieldSpec(
                        "hours",
                        DAY_NAMES[weekday],
                        value=hours_text(data.hours.get(weekday, [])),
                        placeholder="e.g. 8:00-12:00, 13:00-17:00 (blank: off)",
                        max_length=80,
                    )
                ],
                submit,
                hint="Blocks like 8:00-12:00, 13:00-17:00 · blank: day off · "
                "Enter save · Esc cancel",
            )
        )
        if saved is None:
            return
        text = hours_text(saved.hours.get(weekday, [])) or "off"
        self.say(f"{saved.provider}: {DAY_NAMES[weekday]} is now {text}.", "ok")
        self._show(saved)

    @work(exclusive=True, group="hours-flow")
    async def action_add_block(self) -> None:
        """The block (who, from, to, why); then the booked visits it covers and, on
        Enter, the reschedule worklist for them."""
        if not self.check_action("add_block", ()):
            return
        options = [("Whole clinic (closed)", "0")] + [
            (p.short_name, str(p.id)) for p in self.providers
        ]

        def submit(actor, values):
            today = clock.today()
            starts = parse_when("starts_at", values["starts_at"], today=today, label="From")
            ends = parse_when("ends_at", values["ends_at"], today=today, end=True, label="To")
            provider_id = int(values["provider"] or 0) or None
            block = add_block(actor, provider_id, starts, ends, values["reason"])
            # What the block now covers, listed at once and offered for rescheduling.
            return block, provider_id, booked_during(actor, provider_id, starts, ends)

        added = await self.app.push_screen_wait(
            FormDialog(
                "Block time or close the clinic",
                [
                    FieldSpec("provider", "For", value=str(self.provider_id or 0), options=options),
                    FieldSpec("starts_at", "From", placeholder="e.g. 12/24 13:00, or 12/24"),
                    FieldSpec("ends_at", "To", placeholder="e.g. 12/24 17:00, or 12/26 (all day)"),
                    FieldSpec("reason", "Reason", placeholder="e.g. vacation, meeting, holiday"),
                ],
                submit,
                hint="Dates: t, t+7, 12/24, 2026-12-24, with a time: 12/24 13:00 · a date "
                "alone is the whole day · Enter next/save · Esc cancel",
            )
        )
        if added is None:
            return
        block, provider_id, covered = added
        who = block.provider or "whole clinic"
        self.say(
            f"Blocked {block_when(block.starts_at, block.ends_at)} for {who}: {block.reason}.",
            "ok",
        )
        self.reload()
        if not covered:
            return
        what = f"{block.provider or 'Clinic closed'}: {block.reason}"
        if await self.app.push_screen_wait(covered_dialog(what, covered)) is not None:
            self.app.push_screen(
                RescheduleListScreen(provider_id, block.starts_at, block.ends_at, what)
            )

    @work(exclusive=True, group="hours-flow")
    async def action_delete_block(self) -> None:
        if not self.check_action("delete_block", ()):
            return
        block = self.selected_block()
        if block is None:
            self.say("There is no blocked time to delete.")
            return
        who = block.provider or "the whole clinic"
        question = (
            f"Delete the blocked time {block_when(block.starts_at, block.ends_at)} "
            f"for {who} ({block.reason})?"
        )
        if not await self.app.push_screen_wait(ConfirmDialog(question)):
            return
        self.call_service(
            remove_block, block.id, then=lambda _: self._block_removed(block), group="write"
        )

    def _block_removed(self, block: BlockInfo) -> None:
        self.say(f"Deleted: {block_when(block.starts_at, block.ends_at)} {block.reason}.", "ok")
        self.reload()

    def action_types(self) -> None:
        self.app.push_screen(TypesScreen())
