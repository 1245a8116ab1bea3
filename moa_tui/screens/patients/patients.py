"""The Patients area: find a patient as you type, open the chart, register a new one, the
office's open referrals."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding

from ...services.patients.patients import PatientChart, PatientHit
from ...ui import changes
from ...widgets.patient_picker import PatientPicker
from ..base import AreaScreen
from .chart import check_in_patient
from .form import PatientFormScreen


class PatientsScreen(AreaScreen):
    AREA_TITLE = "Patients"
    TOPICS = frozenset({changes.PATIENTS})  # refetched when another terminal changes these
    ACTION_PERMISSIONS = {
        "new_patient": "patient.write",
        "edit_patient": "patient.write",
        "check_in": "checkin",
        "open_referrals": "patient.read",
    }
    BINDINGS = [
        Binding("ctrl+n", "new_patient", "New patient", id="patients.new_patient"),
        Binding("slash", "focus_search", "Search", id="patients.focus_search"),
        Binding("e", "edit_patient", "Edit", id="patients.edit_patient"),
        Binding("c", "check_in", "Check in", id="patients.check_in"),
        Binding("ctrl+r", "open_referrals", "Referrals", id="patients.referrals"),
    ]

    def compose_body(self) -> ComposeResult:
        yield PatientPicker()

    def on_mount(self) -> None:
        super().on_mount()
        self.picker.focus_search()

    @property
    def picker(self) -> PatientPicker:
        return self.query_one(PatientPicker)

    @property
    def hits(self) -> dict[str, PatientHit]:
        return self.picker.hits

    def reload(self) -> None:
        self.picker.search()

    def on_patient_picker_picked(self, event: PatientPicker.Picked) -> None:
        # Enter in the search box or on a row opens the chart.
        event.stop()
        self.app.open_patient(event.hit.id)

    def action_open_referrals(self) -> None:
        """The office's open referrals, the oldest first (issue 12 item 6)."""
        self.app.referrals()

    def action_focus_search(self) -> None:
        self.picker.focus_search()

    def selected(self) -> PatientHit | None:
        return self.picker.selected()

    def action_new_patient(self) -> None:
        self.app.push_screen(PatientFormScreen(None), self._registered)

    def _registered(self, chart: PatientChart | None) -> None:
        if chart is not None:
            self.app.open_patient(chart.id)

    @work(exclusive=True, group="patients-check-in")
    async def action_check_in(self) -> None:
        """Check in the highlighted patient for their next appointment today."""
        hit = self.selected()
        if hit and self.focused is self.picker.table:
            await check_in_patient(self, hit.id, self.say)

    def action_edit_patient(self) -> None:
        hit = self.selected()
        if hit and self.focused is self.picker.table:
            self.app.open_patient(hit.id, edit=True)
