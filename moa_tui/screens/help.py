"""The help screen: every key of the screen it was opened from."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static


def describe_keys(screen: Screen) -> list[tuple[str, str]]:
    """(key, what it does) for every binding active on *screen*: the screen's own keys
    first, then the areas and other global keys, then those of the focused widget."""
    seen, rows = set(), []
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.description or binding.system or binding.action in seen:
            continue
        seen.add(binding.action)
        rank = 0 if active.node is screen else 1 if active.node is screen.app else 2
        rows.append((rank, screen.app.get_key_display(binding), binding.description))
    return [(key, description) for _rank, key, description in sorted(rows, key=lambda r: r[0])]


class HelpScreen(ModalScreen[None]):
    SCREEN_NAME = "Help"

    BINDINGS = [
        Binding("escape,f1,question_mark,q", "dismiss", "Close help", id="help.dismiss"),
    ]

    def __init__(self, title: str, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self._title = title
        self._keys = keys

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, pad_edge=False, expand=True)
        table.add_column(style="bold", no_wrap=True, width=12)
        table.add_column()
        for key, description in self._keys:
            table.add_row(key, description)
        table.add_row("", "")
        table.add_row("Ctrl+P", "Command palette: search every action of this screen")
        table.add_row("Esc", "Back out / close")
        with VerticalScroll(id="help-body"):
            yield Static(f"Keys: {self._title}", classes="dialog-title", markup=False)
            yield Static(table)
            yield Static("Esc, F1 or ? closes this help.", classes="hint", markup=False)


def screen_name(screen: Screen | type[Screen]) -> str:
    """The name a person knows a screen by ("Day", "Check-in"), for help titles."""
    # A form dialog is known by its own title ("New appointment type").
    for attribute in ("title_text", "SCREEN_NAME", "AREA_TITLE", "VIEW_TITLE"):
        name = getattr(screen, attribute, "")
        if isinstance(name, str) and name:
            return name
    return ""
