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

    def labels(self, width: int) -> tuple[dict[str, str], str]:
        """Each area's label, with the inbox's count (app.inbox_badge), and the gap between
        an area's key and its label. When they do not fit in *width*: first the gap goes
        ("F2Schedule", the key in bold, as Midnight Commander's key bar), then two-word
        labels keep their last word ("Patient flow": Flow), then the longest labels of the
        other areas are cut (with "…") until they fit."""
        badge = getattr(self.app, "inbox_badge", "")
        labels = {
            name: f"{label} {badge}" if name == "inbox" and badge else label
            for name, (_key, label) in self.areas.items()
        }
        full = {name: label for name, (_key, label) in self.areas.items()}
        gap = " "
        if width and self.wide(labels, gap) > width:
            gap = ""
        if width and self.wide(labels, gap) > width:
            for name, label in full.items():
                if " " in label:
                    word = label.split()[-1].capitalize()
                    labels[name] = labels[name].replace(label, word, 1)
                    full[name] = word
        while width and self.wide(labels, gap) > width:
            cut = [n for n in labels if n != self.current and len(full[n]) > 3]
            if not cut:
                break
            name = max(cut, key=lambda n: len(full[n]))
            short = full[name][: len(full[name]) - 2] + "…"
            labels[name] = labels[name].replace(full[name], short, 1)
            full[name] = short
        return labels, gap

    def wide(self, labels: dict[str, str], gap: str) -> int:
        return sum(len(key) + len(gap) + len(labels[n]) + 1 for n, (key, _l) in self.areas.items())

    def render(self) -> Text:
        text = Text(end="")
        labels, gap = self.labels(self.size.width)
        for name, (key, _label) in self.areas.items():
            text.append(" ")
            style = "reverse bold" if name == self.current else ""
            text.append(key.upper(), style=style or ("" if gap else "bold"))
            text.append(f"{gap}{labels[name]}", style=style)
        # The areas always show in full. F1 Help leads when it fits; with every area at 80
        # columns it and Ctrl+Q stay in the help screen and the palette.
        if text.cell_len + 9 <= self.size.width:
            text = Text(" F1 Help ", end="") + text
        if text.cell_len + 9 <= self.size.width:
            text.append("  ^Q Quit")
        return text
