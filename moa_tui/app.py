"""MoaApp: sign-in, the areas (modes), global keys, command palette, the idle lock and
the change watcher."""

from __future__ import annotations

import functools
import secrets
import time
from collections.abc import Iterable
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from .areas import AREAS, preload
from .db.anchors import write_anchor
from .db.database import resolve_path
from .db.models import StaffMember
from .db.optimize import optimize_on_close
from .openers import PatientOpeners
from .screens.security.signin import ChangePasswordScreen, LockScreen, LoginScreen
from .services.security.security import can
from .ui.keymap import load_keymap
from .ui.session import SessionWatch
from .ui.stylesheet import keep_parsed_rules

# The blank mode under the sign-in screen after a session was ended.
SIGNED_OUT = "signed_out"
# Keys that do nothing until someone is signed in and the screen is unlocked.
SIGNED_IN_ACTIONS = {"area", "help", "command_palette", "lock", "change_password", "new_call"}


def _declared_here(node: object, binding: Binding) -> bool:
    """Whether one of moa-tui's own classes declared *binding*: the palette offers the
    office's actions, not Textual's built-in ones ("Copy selected text", "Cursor left")."""
    for cls in type(node).__mro__:
        if not cls.__module__.startswith("moa_tui"):
            continue
        for declared in cls.__dict__.get("BINDINGS", ()):
            if isinstance(declared, Binding):
                action, description = declared.action, declared.description
            else:
                action, description = declared[1], declared[2] if len(declared) > 2 else ""
            # Both: a Textual widget's "Top" shares scroll_top with our "First row".
            if (action, description) == (binding.action, binding.description):
                return True
    return False


class MoaApp(PatientOpeners, SessionWatch, App):
    """The front desk. One instance per terminal; many share one database file."""

    TITLE = "moa-tui"
    CSS_PATH = "styles/app.tcss"
    MODES = {name: area[2] for name, area in AREAS.items()} | {SIGNED_OUT: Screen}
    BINDINGS = [
        *(
            Binding(
                keys, f"area('{name}')", label, priority=True, show=False, id=f"app.area.{name}"
            )
            for name, (keys, label, _s, _p) in AREAS.items()
        ),
        Binding("f1,alt+1", "help", "Help", priority=True, show=False, id="app.help"),
        Binding("question_mark", "help", "Help", show=False, id="app.help.question"),
        Binding("f12", "lock", "Lock screen", priority=True, show=False, id="app.lock"),
        Binding("ctrl+o", "change_password", "Change my password", show=False, id="app.password"),
        # A phone message from any screen (screens/comms/new_call.py).
        Binding("f10,alt+0", "new_call", "New call", priority=True, show=False, id="app.new_call"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="app.quit"),
    ]
    # How often to anchor the audit trail outside the database (db/anchors.py).
    ANCHOR_SECONDS = 3600

    def __init__(
        self,
        actor: StaffMember | None,
        db_path: str | Path,
        clinic_name: str = "",
        username: str = "",
        idle_minutes: float = 10,
        start_area: str = "schedule",
        signin_note: str = "",
        keymap_file: Path | None = None,
    ) -> None:
        super().__init__()
        keep_parsed_rules(self)
        self.actor = actor
        self.db_path = resolve_path(db_path)  # a file, or a postgresql:// URL kept whole
        self.clinic_name = clinic_name
        self.username = username
        self.idle_seconds = idle_minutes * 60
        self.start_area = start_area
        self.signin_note = signin_note
        self.locked = False
        self._last_input = time.monotonic()
        # The site's keys (ui/keymap.py); a file that cannot be used is said at start.
        keymap, self.keymap_problem = load_keymap(keymap_file)
        self.set_keymap(keymap)
        # staff id -> (mode, {mode: screen stack}): the screens of someone who locked the
        # terminal and let the next person sign in, kept as they were for their return.
        self._kept: dict[int, tuple[str, dict[str, list[Screen]]]] = {}

    # --- sign-in and the idle lock -------------------------------------------------

    def on_mount(self) -> None:
        self.call_after_refresh(self.steady_collector)  # once the first screen is painted
        self.start_change_watcher(self.db_path)
        self.start_idle_timer()
        if self.keymap_problem:
            self.notify(self.keymap_problem, severity="error", timeout=15, markup=False)
        self.set_interval(self.ANCHOR_SECONDS, lambda: self._anchor_trail("hourly"))
        if self.actor is None:
            self.push_screen(
                LoginScreen(self.clinic_name, self.username, self.signin_note), self._signed_in
            )
            self.call_after_refresh(
                self.run_worker,
                functools.partial(preload, self.start_area),
                thread=True,
                exit_on_error=False,
            )
        else:
            self._signed_in(self.actor)

    def _anchor_trail(self, kind: str) -> None:
        """Write the audit trail's length and last seal outside the database, so events
        cut off its end are found by `audit verify`. One row read and one line: never a
        reason to stop the app."""
        try:
            write_anchor(kind)
        except Exception:  # noqa: BLE001 - a missed anchor is caught by the next one
            pass

    def on_unmount(self) -> None:
        self._anchor_trail("exit")
        optimize_on_close()  # stale planner statistics refreshed, as SQLite recommends

    def _signed_in(self, staff: StaffMember) -> None:
        staff.session_id = secrets.token_hex(8)
        self.actor = staff
        self._last_input = time.monotonic()
        if staff.must_change_password:
            self.push_screen(ChangePasswordScreen(forced=True), self._signed_in)
            return
        kept = self._kept.pop(staff.id, None)
        if kept is not None:
            # Back at this desk: their screens, half-typed forms included, as they left them.
            # (Textual keeps a mode's stack in _screen_stacks; a missing one is built anew.)
            mode, stacks = kept
            self._screen_stacks.update(stacks)
            self.switch_mode(mode)
            return
        areas = [n for n in (self.start_area, *AREAS) if can(staff, AREAS[n][3])]
        if not areas:
            self.exit(message="This account has no area it may use here.")
            return
        self.switch_mode(areas[0])
        self.urgent_calls.check()
        self.call_after_refresh(self.steady_collector)  # the first area built and alive

    @property
    def signed_in(self) -> bool:
        return self.actor is not None and not self.actor.must_change_password

    def idle_timed_out(self) -> None:
        self.action_lock()

    def action_lock(self) -> None:
        """Cover the screen (no patient data stays visible) until the same user's password."""
        if self.locked or not self.signed_in:
            return
        self.locked = True
        self.push_screen(LockScreen(), self._unlocked)
        self.urgent_calls.check()  # the notices say no more than that a call waits

    def _unlocked(self, staff: StaffMember) -> None:
        self.locked = False
        if self.actor is not None and staff.id != self.actor.id:
            self.run_worker(self._switch_user(staff), group="session", exclusive=True)
            return
        self.actor = staff
        self._last_input = time.monotonic()
        self.urgent_calls.check()

    async def _switch_user(self, staff: StaffMember) -> None:
        """Keep the locked user's screens aside (nobody else sees them; their password
        brings them back) and give *staff* fresh areas built for their role."""
        mode = self.current_mode
        self._anchor_trail("signout")
        await self.switch_mode(SIGNED_OUT)
        stacks = {n: self._screen_stacks.pop(n) for n in AREAS if n in self._screen_stacks}
        self._kept[self.actor.id] = (mode, stacks)
        self._signed_in(staff)

    def session_ended(self, error: Exception) -> None:
        """The services refused the signed-in account (deactivated, locked or given
        another role): leave every area, forget what they showed, and ask for a sign-in
        with the reason on the sign-in screen."""
        if self.actor is None:
            return
        self.username = self.actor.username  # the sign-in screen offers the same account
        self.actor = None
        self.locked = False
        self.urgent_calls.check()  # signed out: the notices go
        self.run_worker(self._sign_out(str(error)), group="session", exclusive=True)

    async def _sign_out(self, reason: str) -> None:
        self._anchor_trail("signout")
        await self.switch_mode(SIGNED_OUT)
        for name, area in AREAS.items():
            # The areas were built for the old account's role: build them anew.
            await self.remove_mode(name)
            self.add_mode(name, area[2])
        self.push_screen(LoginScreen(self.clinic_name, self.username, reason), self._signed_in)

    def action_change_password(self) -> None:
        self.push_screen(ChangePasswordScreen(), lambda staff: None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in SIGNED_IN_ACTIONS and (not self.signed_in or self.locked):
            return False
        if action == "new_call":
            return can(self.actor, "comms.write")
        if action == "area":
            return can(self.actor, AREAS[str(parameters[0])][3])
        return True

    # --- areas, help and the palette --------------------------------------------------

    def keys_in_force(self, binding_id: str, default: str) -> list[str]:
        """The keys of one binding after the site's keymap, e.g. ["f2", "alt+2"]."""
        return self._keymap.get(binding_id, default).split(",")

    def area_keys(self) -> dict[str, tuple[str, str]]:
        """name -> (the area's first key in force, label) for the areas this role sees."""
        return {
            name: (self.keys_in_force(f"app.area.{name}", keys)[0], label)
            for name, (keys, label, _s, permission) in AREAS.items()
            if can(self.actor, permission)
        }

    # --- phone messages: new call from any screen, urgent calls on every desk -------------

    inbox_badge = ""  # the inbox's count in the area bar ("3", "3 1!" with an urgent call)

    @functools.cached_property
    def urgent_calls(self):
        from .screens.comms.urgent import UrgentWatch

        return UrgentWatch(self)

    def action_new_call(self) -> None:
        from .screens.comms.new_call import NewCallScreen, call_logged_text

        if isinstance(self.screen, NewCallScreen):
            return

        def logged(result) -> None:
            if result is not None:
                self.notify(call_logged_text(result), timeout=4, markup=False)
                self.urgent_calls.check()

        self.push_screen(NewCallScreen(), logged)

    def set_inbox_counts(self, counts) -> None:
        """Show my open items (and urgent calls nobody took) in the area bar."""
        badge = ""
        if counts is not None and (counts.open or counts.urgent):
            badge = f"{counts.open}" + (f" {counts.urgent}!" if counts.urgent else "")
        if badge != self.inbox_badge:
            self.inbox_badge = badge
            for bar in self.screen.query("AreaBar"):
                bar.refresh()

    def on_data_changed(self, message) -> None:
        """A change another terminal made reached the screen (and bubbled up here)."""
        if not message.topics or "messages" in message.topics:
            self.urgent_calls.check()

    def action_area(self, name: str) -> None:
        if self.current_mode != name:
            self.switch_mode(name)

    # --- what one area's screen asks of another (screens call these through self.app
    # instead of importing each other) ----------------------------------------------------

    def open_patient(self, patient_id: int, edit: bool = False) -> None:
        """Open a patient's chart over the current area; Esc comes back."""
        from .screens.patients.chart import PatientChartScreen

        self.push_screen(PatientChartScreen(patient_id, edit=edit))

    async def show_claims(self, what: str) -> None:
        """The Claims area for the books' month end: its claims filtered to *what* (a
        status: "ready", not yet sent), or the unbilled visits over it ("unbilled")."""
        if self.current_mode != "claims":
            await self.switch_mode("claims")
        screen = self.screen
        if what == "unbilled" and hasattr(screen, "action_unbilled"):
            screen.action_unbilled()
        elif hasattr(screen, "show_status"):
            screen.show_status(what)

    def emergency_access(self, error, answered) -> None:
        """The emergency-access dialog for a restricted record (any screen's service call)."""
        from .screens.patients.dialogs import emergency_access

        emergency_access(self, error, answered)

    def show_appointment(self, row, text: str) -> None:
        """Go to the schedule on the appointment's day with the cursor on it."""
        from .screens.scheduling.schedule import ScheduleScreen

        if self.current_mode != "schedule":
            self.switch_mode("schedule")
        while not isinstance(self.screen, ScheduleScreen) and len(self.screen_stack) > 1:
            self.pop_screen()
        if isinstance(self.screen, ScheduleScreen):
            self.screen.show_appointment(row, text)

    def book_for(self, patient_id: int, name: str) -> None:
        """Book for this patient (from the type step); the schedule then shows the visit."""
        from .screens.scheduling.booking import BookingScreen, booked_message

        def booked(row) -> None:
            if row is not None:
                self.show_appointment(row, booked_message(row))

        self.push_screen(BookingScreen((patient_id, name)), booked)

    async def open_check_in(self, appointment_id: int):
        """The check-in screen for one appointment, awaited by a flow (a worker): the
        checked-in visit's row, or None when the desk backed out."""
        from .screens.frontdesk.check_in import CheckInScreen

        return await self.push_screen_wait(CheckInScreen(appointment_id))

    def show_visit_history(self, patient_id: int, name: str) -> None:
        """A patient's past and coming visits, over the current screen."""
        from .screens.scheduling.history import HistoryScreen

        self.push_screen(HistoryScreen(patient_id, name))

    def action_help(self) -> None:
        from .screens.help import HelpScreen, describe_keys, screen_name

        if isinstance(self.screen, HelpScreen):
            return
        title = screen_name(self.screen) or "This screen"
        self.push_screen(HelpScreen(title, describe_keys(self.screen)))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette offers what this screen's keys do, then the areas, then Quit: each
        action once (left and "-" both go back a day), and none of Textual's own."""
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.description or binding.system or not active.enabled:
                continue
            if binding.action.startswith("area(") or not _declared_here(active.node, binding):
                continue
            if binding.description in seen or binding.action == "quit":  # Quit comes last
                continue
            seen.add(binding.description)
            namespace = active.node

            def run(action=binding.action, node=namespace) -> None:
                self.call_later(self.run_action, action, node)

            yield SystemCommand(binding.description, f"Key: {self.get_key_display(binding)}", run)
        for name, (key, label) in self.area_keys().items():
            yield SystemCommand(
                f"Go to {label}", f"Key: {key.upper()}", lambda n=name: self.action_area(n)
            )
        yield SystemCommand("Quit", "Leave moa-tui (Ctrl+Q)", self.action_quit)
