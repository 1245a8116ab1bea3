"""The one message line of a screen: a line (wrapping to three) of feedback above the
footer, its look set by a class in the .tcss ("error", "warning", "ok"), never by an
inline style, and its text always shown as plain, harmless text."""

from __future__ import annotations

from textual.widgets import Static

from ..ui.text import plain

KINDS = ("error", "warning", "ok")


class MessageLine(Static):
    """``say(text, "error")``: the text in the error look; ``say("")`` clears it. The
    kind is one of KINDS or "" (plain); anything else (a Rich style) is a mistake."""

    def __init__(self, text: str = "", *, id: str = "message", classes: str = "") -> None:  # noqa: A002
        super().__init__(plain(text), id=id, classes=classes, markup=False)

    def say(self, text: str, kind: str = "") -> None:
        if kind not in (*KINDS, ""):
            raise ValueError(f"say() takes a kind {KINDS}, not {kind!r}")
        self.remove_class(*KINDS)
        if kind:
            self.add_class(kind)
        self.update(plain(text))

    @property
    def kind(self) -> str:
        return next((k for k in KINDS if self.has_class(k)), "")
