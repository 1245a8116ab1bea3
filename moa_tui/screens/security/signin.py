"""Sign-in, the idle lock and the password change: full screens that show no patient data."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Static

from ...services.errors import ServiceError
from ...services.security.security import authenticate, change_password
from ...ui.calls import ServiceCaller
from ...ui.text import plain, plain_lines
from ...widgets.form import FieldSpec, Form
from ...widgets.message_line import MessageLine


class _CredentialsScreen(ServiceCaller, Screen[Any]):
    """A small centred form that calls a service in a worker and dismisses with its
    answer; nothing behind it shows through."""

    TITLE_TEXT = ""
    HINT = ""

    def specs(self) -> list[FieldSpec]:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        yield Static(plain(self.TITLE_TEXT), id="titlebar")
        with Center(), Vertical(classes="dialog signin"):
            yield Static(plain(self.heading()), classes="dialog-title")
            yield Form(self.specs())
            yield MessageLine(id="dialog-message")
            yield Static(plain_lines(self.HINT.splitlines()), classes="hint")

    def heading(self) -> str:
        return self.TITLE_TEXT

    def on_form_done(self, event: Form.Done) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        if "write" in self._calls.writing:
            return  # a second Enter while the first is checked: one attempt, not two
        self.query_one("#dialog-message", MessageLine).say("Checking…")
        self.run_job(self.query_one(Form).values())

    def run_job(self, values: dict[str, str]) -> None:
        raise NotImplementedError

    def done(self, result: Any) -> None:
        self.dismiss(result)

    def refused(self, error: ServiceError) -> None:
        errors = getattr(error, "errors", {})
        self.query_one(Form).show_errors(errors)
        self.query_one("#dialog-message", MessageLine).say("" if errors else str(error), "error")
        cleared = self.clear_on_error()
        for name in cleared:
            self.query_one(f"#{name}").value = ""
        if cleared and not errors:
            self.query_one(f"#{cleared[0]}").focus()
        elif cleared:
            # Typing starts again from the first emptied field.
            self.query_one(f"#{cleared[0]}").focus()
        self.app.bell()

    def clear_on_error(self) -> tuple[str, ...]:
        return ("password",)

    def call_plain(self, job, *args) -> None:
        """Run *job* (it takes no acting staff member: nobody is signed in) in a worker."""
        self.call_service(
            job, *args, then=self.done, failed=self.refused, with_actor=False, group="write"
        )


class LoginScreen(_CredentialsScreen):
    SCREEN_NAME = "Sign in"

    TITLE_TEXT = "moa-tui · Sign in"
    HINT = "Enter: next field / sign in · Ctrl+Q: quit"
    BINDINGS = [Binding("ctrl+q", "app.quit", "Quit", priority=True, id="signin.quit")]

    def __init__(self, clinic: str, username: str = "", note: str = "") -> None:
        super().__init__()
        self.clinic = clinic
        self.username = username
        if note:
            self.HINT = f"{note}\n{self.HINT}"

    def heading(self) -> str:
        return f"{self.clinic}: sign in"

    def specs(self) -> list[FieldSpec]:
        return [
            FieldSpec("username", "Username", self.username, max_length=32),
            FieldSpec("password", "Password", password=True, max_length=200),
        ]

    def on_mount(self) -> None:
        first_empty = "#password" if self.username else "#username"
        self.query_one(first_empty).focus()

    def run_job(self, values: dict[str, str]) -> None:
        self.call_plain(authenticate, values["username"], values["password"])


class LockScreen(_CredentialsScreen):
    """Covers everything after the idle time; only the same user's password opens it."""

    SCREEN_NAME = "Screen locked"

    TITLE_TEXT = "moa-tui · Locked"
    HINT = "Enter: unlock · Ctrl+N: switch user · Ctrl+Q: sign out and quit"
    BINDINGS = [
        Binding("ctrl+q", "app.quit", "Sign out", priority=True, id="lock.quit"),
        Binding("ctrl+n", "switch_user", "Switch user", priority=True, id="lock.switch_user"),
    ]

    def heading(self) -> str:
        return f"Screen locked. {self.app.actor.full_name}, your password to go on."

    def specs(self) -> list[FieldSpec]:
        return [FieldSpec("password", "Password", password=True, max_length=200)]

    def on_mount(self) -> None:
        self.query_one("#password").focus()

    def run_job(self, values: dict[str, str]) -> None:
        self.call_plain(authenticate, self.app.actor.username, values["password"])

    def action_switch_user(self) -> None:
        """Another person at this desk signs in over the lock; the locked user's screens
        are kept for them (the app restores them at their next sign-in here)."""
        self.app.push_screen(
            SwitchUserScreen(self.app.clinic_name), lambda staff: staff and self.dismiss(staff)
        )


class SwitchUserScreen(LoginScreen):
    """The sign-in of the next person at a shared desk, over the lock screen."""

    SCREEN_NAME = "Switch user"

    TITLE_TEXT = "moa-tui · Switch user"
    HINT = "Enter: next field / sign in · Esc: back to the lock"
    BINDINGS = [Binding("escape", "back", "Back", priority=True, id="switch_user.back")]

    def heading(self) -> str:
        return f"Next person, sign in ({self.app.actor.short_name}'s screens are kept)"

    def action_back(self) -> None:
        self.dismiss(None)


class ChangePasswordScreen(_CredentialsScreen):
    """The user's own password: forced at first sign-in, or by choice."""

    SCREEN_NAME = "Change password"

    TITLE_TEXT = "moa-tui · Change password"

    def __init__(self, forced: bool = False) -> None:
        super().__init__()
        self.forced = forced
        self.HINT = (
            "Enter: next field / save · Ctrl+Q: quit"
            if forced
            else "Enter: next field / save · Esc: cancel"
        )

    BINDINGS = [
        Binding("ctrl+q", "app.quit", "Quit", priority=True, id="password.quit"),
        Binding("escape", "cancel", "Cancel", id="password.cancel"),
    ]

    def heading(self) -> str:
        if self.forced:
            return "Choose your own password before you start (at least 10 characters)."
        return "Change your password (at least 10 characters)."

    def specs(self) -> list[FieldSpec]:
        return [
            FieldSpec("current", "Current", password=True, max_length=200),
            FieldSpec("new", "New password", password=True, max_length=200),
            FieldSpec("repeat", "New again", password=True, max_length=200),
        ]

    def on_mount(self) -> None:
        self.query_one("#current").focus()

    def clear_on_error(self) -> tuple[str, ...]:
        return ("current", "new", "repeat")

    def action_cancel(self) -> None:
        if not self.forced:
            self.dismiss(None)

    def run_job(self, values: dict[str, str]) -> None:
        self.call_service(
            change_password,
            values["current"],
            values["new"],
            values["repeat"],
            then=self.done,
            failed=self.refused,
            group="write",
        )
