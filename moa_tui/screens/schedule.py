"""Schedule: one day's appointments by provider and time; check in with one key."""

from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ..services import clock
from ..services.schedule import ProviderInfo, ScheduleRow, check_in, day_schedule, list_providers
from ..services.validate import parse_date
from ..widgets.form import FieldSpec, FormDialog
from ..widgets.paged_table import PagedTable
from ..widgets.text import plain
from .base import AreaScreen

STATUS_STYLE = {
    "booked": "",
    "arrived": "bold green",
    "roomed": "green",
    "with_provider": "cyan",
    "checked_out": "dim",
    "no_show": "bold red",
    "cancelled": "dim strike",
}


def status_cell(row: ScheduleRow):
    return plain(row.status_label, STATUS_STYLE.get(row.status, ""))


class ScheduleScreen(AreaScreen):
    AREA_TITLE = "Schedule"
    ACTION_PERMISSIONS = {"check_in": "checkin"}
    BINDINGS = [
        Binding("c", "check_in", "Check in"),
        Binding("enter", "open_patient", "Patient", show=False),
        # Priority: the table would otherwise take left/right for horizontal scrolling.
        Binding("left", "day(-1)", "Prev day", priority=True),
        Binding("right", "day(1)", "Next day", priority=True),
        Binding("minus", "day(-1)", "Prev day", show=False),
        Binding("plus,equals_sign", "day(1)", "Next day", show=False),
        Binding("t", "today", "Today"),
        Binding("g", "go_to_date", "Go to date"),
        Binding("p", "next_provider", "Provider"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.day = clock.today()
        self.providers: list[ProviderInfo] = []
        self.provider_index = -1  # -1: all providers
        self.rows: dict[str, ScheduleRow] = {}

    def compose_body(self) -> ComposeResult:
        yield Static(id="schedule-day", classes="toolbar")
        yield PagedTable(id="schedule-table")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one(PagedTable)
        table.add_column("Time", width=5)
        table.add_column("Provider", width=15)
        table.add_column("Patient", width=24)
        table.add_column("Type", width=11)
        table.add_column("Status", width=13)
        table.focus()
        self.call_service(list_providers, then=self._got_providers, group="providers")

    def _got_providers(self, providers: list[ProviderInfo]) -> None:
        self.providers = providers

    @property
    def provider(self) -> ProviderInfo | None:
        if 0 <= self.provider_index < len(self.providers):
            return self.providers[self.provider_index]
        return None

    def reload(self) -> None:
        provider_id = self.provider.id if self.provider else None
        self.call_service(day_schedule, self.day, provider_id, then=self._show, group="day")

    def _show(self, rows: list[ScheduleRow]) -> None:
        table = self.query_one(PagedTable)
        keep = table.selected_key()
        table.reset()
        self.rows = {str(r.id): r for r in rows}
        table.add_page(
            [
                (
                    f"{r.starts_at:%H:%M}",
                    plain(r.provider),
                    plain(r.patient),
                    plain(r.appt_type),
                    status_cell(r),
                )
                for r in rows
            ],
            list(self.rows),
            has_more=False,
        )
        table.move_to_key(keep)
        day = self.day
        when = "today" if day == clock.today() else f"{(day - clock.today()).days:+d} days"
        who = self.provider.name if self.provider else "all providers"
        booked = sum(r.status not in ("cancelled",) for r in rows)
        self.query_one("#schedule-day", Static).update(
            plain(f"{day:%a %m/%d/%Y} ({when}) · {who} · {booked} appointments")
        )

    def selected(self) -> ScheduleRow | None:
        return self.rows.get(self.query_one(PagedTable).selected_key() or "")

    def show_day(self, day: dt.date) -> None:
        # Forget the old day's rows at once, so a key typed before the new day arrives
        # cannot act on an appointment that is no longer on screen.
        self.day = day
        self.rows = {}
        self.query_one(PagedTable).reset()
        self.reload()

    def action_day(self, step: int) -> None:
        self.show_day(self.day + dt.timedelta(days=step))

    def action_today(self) -> None:
        self.show_day(clock.today())

    def action_go_to_date(self) -> None:
        def parse(actor, values):
            return parse_date("date", values["date"], today=clock.today())

        def go(day: dt.date | None) -> None:
            if day:
                self.show_day(day)

        self.app.push_screen(
            FormDialog(
                "Go to date",
                [FieldSpec("date", "Date", placeholder="t+7, 12/24, 2026-12-24")],
                parse,
                hint="t = today, t+1 = tomorrow, t-7, t+2w, 12/24 · Enter go · Esc cancel",
            ),
            go,
        )

    def action_next_provider(self) -> None:
        if not self.providers:
            return
        self.provider_index += 1
        if self.provider_index >= len(self.providers):
            self.provider_index = -1
        self.show_day(self.day)

    def action_check_in(self) -> None:
        row = self.selected()
        if row is None:
            return
        self.call_service(check_in, row.id, row.version, then=self._checked_in, group="write")

    def _checked_in(self, row: ScheduleRow) -> None:
        self.say(f"{row.patient} checked in at {clock.now_local():%H:%M}.", "green")
        self.reload()

    def show_error(self, error) -> None:
        super().show_error(error)
        self.reload()

    def action_open_patient(self) -> None:
        row = self.selected()
        if row is not None:
            self.app.open_patient(row.patient_id)

    def on_data_table_row_selected(self, event) -> None:
        event.stop()
        self.action_open_patient()
