"""MoaApp: the areas (modes), global keys, command palette and the change watcher."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from .db.database import ChangeWatcher
from .db.models import StaffMember
from .screens.base import DataChanged
from .screens.checkin import QueueScreen
from .screens.claims import ClaimsScreen
from .screens.help import HelpScreen, describe_keys
from .screens.patients import PatientsScreen
from .screens.schedule import ScheduleScreen
from .screens.stock import StockScreen

AREAS = {
    "schedule": ("f2", "Schedule", ScheduleScreen),
    "queue": ("f3", "Queue", QueueScreen),
    "patients": ("f4", "Patients", PatientsScreen),
    "claims": ("f5", "Claims", ClaimsScreen),
    "stock": ("f6", "Stock", StockScreen),
}


class MoaApp(App):
    """The front desk. One instance per terminal; many share one database file."""

    TITLE = "moa-tui"
    CSS_PATH = "styles/app.tcss"
    MODES = {name: screen for name, (_key, _label, screen) in AREAS.items()}
    BINDINGS = [
        *(
            Binding(key, f"area('{name}')", label, priority=True, show=False)
            for name, (key, label, _s) in AREAS.items()
        ),
        Binding("f1", "help", "Help", priority=True, show=False),
        Binding("question_mark", "help", "Help", show=False),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
    ]
    # How often to look for other terminals' changes; about twice a second.
    WATCH_SECONDS = 0.5

    def __init__(
        self,
        actor: StaffMember,
        db_path: str | Path,
        clinic_name: str = "",
        start_area: str = "schedule",
    ) -> None:
        super().__init__()
        self.actor = actor
        self.db_path = Path(db_path)
        self.clinic_name = clinic_name
        self.start_area = start_area
        self._watcher: ChangeWatcher | None = None

    def on_mount(self) -> None:
        self._watcher = ChangeWatcher(self.db_path)
        self.set_interval(self.WATCH_SECONDS, self._look_for_changes)
        self.switch_mode(self.start_area)

    def on_unmount(self) -> None:
        if self._watcher:
            self._watcher.close()

    def _look_for_changes(self) -> None:
        if self._watcher and self._watcher.changed():
            # Only the visible screen refetches now; the others do when they come back.
            self.screen.post_message(DataChanged())

    def action_area(self, name: str) -> None:
        if self.current_mode != name:
            self.switch_mode(name)

    def area_keys(self) -> dict[str, tuple[str, str]]:
        return {name: (key, label) for name, (key, label, _s) in AREAS.items()}

    def open_patient(self, patient_id: int, edit: bool = False) -> None:
        """Open a patient's chart over the current area; Esc comes back."""
        from .screens.patients import PatientChartScreen

        self.push_screen(PatientChartScreen(patient_id, edit=edit))

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        title = getattr(self.screen, "AREA_TITLE", "") or self.screen.__class__.__name__
        self.push_screen(HelpScreen(title, describe_keys(self.screen)))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette offers what this screen's keys do, then the areas, then Quit."""
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.description or binding.system or not active.enabled:
                continue
            if binding.action.startswith("area("):
                continue
            namespace = active.node

            def run(action=binding.action, node=namespace) -> None:
                self.call_later(self.run_action, action, node)

            yield SystemCommand(binding.description, f"Key: {self.get_key_display(binding)}", run)
        for name, (key, label, _s) in AREAS.items():
            yield SystemCommand(
                f"Go to {label}", f"Key: {key.upper()}", lambda n=name: self.action_area(n)
            )
        yield SystemCommand("Quit", "Leave moa-tui (Ctrl+Q)", self.action_quit)
