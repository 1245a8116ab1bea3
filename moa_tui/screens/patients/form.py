"""Registering a new patient and editing one: every field the chart shows, messages beside
each field, a possible duplicate named before it is saved."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from ...services.errors import Conflict, ServiceError, ValidationError
from ...services.patients.patients import (
    FORM_FIELDS,
    SEXES,
    PatientChart,
    PossibleDuplicates,
    clinic_state,
    create_patient,
    update_patient,
)
from ...services.wording import plural
from ...ui.text import visible
from ...widgets.form import FieldSpec, Form, FormScroll
from ..base import RecordView

LABELS = {
    "last_name": "Last name",
    "first_name": "First name",
    "dob": "Date of birth",
    "sex": "Sex",
    "phone_mobile": "Mobile phone",
    "phone_home": "Home phone",
    "email": "E-mail",
    "address1": "Address",
    "city": "City",
    "state": "State",
    "zip": "ZIP",
    "preferred_name": "Goes by",
    "phone_work": "Work phone",
    "preferred_phone": "Call on",
    "language": "Language",
    "emergency_name": "Emergency",
    "emergency_relation": "  relation",
    "emergency_phone": "  phone",
    "guarantor_name": "Guarantor",
    "guarantor_relation": "  relation",
    "guarantor_phone": "  phone",
}
CHOICES = {
    "sex": [(f"{label} ({code})", code) for code, label in SEXES.items()],
    "preferred_phone": [("Mobile", "mobile"), ("Home", "home"), ("Work", "work")],
}
# A new patient starts with these and the clinic's state (clinic_state): real values,
# saved as shown. Placeholders only show a format, never a value.
DEFAULTS = {"sex": "U", "preferred_phone": "mobile", "language": "English"}
PLACEHOLDERS = {"dob": "MM/DD/YYYY", "phone_mobile": "e.g. 555-201-3344"}
# What clean_patient accepts: a longer entry is refused as it is typed, beside the field.
MAX_LENGTHS = {
    "last_name": 60,
    "first_name": 60,
    "email": 120,
    "address1": 120,
    "city": 60,
    "state": 2,
    "zip": 10,
    "preferred_name": 60,
    "language": 40,
    "emergency_name": 80,
    "emergency_relation": 30,
    "guarantor_name": 80,
    "guarantor_relation": 30,
}


class PatientFormScreen(RecordView):
    """Register a new patient (chart None) or edit one; field messages beside each field.

    Closes with the saved chart, None when cancelled, or False when another terminal saved
    the patient first (the caller reloads)."""

    SCREEN_NAME = "Patient details"
    VIEW_TITLE = "New patient"

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="patient_form.save"),
        Binding("escape", "cancel", "Cancel", id="patient_form.cancel"),
    ]

    def __init__(self, chart: PatientChart | None) -> None:
        super().__init__()
        self.chart = chart
        self._busy = False
        self._duplicates_seen: dict[str, str] | None = None
        if chart is not None:
            self.VIEW_TITLE = "Edit patient"

    def first_title(self) -> str:
        return self.chart.name if self.chart else ""

    def compose_body(self) -> ComposeResult:
        values = self.chart.values if self.chart else {}
        specs = []
        for name in FORM_FIELDS:
            specs.append(
                FieldSpec(
                    name,
                    LABELS[name],
                    values.get(name, DEFAULTS.get(name, "")),
                    options=CHOICES.get(name),
                    placeholder=PLACEHOLDERS.get(name, ""),
                    max_length=MAX_LENGTHS.get(name, 0),
                )
            )
        # 21 fields do not fit 24 lines: the form scrolls with the focused field.
        with FormScroll(classes="chart form-scroll"):
            yield Form(specs)
            yield Static(
                "Tab/Enter: next field (Enter on the last saves) · Ctrl+S: save · Esc: cancel",
                classes="hint",
            )

    def on_mount(self) -> None:
        if self.chart is None:
            self.call_service(clinic_state, then=self._default_state, group="defaults")

    def _default_state(self, state: str) -> None:
        field = self.query_one("#state", Input)
        if not field.value:  # unless the user got there first
            field.value = state

    def on_form_done(self, event: Form.Done) -> None:
        event.stop()
        self.action_save()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        if self._busy:
            return
        self._busy = True
        values = self.query_one(Form).values()
        if self.chart is None:
            self.call_service(
                create_patient,
                values,
                self._duplicates_seen == values,
                then=self._saved,
                failed=self._failed,
            )
        else:
            self.call_service(
                update_patient,
                self.chart.id,
                self.chart.version,
                values,
                then=self._saved,
                failed=self._failed,
            )

    def _saved(self, chart: PatientChart) -> None:
        self._busy = False
        self.dismiss(chart)

    def _failed(self, error: ServiceError) -> None:
        self._busy = False
        form = self.query_one(Form)
        self.app.bell()
        if isinstance(error, ValidationError):
            form.show_errors(error.errors)
            self.say(f"{plural(len(error.errors), 'field')} to correct.", "error")
            return
        form.show_errors({})
        if isinstance(error, PossibleDuplicates):
            # Shown once; saving the same form again says it is a different person.
            self._duplicates_seen = self.query_one(Form).values()
            self.say(
                f"{error} Esc and search to use that record, or Ctrl+S again if this "
                "is a different person.",
                "warning",
            )
            return
        self.say(str(error), "error")
        if isinstance(error, Conflict):
            # Someone else saved first: show their version rather than overwrite it.
            self.dismiss(False)
            self.app.notify(visible(error), severity="warning", timeout=10, markup=False)
