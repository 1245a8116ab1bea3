"""Form fields with the error shown beside the field, and a dialog that submits a form
to a service and stays open, marking the fields, until the service accepts it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static

from ..services.errors import ServiceError, ValidationError
from ..ui.calls import ServiceCaller
from ..ui.text import plain, visible
from .message_line import MessageLine


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    value: str = ""
    options: list[tuple[str, str]] | None = None  # (label, value): a Select
    placeholder: str = ""
    max_length: int = 0
    restrict: str | None = None  # a regex of what may be typed
    password: bool = False


class FormScroll(VerticalScroll):
    """Scrolls a long form with the focused field; never takes the focus itself."""

    can_focus = False


class FieldInput(Input):
    """An input whose Enter moves to the next field (or saves on the last) at once.

    Done in the key handler itself, not in a later message, so keys typed ahead (a fast
    typist, a barcode scanner) land in the field they were meant for.
    """

    async def action_submit(self) -> None:
        self.query_ancestor(Form).advance(self)

    def restricted(self) -> None:
        """A key the field would not take (too long, a character it does not accept):
        say so beside the field instead of dropping it with only a bell."""
        super().restricted()
        field = self.query_ancestor(FormField)
        limit = field.spec.max_length
        if limit and len(self.value) >= limit:
            field.set_error(f"At most {limit} characters: that key was not taken.")
        else:
            field.set_error("That character does not belong here: it was not taken.")

    def replace(self, text: str, start: int, end: int) -> None:
        # Every edit by the user (a key, Backspace, Delete, a paste) comes through here, a
        # value set by the program does not: the field's message about what was typed
        # goes as soon as the user changes it, and stays when a screen clears the field.
        before = self.value
        super().replace(text, start, end)
        if self.value != before:
            self.query_ancestor(FormField).set_error("")

    async def _on_key(self, event: events.Key) -> None:
        # Textual queues each key on the widget that had the focus when the key came in,
        # and runs bindings (Enter) only later, when the key has bubbled up to the app.
        # So in a burst ("smith", Enter, "0412...", a barcode scanner, a fast typist) the
        # keys after Enter would land in the field already left. Enter therefore moves on
        # here, at once, and keys queued here after the focus moved are handed on to the
        # field that has it now.
        if not (event.is_printable or event.key == "enter"):
            await super()._on_key(event)
            return
        event.stop()
        event.prevent_default()
        focused = self.screen.focused
        if focused is not None and focused is not self:
            focused.post_message(events.Key(event.key, event.character))
        elif event.key == "enter":
            self.query_ancestor(Form).advance(self)
        else:
            await super()._on_key(event)


class FieldSelect(Select):
    """A choice in a form: Enter keeps the shown choice and moves on, as in an input;
    Down, Up or Space open the list."""

    BINDINGS = [
        Binding("enter", "advance", "Next field", show=False, id="form.next"),
        Binding("down,space,up", "show_overlay", "Show choices", show=False, id="form.choices"),
    ]

    def action_advance(self) -> None:
        self.query_ancestor(Form).advance(self)


class FormField(Horizontal):
    """Label, input (or choice) and its message on one line."""

    def __init__(self, spec: FieldSpec) -> None:
        super().__init__(classes="field", id=f"field-{spec.name}")
        self.spec = spec

    def compose(self) -> ComposeResult:
        spec = self.spec
        yield Label(spec.label)
        if spec.options is not None:
            # Option labels are often stored text (a visit type, a payer, a provider):
            # a Select parses a str label as markup, so `[/b]` in a name would crash it.
            yield FieldSelect(
                [(plain(label), value) for label, value in spec.options],
                value=spec.value or spec.options[0][1],
                allow_blank=False,
                compact=True,
                id=spec.name,
            )
        else:
            yield FieldInput(
                visible(spec.value),
                placeholder=spec.placeholder,
                compact=True,
                id=spec.name,
                max_length=spec.max_length,
                restrict=spec.restrict,
                password=spec.password,
            )
        yield Static("", classes="error", id=f"error-{spec.name}")

    @property
    def value(self) -> str:
        widget = self.query_one(f"#{self.spec.name}")
        return str(widget.value) if widget.value is not Select.NULL else ""

    def set_error(self, message: str) -> None:
        self.query_one(f"#error-{self.spec.name}", Static).update(plain(message))

    # A message about a choice goes as soon as another is made (an input's: FieldInput).
    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == self.spec.name:
            self.set_error("")


class Form(Vertical):
    """The fields of a form. Enter in the last field posts ``Form.Done``."""

    class Done(Message):
        pass

    def __init__(self, specs: Iterable[FieldSpec], **kwargs) -> None:
        super().__init__(**kwargs)
        self.specs = list(specs)

    def advance(self, widget: Widget) -> None:
        fields = list(self.query("FieldInput, FieldSelect"))
        index = fields.index(widget)
        if index + 1 < len(fields):
            # set_focus at once (widget.focus() waits for the next idle moment).
            self.screen.set_focus(fields[index + 1])
        else:
            self.post_message(self.Done())

    def compose(self) -> ComposeResult:
        for spec in self.specs:
            yield FormField(spec)

    def values(self) -> dict[str, str]:
        return {f.spec.name: f.value for f in self.query(FormField)}

    def on_select_changed(self, event: Select.Changed) -> None:
        # A choice made by keyboard moves on to the next field, as Enter does in an input.
        if event.select.has_focus:
            self.advance(event.select)

    def show_errors(self, errors: dict[str, str]) -> None:
        """Mark each field with its message (clearing the others) and focus the first."""
        first = None
        for f in self.query(FormField):
            message = errors.get(f.spec.name, "")
            f.set_error(message)
            if message and first is None:
                first = f
        if first is not None:
            first.query_one(f"#{first.spec.name}").focus()


class FormDialog(ServiceCaller, ModalScreen[Any]):
    """Collects *specs*, calls ``submit(actor, values)`` in a worker, and closes with what
    it returns. Bad fields are marked beside the field; other refusals show below."""

    SCREEN_NAME = "Form"

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("ctrl+s", "submit", "Save", id="form.save"),
    ]

    def __init__(
        self, title: str, specs: list[FieldSpec], submit: Callable[..., Any], hint: str = ""
    ) -> None:
        super().__init__()
        self.title_text = title
        self.specs = specs
        self.submit = submit
        self.hint = hint or "Enter: next field / save on the last · Ctrl+S save · Esc cancel"
        self._busy = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(plain(self.title_text), classes="dialog-title")
            yield Form(self.specs)
            yield MessageLine(id="dialog-message")
            yield Static(plain(self.hint), classes="hint")

    def on_form_done(self, event: Form.Done) -> None:
        event.stop()
        self.action_submit()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_submit(self) -> None:
        if self._busy:
            return
        self._busy = True
        self.query_one("#dialog-message", MessageLine).say("Saving…")
        self.call_service(
            self.submit, self.query_one(Form).values(), then=self._done, failed=self._failed
        )

    def _done(self, result: Any) -> None:
        self._busy = False
        self.dismiss(result)

    def _failed(self, error: ServiceError) -> None:
        self._busy = False
        form = self.query_one(Form)
        message = self.query_one("#dialog-message", MessageLine)
        if isinstance(error, ValidationError) and set(error.errors) & {s.name for s in self.specs}:
            form.show_errors(error.errors)
            message.say("")
        else:
            form.show_errors({})
            message.say(str(error), "error")
        self.app.bell()
