"""The key line at the foot of every titled screen: the screen's shown bindings as ONE
line of text ("F2 Schedule  / Search  ⏎ Open ...").

Textual's Footer makes a widget per key (twenty-odd on an area screen, each styled and
laid out) and rebuilds them all whenever the screen is shown again or the focus moves:
about a third of the time of opening a chart or switching areas (issue 10). This draws
the same line with one widget, redrawn only when the bindings change. The app is
keyboard-only, so a key need not be a clickable widget.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget


class KeyBar(Widget, can_focus=False):
    """The active screen's shown bindings (disabled ones dimmed), on one line."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"keybar--key", "keybar--description", "keybar--separator"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 1fr;
        text-wrap: nowrap;
        text-overflow: clip;
        color: $footer-foreground;
        background: $footer-background;
        .keybar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .keybar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .keybar--separator {
            color: $foreground 20%;
        }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._keys: tuple = ()
        self._palette: tuple[str, str, bool] | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def shown_keys(self, active: dict | None = None) -> tuple[tuple[str, str, bool], ...]:
        """(key as displayed, description, enabled) for each shown binding, one per
        action (the first key bound to it), in the screen's order (of *active*, the
        screen's active bindings, when the caller has them)."""
        keys: dict[str, tuple[str, str, bool]] = {}
        active = self.screen.active_bindings if active is None else active
        for _node, binding, enabled, _tooltip in active.values():
            if binding.show and binding.action not in keys:
                keys[binding.action] = (
                    self.app.get_key_display(binding),
                    binding.description,
                    enabled,
                )
        return tuple(keys.values())

    def palette_key(self, active: dict) -> tuple[str, str, bool] | None:
        """The command palette's key, shown at the right end as the Footer did."""
        app = self.app
        found = active.get(app.COMMAND_PALETTE_BINDING)
        if not app.ENABLE_COMMAND_PALETTE or found is None:
            return None
        _node, binding, enabled, _tooltip = found
        return (app.get_key_display(binding), binding.description, enabled)

    def _bindings_changed(self, screen) -> None:
        if not self.is_attached or screen is not self.screen:
            return
        # (The screen works its active bindings out anew on each reading: read once.)
        active = screen.active_bindings
        keys, palette = self.shown_keys(active), self.palette_key(active)
        if (keys, palette) != (self._keys, self._palette):  # else nothing to draw
            self._keys, self._palette = keys, palette
            self.refresh()

    def render(self) -> Text:
        key_style = self.get_component_rich_style("keybar--key")
        text_style = self.get_component_rich_style("keybar--description")
        line = Text(no_wrap=True, overflow="crop", end="")
        for display, description, enabled in self._keys:
            start = len(line)
            line.append(display, key_style)
            if description:
                line.append(" " + description, text_style)
            if not enabled:
                line.stylize("dim", start)
            line.append(" ")
        if self._palette is not None:
            display, description, enabled = self._palette
            right = Text(no_wrap=True, end="")
            right.append("\u258f", self.get_component_rich_style("keybar--separator"))
            right.append(display, key_style)
            right.append(" " + description + " ", text_style)
            if not enabled:
                right.stylize("dim", 1)
            room = self.size.width - len(right)
            if len(line) <= room:
                line.pad_right(room - len(line))
                line.append_text(right)
        return line
