"""Stored text is shown as plain, harmless text: never as markup, never raw escapes."""

from __future__ import annotations

from rich.text import Text

from ..text import for_terminal


def visible(value: object) -> str:
    """*value* as a string with every unsafe character made visible (moa_tui.text)."""
    return for_terminal(value)


def plain(value: object, style: str = "") -> Text:
    """A Rich Text of *value* that no markup or escape sequence inside it can affect."""
    return Text(visible(value), style=style, end="")


def plain_lines(lines: list[str], style: str = "") -> Text:
    """Several lines of text, each made harmless on its own; the line breaks are ours."""
    return Text("\n".join(visible(line) for line in lines), style=style, end="")
