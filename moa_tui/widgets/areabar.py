"""The line of area keys above the footer; the current area stands out."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class AreaBar(Static):
    DEFAULT_CSS = """
    AreaBar {
        height: 1;
        background: $panel;
        color: $text-muted;
    }
    """

    def __init__(self, areas: dict[str, tuple[str, str]], current: str) -> None:
        text = Text(" F1 Help ", end="")
        for name, (key, label) in areas.items():
            style = "reverse bold" if name == current else ""
            text.append(" ")
            text.append(f"{key.upper()} {label}", style=style)
        text.append("  ^Q Quit")
        super().__init__(text)
