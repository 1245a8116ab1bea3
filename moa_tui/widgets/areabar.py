"""The line of area keys above the footer; the current area stands out."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget


class AreaBar(Widget):
    DEFAULT_CSS = """
    AreaBar {
        height: 1;
        background: $panel;
        color: $text-muted;
    }
    """

    def __init__(self, areas: dict[str, tuple[str, str]], current: str) -> None:
        super().__init__()
        self.areas = areas
        self.current = current

    def render(self) -> Text:
        text = Text(end="")
        for name, (key, label) in self.areas.items():
            text.append(" ")
            text.append(
                f"{key.upper()} {label}", style="reverse bold" if name == self.current else ""
            )
        # The areas always show in full. F1 Help leads when it fits; with every area at 80
        # columns it and Ctrl+Q stay in the help screen and the palette.
        if text.cell_len + 9 <= self.size.width:
            text = Text(" F1 Help ", end="") + text
        if text.cell_len + 9 <= self.size.width:
            text.append("  ^Q Quit")
        return text
