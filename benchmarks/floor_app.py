"""The floors the app is measured against: bare Textual apps doing the least that each
measured job needs, started and driven exactly as the app is (benchmarks/run.py).

    static   one Static, painted: the floor for a cold start (and peak memory)
    table    a DataTable of 1,000 rows with the cursor on the first: bytes per cursor move
    search   an Input and a DataTable that shows 50 rows per keystroke: keystroke to paint
    areas    five modes, each a DataTable of 200 rows: switching between them (revisit)

Run one as a program (`python benchmarks/floor_app.py static`) or import the classes.
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

READY = "floor app ready"
ROWS = 1000


class StaticApp(App):
    def compose(self) -> ComposeResult:
        yield Static(READY)


def _rows(table: DataTable, count: int, tag: str = "") -> None:
    table.add_columns("Time", "Provider", "Patient", "Type", "Status")
    for n in range(count):
        table.add_row(
            f"{8 + n // 40 % 10:02d}:{n % 4 * 15:02d}",
            f"Dr Provider{n // 40}",
            f"Patient{tag}, Name {n}",
            "Follow-up",
            "Booked",
        )


class TableApp(App):
    def compose(self) -> ComposeResult:
        yield Static(READY)
        yield DataTable(cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        _rows(table, ROWS)
        table.focus()


class SearchApp(App):
    def compose(self) -> ComposeResult:
        yield Input(id="q")
        yield DataTable(cursor_type="row")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("MRN", "Name", "DOB", "Phone")

    def on_input_changed(self, event: Input.Changed) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for n in range(50):
            table.add_row(str(100000 + n), f"{event.value.title()}, Name {n}", "01/02/1960", "")


class AreaScreen(Screen):
    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row")

    def on_mount(self) -> None:
        _rows(self.query_one(DataTable), 200, tag=type(self).__name__)


AREA_SCREENS = {f"a{n}": type(f"Area{n}", (AreaScreen,), {}) for n in range(2, 7)}


class ChartScreen(Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="floor.back")]

    def compose(self) -> ComposeResult:
        yield Static("\n".join(f"Chart line {n}: some text about the patient" for n in range(20)))


class AreasApp(App):
    """F2-F6 switch between five lists; Enter opens a "chart" (a screen of text)."""

    MODES = AREA_SCREENS
    BINDINGS = [
        *(
            Binding(f"f{n}", f"switch_mode('a{n}')", f"Area {n}", id=f"floor.a{n}")
            for n in range(2, 7)
        ),
        Binding("enter", "chart", "Chart", id="floor.chart"),
    ]

    def on_mount(self) -> None:
        self.switch_mode("a2")

    def action_chart(self) -> None:
        self.push_screen(ChartScreen())


APPS = {"static": StaticApp, "table": TableApp, "search": SearchApp, "areas": AreasApp}

if __name__ == "__main__":
    APPS[sys.argv[1] if len(sys.argv) > 1 else "static"]().run(mouse=False)
