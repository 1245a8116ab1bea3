"""The waiting-room apps: self check-in (`moa-tui --kiosk`) and the display
(`moa-tui --waiting-room`). One locked screen each: no areas, no palette, no way out
without a staff member's password; the kiosk forgets everything after 60 s idle."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Static

from .db.changes import SCHEDULE
from .db.database import resolve_path
from .db.models import StaffMember
from .screens.security.signin import LoginScreen
from .services.errors import ServiceError
from .services.frontdesk.kiosk import (
    KioskVisit,
    NeedPhoneDigits,
    WaitingRoomLine,
    kiosk_check_in,
    kiosk_find,
    waiting_room,
)
from .services.security.security import SignInError, authenticate
from .ui.calls import ServiceCaller
from .ui.changes import DataChanged, concerns
from .ui.session import SessionWatch
from .ui.text import plain, plain_lines
from .widgets.form import FieldSpec, Form
from .widgets.message_line import MessageLine

IDLE_RESET_SECONDS = 60


class StaffExitScreen(ServiceCaller, Screen[bool]):
    """Leaving the kiosk needs a staff member's own username and password."""

    SCREEN_NAME = "Staff exit"

    BINDINGS = [Binding("escape", "back", "Back", id="kiosk.exit.back")]

    def compose(self) -> ComposeResult:
        with Center(), Vertical(classes="dialog signin"):
            yield Static("Staff only: sign in to close the kiosk.", classes="dialog-title")
            yield Form(
                [
                    FieldSpec("username", "Username", max_length=32),
                    FieldSpec("password", "Password", password=True, max_length=200),
                ]
            )
            yield MessageLine(id="dialog-message")

    def on_form_done(self, event: Form.Done) -> None:
        values = self.query_one(Form).values()

        def check(username: str, password: str) -> bool:
            # Typed where anyone can type: slowed, but never counted towards a lock-out.
            staff = authenticate(username, password, source="kiosk")
            if staff.role == "kiosk":
                raise SignInError("A staff member's own account is needed.")
            return True

        self.query_one("#dialog-message", MessageLine).say("Checking…")
        # In the write group, a second Enter while the first is checked is dropped.
        self.call_service(
            check,
            values["username"],
            values["password"],
            then=self.dismiss,
            failed=self._refused,
            with_actor=False,
            group="write",
        )

    def _refused(self, error: ServiceError) -> None:
        self.query_one("#dialog-message", MessageLine).say(str(error), "error")
        self.query_one("#password").value = ""

    def action_back(self) -> None:
        self.dismiss(False)


class KioskScreen(ServiceCaller, Screen):
    """Last name and date of birth -> confirm -> "Please have a seat"."""

    SCREEN_NAME = "Kiosk check-in"

    BINDINGS = [Binding("escape", "restart", "Start over", id="kiosk.restart")]

    def compose(self) -> ComposeResult:
        yield Static("Welcome! Check in for today's appointment", id="titlebar")
        with Center(), Vertical(classes="dialog kiosk"):
            yield Static("", id="kiosk-text")
            yield Form(self.specs(), id="kiosk-form")
            yield MessageLine(id="dialog-message")
            yield Static("Enter: continue · Esc: start over", classes="hint", markup=False)

    def specs(self) -> list[FieldSpec]:
        return [
            FieldSpec("last_name", "Last name", max_length=60),
            FieldSpec("dob", "Birth date", placeholder="MM/DD/YYYY", max_length=10),
            FieldSpec("phone", "Phone, last 4", placeholder="only if asked", max_length=4),
        ]

    def on_mount(self) -> None:
        self.action_restart()

    def action_restart(self) -> None:
        self.visit: KioskVisit | None = None
        text = self.query_one("#kiosk-text", Static)
        text.remove_class("checked-in")
        text.update("Please type your last name and your date of birth.")
        form = self.query_one(Form)
        form.display = True
        for name in ("last_name", "dob", "phone"):
            self.query_one(f"#{name}").value = ""
        form.show_errors({})
        self.query_one("#dialog-message", MessageLine).say("")
        self.query_one("#last_name").focus()

    def on_form_done(self, event: Form.Done) -> None:
        event.stop()
        v = self.query_one(Form).values()
        self.call_service(
            kiosk_find,
            v["last_name"],
            v["dob"],
            v["phone"],
            then=self._found,
            failed=self._not_found,
        )

    def _not_found(self, error: ServiceError) -> None:
        self.query_one("#dialog-message", MessageLine).say(str(error))
        if isinstance(error, NeedPhoneDigits):
            self.query_one("#phone").focus()

    def _found(self, visit: KioskVisit) -> None:
        self.visit = visit
        self.query_one(Form).display = False
        self.query_one("#dialog-message", MessageLine).say("")
        self.query_one("#kiosk-text", Static).update(
            plain_lines(
                [
                    f"Hello {visit.first_name}. Your appointment is at {visit.time} "
                    f"with {visit.provider}.",
                    "",
                    "Is this still your address and phone?",
                    f"  {visit.address}",
                    f"  {visit.phone}",
                    "",
                    "Y: yes, check me in     N: something changed",
                ]
            )
        )
        self.focus()

    def on_key(self, event: events.Key) -> None:
        if self.visit is not None and event.key in ("y", "n"):
            event.stop()
            self.call_service(
                kiosk_check_in,
                self.visit.appointment_id,
                event.key == "y",
                then=self._done,
                failed=self._not_found,
            )

    def _done(self, message: str) -> None:
        self.visit = None
        text = self.query_one("#kiosk-text", Static)
        text.add_class("checked-in")
        text.update(plain(message))
        self.set_timer(8, self.action_restart)


class KioskApp(SessionWatch, App):
    """Runs as the kiosk account: a patient can only check themselves in."""

    CSS_PATH = ["styles/app.tcss", "styles/kiosk.tcss"]
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding(
            "ctrl+q,ctrl+c", "leave", "Close (staff)", show=False, priority=True, id="kiosk.leave"
        ),
    ]
    idle_seconds = IDLE_RESET_SECONDS

    def __init__(self, clinic_name: str, username: str = "kiosk", actor=None) -> None:
        super().__init__()
        self.clinic_name = clinic_name
        self.username = username
        self.actor: StaffMember | None = actor

    def on_mount(self) -> None:
        self.call_after_refresh(self.steady_collector)  # once the first screen is painted
        self.start_idle_timer()
        if self.actor is None:
            note = "Set-up: sign in with the kiosk account."
            self.push_screen(LoginScreen(self.clinic_name, self.username, note), self._kiosk_ready)
        else:
            self._kiosk_ready(self.actor)

    def _kiosk_ready(self, staff: StaffMember) -> None:
        if staff.role != "kiosk":
            self.exit(message="The kiosk runs with the kiosk account only.")
            return
        self.actor = staff
        self.push_screen(self.first_screen())

    def first_screen(self) -> Screen:
        return KioskScreen()

    def session_ended(self, error: Exception) -> None:
        """The kiosk account was deactivated, locked or changed: nothing more for patients
        here until a staff member signs the kiosk in again."""
        self.actor = None
        while len(self.screen_stack) > 1:
            self.pop_screen()
        note = str(error)
        self.push_screen(LoginScreen(self.clinic_name, self.username, note), self._kiosk_ready)

    def idle_timed_out(self) -> None:
        # The kiosk forgets the last patient; the waiting room has nothing to forget.
        if isinstance(self.screen, KioskScreen):
            self.screen.action_restart()

    def action_leave(self) -> None:
        if self.actor is None:
            self.exit()
            return
        if not isinstance(self.screen, StaffExitScreen):
            self.push_screen(StaffExitScreen(), lambda ok: ok and self.exit())


class WaitingRoomScreen(ServiceCaller, Screen):
    SCREEN_NAME = "Waiting room"
    TOPICS = frozenset({SCHEDULE})

    def compose(self) -> ComposeResult:
        yield Static(plain(f"{self.app.clinic_name} · Waiting room"), id="titlebar")
        yield Static("", id="board")
        yield Static("You will be called by your ticket number.", classes="hint")

    def on_mount(self) -> None:
        self.reload()

    def on_data_changed(self, message: DataChanged) -> None:
        if concerns(self, message):
            self.reload()

    def reload(self) -> None:
        self.call_service(waiting_room, then=self._show)

    def _show(self, lines: list[WaitingRoomLine]) -> None:
        rows = [f"  {line.ticket:<10} {line.state}" for line in lines] or ["  Nobody is waiting."]
        self.query_one("#board", Static).update(plain_lines(["  Ticket     ", *rows]))


class WaitingRoomApp(KioskApp):
    """The display: tickets and "please wait" / "being seen", refreshing by itself."""

    def __init__(
        self, clinic_name: str, db_path: str | Path, username: str = "kiosk", actor=None
    ) -> None:
        super().__init__(clinic_name, username, actor)
        self.db_path = resolve_path(db_path)  # a file, or a postgresql:// URL kept whole

    def first_screen(self) -> Screen:
        # The app's one change watcher: the board refetches when the schedule changes.
        self.start_change_watcher(self.db_path)
        return WaitingRoomScreen()
