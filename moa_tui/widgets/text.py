"""Stored text is shown as plain, harmless text: never as markup, never raw escapes."""

from __future__ import annotations

from rich.text import Text

# C0 controls and DEL become their visible Unicode "control picture" (ESC -> ␛); C1
# controls and bidi/format characters become a visible replacement mark.
_PICTURES = {code: 0x2400 + code for code in range(0x20)} | {0x7F: 0x2421}
_PICTURES |= {code: 0xFFFD for code in range(0x80, 0xA0)}
_PICTURES |= {
    code: 0xFFFD
    for code in (*range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFEFF)
}


def visible(value: object) -> str:
    """*value* as a string with every control character made visible."""
    return str(value if value is not None else "").translate(_PICTURES)


def plain(value: object, style: str = "") -> Text:
    """A Rich Text of *value* that no markup or escape sequence inside it can affect."""
    return Text(visible(value), style=style, end="")


def plain_lines(lines: list[str], style: str = "") -> Text:
    """Several lines of text, each made harmless on its own; the line breaks are ours."""
    return Text("\n".join(visible(line) for line in lines), style=style, end="")
