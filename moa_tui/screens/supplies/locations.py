"""Storage locations ("Supply room", "Exam 1", "Lab fridge"): add one, retire an empty
one, count everything kept at one (a cycle count by location)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ...services.supplies.lots import (
    LocationRow,
    add_location,
    location_lots,
    locations,
    retire_location,
)
from ...ui import changes
from ...ui.text import plain
from ...widgets.dialogs import ConfirmDialog
from ...widgets.form import FieldSpec, FormDialog
from ...widgets.paged_table import Column, PagedTable
from ..base import RecordView
from .count import CountScreen
from .lots import _said


class LocationsScreen(RecordView):
    SCREEN_NAME = "Locations"
    VIEW_TITLE = "Stock locations"
    TOPICS = frozenset({changes.STOCK})
    REFETCH_ON_RESUME = True
    COLUMNS = (Column("Location", 30, share=1), Column("Lots held", 9), Column("", 10))
    ACTION_PERMISSIONS = {"add": "stock.write", "retire": "stock.write", "count": "stock.write"}
    BINDINGS = [
        Binding("a", "add", "Add", id="locations.add"),
        Binding("c", "count", "Count here", id="locations.count"),
        Binding("x", "retire", "Retire", id="locations.retire"),
        Binding("escape", "app.pop_screen", "Back", id="locations.pop_screen"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.places: list[LocationRow] = []

    def compose_body(self) -> ComposeResult:
        yield Static(
            "Where stock is kept · move a lot from its item's lots (t on Stock)",
            id="locations-summary",
            classes="toolbar",
        )
        yield PagedTable(id="locations-table")

    def on_mount(self) -> None:
        table = self.query_one(PagedTable)
        table.set_columns(self.COLUMNS)
        table.focus()
        super().on_mount()

    def changed_elsewhere(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.call_service(locations, then=self._show)

    def _show(self, places: list[LocationRow]) -> None:
        self.places = places
        table = self.query_one(PagedTable)
        keep = table.selected_key()
        table.reset()
        table.add_page(
            [(plain(p.name), str(p.lots).rjust(9), "" if p.active else "retired") for p in places],
            [str(p.id) for p in places],
            False,
        )
        table.move_to_key(keep)

    def selected(self) -> LocationRow | None:
        key = self.query_one(PagedTable).selected_key()
        return next((p for p in self.places if str(p.id) == key), None)

    def action_add(self) -> None:
        def submit(actor, v):
            return add_location(actor, v["name"])

        self.app.push_screen(
            FormDialog("New stock location", [FieldSpec("name", "Name", max_length=40)], submit),
            self._added,
        )

    def _added(self, place: LocationRow | None) -> None:
        if place is not None:
            self.say(f"{place.name} added.", "ok")
            self.reload()

    def action_retire(self) -> None:
        place = self.selected()
        if place is None or not place.active:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.call_service(retire_location, place.id, then=self._retired)

        self.app.push_screen(ConfirmDialog(f"Stop using {place.name}?", "Retire"), answered)

    def _retired(self, place: LocationRow) -> None:
        self.say(f"{place.name} retired.", "ok")
        self.reload()

    def action_count(self) -> None:
        place = self.selected()
        if place is not None:
            self.call_service(location_lots, place.id, then=lambda rows: self._count(place, rows))

    def _count(self, place: LocationRow, rows) -> None:
        if not rows:
            self.say(f"Nothing is kept at {place.name}.")
            return
        self.app.push_screen(CountScreen(f"Count {place.name}", rows), self._counted)

    def _counted(self, result) -> None:
        if result is not None:
            self.say(_said(result), "ok")
            self.reload()
